#include "indicators/keltner_channels.hpp"

#include <utility>

#include "indicators/moving_average.hpp"
#include "indicators/true_range.hpp"

namespace ktrdr::training::indicators {

KeltnerChannelsIndicator::KeltnerChannelsIndicator(std::string id, std::size_t period,
                                                   std::size_t atr_period, double multiplier)
    : IndicatorBase(std::move(id), {"middle", "lower"}, atr_period - 1),
      period_(period),
      atr_period_(atr_period),
      multiplier_(multiplier) {}

std::vector<IndicatorOutput> KeltnerChannelsIndicator::compute(
    const BarSeries& bars, const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const auto close = bars.closes();
  const std::size_t n = finite_prefix({bars.highs(), bars.lows(), close});
  auto& middle = outputs[1].values;
  exponential_moving_average_from_first(close.first(n), 0, period_, middle, polling);
  const std::vector<double> atr =
      mean_true_range(bars.highs(), bars.lows(), close, n, atr_period_, polling);
  for (std::size_t i = atr_period_ - 1; i < n; ++i) {
    polling.at(i);
    outputs[0].values[i] = middle[i] + multiplier_ * atr[i];
    outputs[2].values[i] = middle[i] - multiplier_ * atr[i];
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
