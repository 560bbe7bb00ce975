#include "indicators/bollinger_band_width.hpp"

#include <cmath>
#include <utility>

#include "indicators/rolling_variance.hpp"

namespace ktrdr::training::indicators {

BollingerBandWidthIndicator::BollingerBandWidthIndicator(std::string id, PriceSource source,
                                                         std::size_t period, double multiplier)
    : IndicatorBase(std::move(id), {}, period - 1),
      source_(source),
      period_(period),
      multiplier_(multiplier) {}

std::vector<IndicatorOutput> BollingerBandWidthIndicator::compute(
    const BarSeries& bars, const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> x = price_series(bars, source_);
  const std::size_t n = finite_prefix({x});
  std::vector<double> mean(n);
  std::vector<double> variance(n);
  rolling_mean_variance(std::span<const double>(x).first(n), 0, period_, 1, mean, variance,
                        polling);
  for (std::size_t i = period_ - 1; i < n; ++i) {
    polling.at(i);
    const double spread = multiplier_ * std::sqrt(variance[i]);
    const double middle = mean[i];
    outputs[0].values[i] =
        std::abs(middle) > 1e-10 ? ((middle + spread) - (middle - spread)) / middle : 0.0;
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
