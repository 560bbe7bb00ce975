#include "indicators/zscore.hpp"

#include <cmath>
#include <utility>

#include "indicators/rolling_variance.hpp"

namespace ktrdr::training::indicators {

ZscoreIndicator::ZscoreIndicator(std::string id, PriceSource source, std::size_t period)
    : IndicatorBase(std::move(id), {}, period - 1), source_(source), period_(period) {}

std::vector<IndicatorOutput> ZscoreIndicator::compute(const BarSeries& bars,
                                                      const CancellationToken& token) const {
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
    const double deviation = std::sqrt(variance[i]);
    outputs[0].values[i] = deviation == 0.0 ? 0.0 : (x[i] - mean[i]) / deviation;
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
