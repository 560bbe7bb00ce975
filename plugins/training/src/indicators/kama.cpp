#include "indicators/kama.hpp"

#include <cmath>
#include <utility>

#include "indicators/moving_average.hpp"

namespace ktrdr::training::indicators {

KamaIndicator::KamaIndicator(std::string id, PriceSource source, std::size_t period,
                             std::size_t fast_period, std::size_t slow_period)
    : IndicatorBase(std::move(id), {}, period),
      source_(source),
      period_(period),
      fastest_(2.0 / (static_cast<double>(fast_period) + 1.0)),
      slowest_(2.0 / (static_cast<double>(slow_period) + 1.0)) {}

std::vector<IndicatorOutput> KamaIndicator::compute(const BarSeries& bars,
                                                    const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> x = price_series(bars, source_);
  const std::size_t n = finite_prefix({x});
  if (n <= period_) return outputs;
  std::vector<double> steps(n, 0.0);
  for (std::size_t i = 1; i < n; ++i) {
    polling.at(i);
    steps[i] = std::abs(x[i] - x[i - 1]);
  }
  // The path Σ|Δx| over the window, as period × its mean (a compensated running sum).
  std::vector<double> mean_step(n);
  simple_moving_average(steps, 1, period_, mean_step, polling);
  const double length = static_cast<double>(period_);
  double kama = x[period_ - 1];
  for (std::size_t i = period_; i < n; ++i) {
    polling.at(i);
    const double change = std::abs(x[i] - x[i - period_]);
    const double path = length * mean_step[i];
    const double efficiency = path <= change ? 1.0 : change / path;
    const double sc = efficiency * (fastest_ - slowest_) + slowest_;
    kama += sc * sc * (x[i] - kama);
    outputs[0].values[i] = kama;
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
