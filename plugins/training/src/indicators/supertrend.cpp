#include "indicators/supertrend.hpp"

#include <utility>

#include "indicators/true_range.hpp"

namespace ktrdr::training::indicators {

SuperTrendIndicator::SuperTrendIndicator(std::string id, std::size_t period, double multiplier)
    : IndicatorBase(std::move(id), {"direction"}, period - 1),
      period_(period),
      multiplier_(multiplier) {}

std::vector<IndicatorOutput> SuperTrendIndicator::compute(const BarSeries& bars,
                                                          const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const auto high = bars.highs();
  const auto low = bars.lows();
  const auto close = bars.closes();
  const std::size_t n = finite_prefix({high, low, close});
  const std::vector<double> atr = mean_true_range(high, low, close, n, period_, polling);
  const std::size_t start = period_ - 1;
  double upper = 0.0;
  double lower = 0.0;
  bool up = true;
  for (std::size_t i = start; i < n; ++i) {
    polling.at(i);
    const double middle = (high[i] + low[i]) / 2;
    const double basic_upper = middle + multiplier_ * atr[i];
    const double basic_lower = middle - multiplier_ * atr[i];
    if (i == start) {
      upper = basic_upper;
      lower = basic_lower;
      up = close[i] > lower;
    } else {
      if (basic_upper < upper || close[i - 1] > upper) upper = basic_upper;
      if (basic_lower > lower || close[i - 1] < lower) lower = basic_lower;
      up = up ? close[i] > lower : close[i] >= upper;
    }
    outputs[0].values[i] = up ? lower : upper;
    outputs[1].values[i] = up ? 1.0 : -1.0;
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
