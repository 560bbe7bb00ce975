#include "indicators/distance_from_ma.hpp"

#include <cmath>
#include <utility>

#include "indicators/moving_average.hpp"

namespace ktrdr::training::indicators {

DistanceFromMaIndicator::DistanceFromMaIndicator(std::string id, PriceSource source,
                                                 std::size_t period, Average average)
    : IndicatorBase(std::move(id), {}, average == Average::kSimple ? period - 1 : 0),
      source_(source),
      period_(period),
      average_(average) {}

std::vector<IndicatorOutput> DistanceFromMaIndicator::compute(
    const BarSeries& bars, const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> x = price_series(bars, source_);
  const std::span<const double> defined = std::span<const double>(x).first(finite_prefix({x}));
  std::vector<double> average(defined.size());
  if (average_ == Average::kSimple) {
    simple_moving_average(defined, 0, period_, average, polling);
  } else {
    adjusted_exponential_moving_average(defined, 0, period_, average, polling);
  }
  for (std::size_t i = warmup(); i < defined.size(); ++i) {
    polling.at(i);
    const double ma = average[i];
    outputs[0].values[i] = std::abs(ma) > 1e-10 ? (x[i] - ma) / ma * 100.0 : 0.0;
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
