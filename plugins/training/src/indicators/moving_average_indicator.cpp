#include "indicators/moving_average_indicator.hpp"

#include <utility>

#include "indicators/moving_average.hpp"

namespace ktrdr::training::indicators {

MovingAverageIndicator::MovingAverageIndicator(std::string id, Kind kind, PriceSource source,
                                               std::size_t period)
    : IndicatorBase(std::move(id), {}, period - 1), kind_(kind), source_(source), period_(period) {}

std::vector<IndicatorOutput> MovingAverageIndicator::compute(const BarSeries& bars,
                                                             const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const std::vector<double> x = price_series(bars, source_);
  const std::span<const double> defined(x.data(), finite_prefix({x}));
  if (kind_ == Kind::kSimple) {
    simple_moving_average(defined, 0, period_, outputs[0].values, poll(token));
  } else {
    exponential_moving_average(defined, 0, period_, outputs[0].values, poll(token));
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
