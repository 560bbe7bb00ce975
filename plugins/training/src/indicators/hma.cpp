#include "indicators/hma.hpp"

#include <utility>

#include "indicators/weighted_average.hpp"

namespace ktrdr::training::indicators {
namespace {

std::size_t integer_sqrt(std::size_t n) {
  std::size_t root = 0;
  while ((root + 1) * (root + 1) <= n) ++root;
  return root;
}

}  // namespace

HmaIndicator::HmaIndicator(std::string id, PriceSource source, std::size_t period)
    : IndicatorBase(std::move(id), {}, period + integer_sqrt(period) - 2),
      source_(source),
      period_(period),
      root_(integer_sqrt(period)) {}

std::vector<IndicatorOutput> HmaIndicator::compute(const BarSeries& bars,
                                                   const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> x = price_series(bars, source_);
  const std::span<const double> defined(x.data(), finite_prefix({x}));
  std::vector<double> half(defined.size());
  std::vector<double> full(defined.size());
  weighted_moving_average(defined, 0, period_ / 2, half, polling);
  weighted_moving_average(defined, 0, period_, full, polling);
  std::vector<double> raw(defined.size());
  for (std::size_t i = period_ - 1; i < defined.size(); ++i) {
    polling.at(i);
    raw[i] = 2.0 * half[i] - full[i];
  }
  weighted_moving_average(raw, period_ - 1, root_, outputs[0].values, polling);
  return outputs;
}

}  // namespace ktrdr::training::indicators
