#include "indicators/bollinger_bands.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace ktrdr::training::indicators {

BollingerBandsIndicator::BollingerBandsIndicator(std::string id, PriceSource source,
                                                 std::size_t period, double multiplier)
    : IndicatorBase(std::move(id), {"upper", "lower", "width"}, period - 1),
      source_(source),
      period_(period),
      multiplier_(multiplier) {}

// The window's mean and variance come from sums of (x − base) and (x − base)², updated as bars
// enter and leave. Every `period` bars the base moves to the newest value and the sums are
// recomputed from the window, so rounding never accumulates and the shift keeps the variance
// free of cancellation (amortised O(1) per bar).
std::vector<IndicatorOutput> BollingerBandsIndicator::compute(
    const BarSeries& bars, const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> x = price_series(bars, source_);
  const std::size_t n = finite_prefix({x});
  const double count = static_cast<double>(period_);
  double base = 0.0;
  double sum = 0.0;
  double sum_sq = 0.0;
  for (std::size_t i = period_ - 1; i < n; ++i) {
    polling.at(i);
    const std::size_t start = i + 1 - period_;
    if (start % period_ == 0) {
      base = x[i];
      sum = 0.0;
      sum_sq = 0.0;
      for (std::size_t j = start; j <= i; ++j) {
        sum += x[j] - base;
        sum_sq += (x[j] - base) * (x[j] - base);
      }
    } else {
      const double in = x[i] - base;
      const double out = x[start - 1] - base;
      sum += in - out;
      sum_sq += in * in - out * out;
    }
    const double shift = sum / count;
    const double middle = base + shift;
    const double spread = multiplier_ * std::sqrt(std::max(0.0, sum_sq / count - shift * shift));
    const double upper = middle + spread;
    const double lower = middle - spread;
    outputs[0].values[i] = middle;
    outputs[1].values[i] = upper;
    outputs[2].values[i] = lower;
    outputs[3].values[i] = middle == 0.0 ? 0.0 : (upper - lower) / middle;
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
