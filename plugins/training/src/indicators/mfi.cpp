#include "indicators/mfi.hpp"

#include <utility>

#include "indicators/balance_index.hpp"
#include "indicators/moving_average.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

MfiIndicator::MfiIndicator(std::string id, std::size_t period)
    : IndicatorBase(std::move(id), {}, period), period_(period) {}

std::vector<IndicatorOutput> MfiIndicator::compute(const BarSeries& bars,
                                                   const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> typical = price_series(bars, PriceSource::kHlc3);
  const auto volume = bars.volumes();
  const std::size_t n = finite_prefix({typical, volume});
  std::vector<double> positive(n, 0.0);
  std::vector<double> negative(n, 0.0);
  for (std::size_t i = 1; i < n; ++i) {
    polling.at(i);
    if (typical[i] > typical[i - 1]) positive[i] = typical[i] * volume[i];
    if (typical[i] < typical[i - 1]) negative[i] = typical[i] * volume[i];
  }
  // Means rather than sums: the ratio is the same, and the SMA is exactly 0 over zero flows.
  std::vector<double> positive_mean(n);
  std::vector<double> negative_mean(n);
  simple_moving_average(positive, 1, period_, positive_mean, polling);
  simple_moving_average(negative, 1, period_, negative_mean, polling);
  balance_index(positive_mean, negative_mean, period_, 100.0, outputs[0].values, polling);
  return outputs;
}

}  // namespace ktrdr::training::indicators
