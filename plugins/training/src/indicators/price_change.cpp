#include "indicators/price_change.hpp"

#include <utility>

namespace ktrdr::training::indicators {

PriceChangeIndicator::PriceChangeIndicator(std::string id, Kind kind, PriceSource source,
                                           std::size_t period)
    : IndicatorBase(std::move(id), {}, period), kind_(kind), source_(source), period_(period) {}

std::vector<IndicatorOutput> PriceChangeIndicator::compute(const BarSeries& bars,
                                                           const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> x = price_series(bars, source_);
  const std::size_t n = finite_prefix({x});
  auto& out = outputs[0].values;
  for (std::size_t i = period_; i < n; ++i) {
    polling.at(i);
    const double before = x[i - period_];
    if (kind_ == Kind::kMomentum) {
      out[i] = x[i] - before;
    } else {
      // 100·(C / C[n] − 1), computed from the difference, which is exact for nearby prices.
      out[i] = before == 0.0 ? 0.0 : 100.0 * (x[i] - before) / before;
    }
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
