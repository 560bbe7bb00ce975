#include "indicators/donchian_channels.hpp"

#include <utility>

#include "indicators/rolling_extremes.hpp"

namespace ktrdr::training::indicators {

DonchianChannelsIndicator::DonchianChannelsIndicator(std::string id, std::size_t period)
    : IndicatorBase(std::move(id), {"middle", "lower"}, period - 1), period_(period) {}

std::vector<IndicatorOutput> DonchianChannelsIndicator::compute(
    const BarSeries& bars, const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::size_t n = finite_prefix({bars.highs(), bars.lows()});
  auto& upper = outputs[0].values;
  auto& lower = outputs[2].values;
  rolling_max(bars.highs().first(n), 0, period_, upper, polling);
  rolling_min(bars.lows().first(n), 0, period_, lower, polling);
  for (std::size_t i = period_ - 1; i < n; ++i) {
    polling.at(i);
    outputs[1].values[i] = (upper[i] + lower[i]) / 2;
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
