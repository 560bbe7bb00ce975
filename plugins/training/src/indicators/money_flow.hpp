// Money flow volume, shared by the A/D Line and CMF: the close's place in the bar's range,
// ((c − l) − (h − c))/(h − l) (0 when h = l), times the volume. A pure function; thread-safe.
#pragma once

#include <cstddef>
#include <vector>

#include "indicators/cancel_poll.hpp"
#include "ktrdr/sdk/bar_series.hpp"

namespace ktrdr::training::indicators {

// Over the first `n` bars. Precondition: n ≤ bars.size().
inline std::vector<double> money_flow_volume(const BarSeries& bars, std::size_t n,
                                             const CancelPoll& poll) {
  const auto high = bars.highs();
  const auto low = bars.lows();
  const auto close = bars.closes();
  const auto volume = bars.volumes();
  std::vector<double> flow(n);
  for (std::size_t i = 0; i < n; ++i) {
    poll.at(i);
    const double range = high[i] - low[i];
    const double place = range == 0.0 ? 0.0 : ((close[i] - low[i]) - (high[i] - close[i])) / range;
    flow[i] = place * volume[i];
  }
  return flow;
}

}  // namespace ktrdr::training::indicators
