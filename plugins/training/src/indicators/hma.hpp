// HmaIndicator: hma{period=20} over one price, Alan Hull's moving average (not in TA-Lib; the
// usual definition, as pandas-ta): WMA(2·WMA(x, ⌊n/2⌋) − WMA(x, n), ⌊√n⌋), so n ≥ 2. One
// output, `id`; warm-up n + ⌊√n⌋ − 2. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

class HmaIndicator final : public IndicatorBase {
 public:
  HmaIndicator(std::string id, PriceSource source, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  PriceSource source_;
  std::size_t period_;
  std::size_t root_;  // ⌊√period⌋
};

}  // namespace ktrdr::training::indicators
