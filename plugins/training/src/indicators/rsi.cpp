#include "indicators/rsi.hpp"

#include <utility>

#include "indicators/balance_index.hpp"
#include "indicators/moving_average.hpp"

namespace ktrdr::training::indicators {

RsiIndicator::RsiIndicator(std::string id, PriceSource source, std::size_t period)
    : IndicatorBase(std::move(id), {}, period), source_(source), period_(period) {}

std::vector<IndicatorOutput> RsiIndicator::compute(const BarSeries& bars,
                                                   const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> x = price_series(bars, source_);
  const std::size_t n = finite_prefix({x});
  std::vector<double> gains(n, 0.0);
  std::vector<double> losses(n, 0.0);
  for (std::size_t i = 1; i < n; ++i) {
    polling.at(i);
    const double change = x[i] - x[i - 1];
    if (change > 0.0) {
      gains[i] = change;
    } else if (change < 0.0) {
      losses[i] = -change;
    }
  }
  std::vector<double> avg_gain(n);
  std::vector<double> avg_loss(n);
  wilder_average(gains, 1, period_, avg_gain, polling);
  wilder_average(losses, 1, period_, avg_loss, polling);
  balance_index(avg_gain, avg_loss, period_, 50.0, outputs[0].values, polling);
  return outputs;
}

}  // namespace ktrdr::training::indicators
