// BollingerBandsIndicator: bbands{period=20, multiplier=2, ddof=1} over one price. Outputs `id`
// (middle), `id.upper`, `id.lower`, `id.width`; warm-up n − 1. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

// Convention: SMA(n) ± multiplier · std with `ddof` delta degrees of freedom: 1, the default, the
// sample std as KTRDR (pandas' rolling std); 0 the population std (TA-Lib). width = (upper −
// lower) / middle (0 when middle is 0).
class BollingerBandsIndicator final : public IndicatorBase {
 public:
  BollingerBandsIndicator(std::string id, PriceSource source, std::size_t period, double multiplier,
                          std::size_t ddof);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  PriceSource source_;
  std::size_t period_;
  double multiplier_;
  std::size_t ddof_;
};

}  // namespace ktrdr::training::indicators
