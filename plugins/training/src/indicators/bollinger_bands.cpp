#include "indicators/bollinger_bands.hpp"

#include <cmath>
#include <utility>

#include "indicators/rolling_variance.hpp"

namespace ktrdr::training::indicators {

BollingerBandsIndicator::BollingerBandsIndicator(std::string id, PriceSource source,
                                                 std::size_t period, double multiplier,
                                                 std::size_t ddof)
    : IndicatorBase(std::move(id), {"upper", "lower", "width"}, period - 1),
      source_(source),
      period_(period),
      multiplier_(multiplier),
      ddof_(ddof) {}

std::vector<IndicatorOutput> BollingerBandsIndicator::compute(
    const BarSeries& bars, const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> x = price_series(bars, source_);
  const std::size_t n = finite_prefix({x});
  std::vector<double> variance(n);
  auto& middle = outputs[0].values;
  rolling_mean_variance(std::span<const double>(x).first(n), 0, period_, ddof_, middle, variance,
                        polling);
  for (std::size_t i = period_ - 1; i < n; ++i) {
    polling.at(i);
    const double spread = multiplier_ * std::sqrt(variance[i]);
    const double upper = middle[i] + spread;
    const double lower = middle[i] - spread;
    outputs[1].values[i] = upper;
    outputs[2].values[i] = lower;
    outputs[3].values[i] = middle[i] == 0.0 ? 0.0 : (upper - lower) / middle[i];
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
