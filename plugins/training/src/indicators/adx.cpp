#include "indicators/adx.hpp"

#include <cmath>
#include <utility>

#include "indicators/moving_average.hpp"
#include "indicators/true_range.hpp"

namespace ktrdr::training::indicators {

AdxIndicator::AdxIndicator(std::string id, std::size_t period)
    : IndicatorBase(std::move(id), {"plus_di", "minus_di"}, 2 * period - 1), period_(period) {}

std::vector<IndicatorOutput> AdxIndicator::compute(const BarSeries& bars,
                                                   const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const auto high = bars.highs();
  const auto low = bars.lows();
  const std::size_t n = finite_prefix({high, low, bars.closes()});
  std::vector<double> plus_dm(n, 0.0);
  std::vector<double> minus_dm(n, 0.0);
  // +DM: the up move when it beats the down move and is positive; −DM the other way round.
  for (std::size_t i = 1; i < n; ++i) {
    polling.at(i);
    const double up = high[i] - high[i - 1];
    const double down = low[i - 1] - low[i];
    if (up > down && up > 0.0) plus_dm[i] = up;
    if (down > up && down > 0.0) minus_dm[i] = down;
  }
  std::vector<double> tr(n);
  std::vector<double> plus(n);
  std::vector<double> minus(n);
  wilder_average(true_range(high, low, bars.closes(), n, polling), 1, period_, tr, polling);
  wilder_average(plus_dm, 1, period_, plus, polling);
  wilder_average(minus_dm, 1, period_, minus, polling);

  auto& plus_di = outputs[1].values;
  auto& minus_di = outputs[2].values;
  std::vector<double> dx(n);
  for (std::size_t i = period_; i < n; ++i) {
    polling.at(i);
    plus_di[i] = tr[i] == 0.0 ? 0.0 : 100.0 * plus[i] / tr[i];
    minus_di[i] = tr[i] == 0.0 ? 0.0 : 100.0 * minus[i] / tr[i];
    const double total = plus_di[i] + minus_di[i];
    dx[i] = total == 0.0 ? 0.0 : 100.0 * std::abs(plus_di[i] - minus_di[i]) / total;
  }
  wilder_average(dx, period_, period_, outputs[0].values, polling);
  return outputs;
}

}  // namespace ktrdr::training::indicators
