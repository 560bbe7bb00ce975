#include "indicators/cci.hpp"

#include <utility>

#include "indicators/price_source.hpp"
#include "indicators/rolling_deviation.hpp"

namespace ktrdr::training::indicators {

CciIndicator::CciIndicator(std::string id, std::size_t period)
    : IndicatorBase(std::move(id), {}, period - 1), period_(period) {}

std::vector<IndicatorOutput> CciIndicator::compute(const BarSeries& bars,
                                                   const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> typical = price_series(bars, PriceSource::kHlc3);
  const std::size_t n = finite_prefix({typical});
  std::vector<double> centred(n);
  std::vector<double> deviation(n);
  rolling_mean_deviation(std::span<const double>(typical).first(n), period_, centred, deviation,
                         polling);
  auto& out = outputs[0].values;
  for (std::size_t i = period_ - 1; i < n; ++i) {
    polling.at(i);
    out[i] = deviation[i] == 0.0 ? 0.0 : centred[i] / (0.015 * deviation[i]);
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
