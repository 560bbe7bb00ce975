#include "indicators/ultimate_oscillator.hpp"

#include <algorithm>
#include <utility>

#include "indicators/moving_average.hpp"
#include "indicators/true_range.hpp"

namespace ktrdr::training::indicators {
namespace {

std::array<std::size_t, 3> sorted(std::array<std::size_t, 3> periods) {
  std::sort(periods.begin(), periods.end());
  return periods;
}

}  // namespace

UltimateOscillatorIndicator::UltimateOscillatorIndicator(std::string id, std::size_t period1,
                                                         std::size_t period2, std::size_t period3)
    : IndicatorBase(std::move(id), {}, std::max({period1, period2, period3})),
      periods_(sorted({period1, period2, period3})) {}

std::vector<IndicatorOutput> UltimateOscillatorIndicator::compute(
    const BarSeries& bars, const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const auto high = bars.highs();
  const auto low = bars.lows();
  const auto close = bars.closes();
  const std::size_t n = finite_prefix({high, low, close});
  const std::vector<double> range = true_range(high, low, close, n, polling);
  std::vector<double> pressure(n);
  for (std::size_t i = 1; i < n; ++i) {
    polling.at(i);
    pressure[i] = close[i] - std::min(low[i], close[i - 1]);
  }
  // Ratios of window sums, as ratios of window means.
  std::array<std::vector<double>, 3> averages;
  for (std::size_t p = 0; p < 3; ++p) {
    std::vector<double> mean_pressure(n);
    std::vector<double> mean_range(n);
    simple_moving_average(pressure, 1, periods_[p], mean_pressure, polling);
    simple_moving_average(range, 1, periods_[p], mean_range, polling);
    averages[p].resize(n);
    for (std::size_t i = periods_[p]; i < n; ++i) {
      averages[p][i] = mean_range[i] == 0.0 ? 0.0 : mean_pressure[i] / mean_range[i];
    }
  }
  for (std::size_t i = warmup(); i < n; ++i) {
    polling.at(i);
    outputs[0].values[i] =
        100.0 * (4.0 * averages[0][i] + 2.0 * averages[1][i] + averages[2][i]) / 7.0;
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
