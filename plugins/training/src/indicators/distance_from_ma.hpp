// DistanceFromMaIndicator: distance_from_ma{period=20, ma_type=SMA|EMA} over one price, KTRDR's
// DistanceFromMA — how far, in percent, the price is from its moving average. One output, `id`;
// warm-up n − 1 with SMA, 0 with EMA. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

// Convention (KTRDR): 100 · (price − MA) / MA, 0 when |MA| ≤ 1e-10. The MA is SMA(n), or KTRDR's
// EMA (pandas ewm adjust=True: alpha = 2/(n+1), a weighted mean of every price so far, defined
// from the first bar — not the ema type's SMA-seeded EMA).
class DistanceFromMaIndicator final : public IndicatorBase {
 public:
  enum class Average { kSimple, kExponential };

  DistanceFromMaIndicator(std::string id, PriceSource source, std::size_t period, Average average);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  PriceSource source_;
  std::size_t period_;
  Average average_;
};

}  // namespace ktrdr::training::indicators
