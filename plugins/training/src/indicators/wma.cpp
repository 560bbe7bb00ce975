#include "indicators/wma.hpp"

#include <utility>

#include "indicators/weighted_average.hpp"

namespace ktrdr::training::indicators {

WmaIndicator::WmaIndicator(std::string id, PriceSource source, std::size_t period)
    : IndicatorBase(std::move(id), {}, period - 1), source_(source), period_(period) {}

std::vector<IndicatorOutput> WmaIndicator::compute(const BarSeries& bars,
                                                   const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const std::vector<double> x = price_series(bars, source_);
  const std::span<const double> defined(x.data(), finite_prefix({x}));
  weighted_moving_average(defined, 0, period_, outputs[0].values, poll(token));
  return outputs;
}

}  // namespace ktrdr::training::indicators
