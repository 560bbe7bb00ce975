#include "indicators/stoch_rsi.hpp"

#include <cmath>
#include <utility>

#include "indicators/moving_average.hpp"
#include "indicators/rolling_extremes.hpp"
#include "indicators/rsi.hpp"

namespace ktrdr::training::indicators {

StochRsiIndicator::StochRsiIndicator(std::string id, PriceSource source, std::size_t period,
                                     std::size_t k_period, std::size_t d_period)
    : IndicatorBase(std::move(id), {"d"}, period + k_period + d_period - 2),
      source_(source),
      period_(period),
      k_period_(k_period),
      d_period_(d_period) {}

std::vector<IndicatorOutput> StochRsiIndicator::compute(const BarSeries& bars,
                                                        const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> rsi =
      RsiIndicator(id(), source_, period_).compute(bars, token).front().values;
  // RSI is defined from bar `period_` up to the first non-finite price.
  std::size_t n = period_;
  while (n < rsi.size() && std::isfinite(rsi[n])) ++n;
  if (n <= period_) return outputs;
  const std::span<const double> defined = std::span<const double>(rsi).first(n);
  std::vector<double> highest(n);
  std::vector<double> lowest(n);
  rolling_max(defined, period_, k_period_, highest, polling);
  rolling_min(defined, period_, k_period_, lowest, polling);
  auto& k = outputs[0].values;
  const std::size_t first_k = period_ + k_period_ - 1;
  for (std::size_t i = first_k; i < n; ++i) {
    polling.at(i);
    const double range = highest[i] - lowest[i];
    k[i] = range == 0.0 ? 0.0 : 100.0 * (rsi[i] - lowest[i]) / range;
  }
  simple_moving_average(std::span<const double>(k).first(n), first_k, d_period_, outputs[1].values,
                        polling);
  return outputs;
}

}  // namespace ktrdr::training::indicators
