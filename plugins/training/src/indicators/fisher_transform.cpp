#include "indicators/fisher_transform.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "indicators/moving_average.hpp"
#include "indicators/price_source.hpp"
#include "indicators/rolling_extremes.hpp"

namespace ktrdr::training::indicators {

FisherTransformIndicator::FisherTransformIndicator(std::string id, std::size_t period,
                                                   std::size_t smoothing)
    : IndicatorBase(std::move(id), {"signal"}, period), period_(period), smoothing_(smoothing) {}

std::vector<IndicatorOutput> FisherTransformIndicator::compute(
    const BarSeries& bars, const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> median = price_series(bars, PriceSource::kHl2);
  const std::size_t n = finite_prefix({bars.highs(), bars.lows()});
  const auto [highest, lowest] = rolling_high_low(bars, n, period_, polling);
  std::vector<double> raw(n);
  for (std::size_t i = period_ - 1; i < n; ++i) {
    polling.at(i);
    const double range = highest[i] - lowest[i];
    const double x = range == 0.0 ? 0.0 : 2 * ((median[i] - lowest[i]) / range) - 1;
    const double clipped = std::clamp(x, -0.999, 0.999);
    raw[i] = 0.5 * std::log((1 + clipped) / (1 - clipped));
  }
  auto& fisher = outputs[0].values;
  exponential_moving_average_from_first(raw, period_ - 1, smoothing_, fisher, polling);
  for (std::size_t i = period_; i < n; ++i) {
    polling.at(i);
    outputs[1].values[i] = fisher[i - 1];
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
