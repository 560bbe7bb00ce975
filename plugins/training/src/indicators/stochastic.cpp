#include "indicators/stochastic.hpp"

#include <utility>

#include "indicators/moving_average.hpp"
#include "indicators/rolling_extremes.hpp"

namespace ktrdr::training::indicators {

StochasticIndicator::StochasticIndicator(std::string id, std::size_t k_period, std::size_t d_period,
                                         std::size_t smooth_k)
    : IndicatorBase(std::move(id), {"d"}, k_period + smooth_k + d_period - 3),
      k_period_(k_period),
      d_period_(d_period),
      smooth_k_(smooth_k) {}

std::vector<IndicatorOutput> StochasticIndicator::compute(const BarSeries& bars,
                                                          const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const auto close = bars.closes();
  const std::size_t n = finite_prefix({bars.highs(), bars.lows(), close});
  const auto [highest, lowest] = rolling_high_low(bars, n, k_period_, polling);
  std::vector<double> raw(n);
  for (std::size_t i = k_period_ - 1; i < n; ++i) {
    polling.at(i);
    const double range = highest[i] - lowest[i];
    raw[i] = range == 0.0 ? 50.0 : 100.0 * (close[i] - lowest[i]) / range;
  }
  auto& k = outputs[0].values;
  simple_moving_average(raw, k_period_ - 1, smooth_k_, k, polling);
  simple_moving_average(std::span<const double>(k).first(n), k_period_ + smooth_k_ - 2, d_period_,
                        outputs[1].values, polling);
  return outputs;
}

}  // namespace ktrdr::training::indicators
