// BollingerBandsIndicator: bbands{period=20, multiplier=2} over one price. Outputs `id` (middle),
// `id.upper`, `id.lower`, `id.width`; warm-up n − 1. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

// Convention: SMA(n) ± multiplier · population std (ddof 0); width = (upper − lower) / middle
// (0 when middle is 0).
class BollingerBandsIndicator final : public IndicatorBase {
 public:
  BollingerBandsIndicator(std::string id, PriceSource source, std::size_t period,
                          double multiplier);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  PriceSource source_;
  std::size_t period_;
  double multiplier_;
};

}  // namespace ktrdr::training::indicators
