#include "indicators/rvi.hpp"

#include <utility>

#include "indicators/moving_average.hpp"

namespace ktrdr::training::indicators {

RviIndicator::RviIndicator(std::string id, std::size_t period, std::size_t signal_period)
    : IndicatorBase(std::move(id), {"signal"}, period + signal_period + 1),
      period_(period),
      signal_period_(signal_period) {}

std::vector<IndicatorOutput> RviIndicator::compute(const BarSeries& bars,
                                                   const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const auto open = bars.opens();
  const auto high = bars.highs();
  const auto low = bars.lows();
  const auto close = bars.closes();
  const std::size_t n = finite_prefix({open, high, low, close});
  // The 1-2-2-1 weighted mean of the last four values of `f`, from bar 3.
  const auto weighted = [&](auto f) {
    std::vector<double> out(n);
    for (std::size_t i = 3; i < n; ++i) {
      polling.at(i);
      out[i] = (f(i - 3) + 2 * f(i - 2) + 2 * f(i - 1) + f(i)) / 6.0;
    }
    return out;
  };
  const std::vector<double> numerator = weighted([&](std::size_t i) { return close[i] - open[i]; });
  const std::vector<double> denominator = weighted([&](std::size_t i) { return high[i] - low[i]; });
  std::vector<double> numerator_mean(n);
  std::vector<double> denominator_mean(n);
  simple_moving_average(numerator, 3, period_, numerator_mean, polling);
  simple_moving_average(denominator, 3, period_, denominator_mean, polling);
  auto& rvi = outputs[0].values;
  const std::size_t first = period_ + 2;
  for (std::size_t i = first; i < n; ++i) {
    polling.at(i);
    rvi[i] = denominator_mean[i] == 0.0 ? 0.0 : numerator_mean[i] / denominator_mean[i];
  }
  simple_moving_average(std::span<const double>(rvi).first(n), first, signal_period_,
                        outputs[1].values, polling);
  return outputs;
}

}  // namespace ktrdr::training::indicators
