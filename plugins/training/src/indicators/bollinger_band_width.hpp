// BollingerBandWidthIndicator: bollinger_band_width{period=20, multiplier=2} over one price,
// KTRDR's BollingerBandWidth as its own type. One output, `id`; warm-up n − 1. Immutable;
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

// Convention (KTRDR): bands SMA(n) ± multiplier · sample std (ddof 1, so n ≥ 2); width =
// (upper − lower) / middle, 0 when |middle| ≤ 1e-10.
class BollingerBandWidthIndicator final : public IndicatorBase {
 public:
  BollingerBandWidthIndicator(std::string id, PriceSource source, std::size_t period,
                              double multiplier);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  PriceSource source_;
  std::size_t period_;
  double multiplier_;
};

}  // namespace ktrdr::training::indicators
