#include "indicators/trix.hpp"

#include <utility>

#include "indicators/moving_average.hpp"

namespace ktrdr::training::indicators {

TrixIndicator::TrixIndicator(std::string id, PriceSource source, std::size_t period)
    : IndicatorBase(std::move(id), {}, 3 * (period - 1) + 1), source_(source), period_(period) {}

std::vector<IndicatorOutput> TrixIndicator::compute(const BarSeries& bars,
                                                    const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> x = price_series(bars, source_);
  const std::size_t n = finite_prefix({x});
  const std::size_t lag = period_ - 1;
  std::vector<double> once(n);
  std::vector<double> twice(n);
  std::vector<double> thrice(n);
  exponential_moving_average(std::span<const double>(x).first(n), 0, period_, once, polling);
  exponential_moving_average(once, lag, period_, twice, polling);
  exponential_moving_average(twice, 2 * lag, period_, thrice, polling);
  for (std::size_t i = warmup(); i < n; ++i) {
    polling.at(i);
    const double previous = thrice[i - 1];
    outputs[0].values[i] = previous == 0.0 ? 0.0 : 100.0 * (thrice[i] / previous - 1.0);
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
