#include "indicators/squeeze_intensity.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "indicators/moving_average.hpp"
#include "indicators/rolling_variance.hpp"
#include "indicators/true_range.hpp"

namespace ktrdr::training::indicators {

SqueezeIntensityIndicator::SqueezeIntensityIndicator(std::string id, PriceSource source,
                                                     std::size_t bb_period, double bb_multiplier,
                                                     std::size_t kc_period, double kc_multiplier)
    : IndicatorBase(std::move(id), {}, std::max(bb_period, kAtrPeriod) - 1),
      source_(source),
      bb_period_(bb_period),
      bb_multiplier_(bb_multiplier),
      kc_period_(kc_period),
      kc_multiplier_(kc_multiplier) {}

std::vector<IndicatorOutput> SqueezeIntensityIndicator::compute(
    const BarSeries& bars, const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> x = price_series(bars, source_);
  const auto high = bars.highs();
  const auto low = bars.lows();
  const auto close = bars.closes();
  const std::size_t n = finite_prefix({x, high, low, close});
  std::vector<double> mean(n);
  std::vector<double> variance(n);
  rolling_mean_variance(std::span<const double>(x).first(n), 0, bb_period_, 1, mean, variance,
                        polling);
  std::vector<double> middle(n);
  exponential_moving_average_from_first(close.first(n), 0, kc_period_, middle, polling);
  const std::vector<double> atr = mean_true_range(high, low, close, n, kAtrPeriod, polling);
  for (std::size_t i = warmup(); i < n; ++i) {
    polling.at(i);
    const double spread = bb_multiplier_ * std::sqrt(variance[i]);
    const double bb_upper = mean[i] + spread;
    const double bb_lower = mean[i] - spread;
    const double kc_upper = middle[i] + kc_multiplier_ * atr[i];
    const double kc_lower = middle[i] - kc_multiplier_ * atr[i];
    const double width = kc_upper - kc_lower;
    outputs[0].values[i] =
        std::abs(width) > 1e-10
            ? std::max(0.0, std::min((kc_upper - bb_upper) / width, (bb_lower - kc_lower) / width))
            : 0.0;
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
