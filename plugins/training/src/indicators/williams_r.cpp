#include "indicators/williams_r.hpp"

#include <utility>

#include "indicators/rolling_extremes.hpp"

namespace ktrdr::training::indicators {

WilliamsRIndicator::WilliamsRIndicator(std::string id, std::size_t period)
    : IndicatorBase(std::move(id), {}, period - 1), period_(period) {}

std::vector<IndicatorOutput> WilliamsRIndicator::compute(const BarSeries& bars,
                                                         const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const auto close = bars.closes();
  const std::size_t n = finite_prefix({bars.highs(), bars.lows(), close});
  const auto [highest, lowest] = rolling_high_low(bars, n, period_, polling);
  auto& out = outputs[0].values;
  for (std::size_t i = period_ - 1; i < n; ++i) {
    polling.at(i);
    const double range = highest[i] - lowest[i];
    out[i] = range == 0.0 ? -50.0 : -100.0 * (highest[i] - close[i]) / range;
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
