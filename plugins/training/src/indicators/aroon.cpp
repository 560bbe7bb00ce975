#include "indicators/aroon.hpp"

#include <utility>

#include "indicators/rolling_extremes.hpp"

namespace ktrdr::training::indicators {
namespace {

std::vector<std::string> suffixes(bool oscillator) {
  if (oscillator) return {"down", "oscillator"};
  return {"down"};
}

}  // namespace

AroonIndicator::AroonIndicator(std::string id, std::size_t period, bool oscillator)
    : IndicatorBase(std::move(id), suffixes(oscillator), period - 1),
      period_(period),
      oscillator_(oscillator) {}

std::vector<IndicatorOutput> AroonIndicator::compute(const BarSeries& bars,
                                                     const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::size_t n = finite_prefix({bars.highs(), bars.lows()});
  std::vector<double> since_high(n);
  std::vector<double> since_low(n);
  bars_since_max(bars.highs().first(n), 0, period_, since_high, polling);
  bars_since_min(bars.lows().first(n), 0, period_, since_low, polling);
  const double period = static_cast<double>(period_);
  for (std::size_t i = period_ - 1; i < n; ++i) {
    polling.at(i);
    const double up = 100.0 * (period - since_high[i]) / period;
    const double down = 100.0 * (period - since_low[i]) / period;
    outputs[0].values[i] = up;
    outputs[1].values[i] = down;
    if (oscillator_) outputs[2].values[i] = up - down;
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
