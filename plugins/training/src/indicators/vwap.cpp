#include "indicators/vwap.hpp"

#include <limits>
#include <utility>

#include "indicators/moving_average.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

VwapIndicator::VwapIndicator(std::string id, std::size_t period, bool typical_price)
    : IndicatorBase(std::move(id), {}, period == 0 ? 0 : period - 1),
      period_(period),
      typical_price_(typical_price) {}

std::vector<IndicatorOutput> VwapIndicator::compute(const BarSeries& bars,
                                                    const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> price =
      price_series(bars, typical_price_ ? PriceSource::kHlc3 : PriceSource::kClose);
  const auto volume = bars.volumes();
  const std::size_t n = finite_prefix({price, volume});
  std::vector<double> traded(n);
  for (std::size_t i = 0; i < n; ++i) {
    polling.at(i);
    traded[i] = price[i] * volume[i];
  }
  // Means over the window rather than sums (the ratio is the same); sums when cumulative.
  std::vector<double> traded_mean(n);
  std::vector<double> volume_mean(n);
  if (period_ == 0) {
    running_sum(traded, 0, traded_mean, polling);
    running_sum(volume.first(n), 0, volume_mean, polling);
  } else {
    simple_moving_average(traded, 0, period_, traded_mean, polling);
    simple_moving_average(volume.first(n), 0, period_, volume_mean, polling);
  }
  auto& out = outputs[0].values;
  for (std::size_t i = warmup(); i < n; ++i) {
    polling.at(i);
    out[i] = volume_mean[i] == 0.0 ? std::numeric_limits<double>::quiet_NaN()
                                   : traded_mean[i] / volume_mean[i];
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
