// VwapIndicator: vwap{period=20, use_typical_price=true}, KTRDR's volume-weighted average price,
// from high, low, close and volume. One output, `id`; warm-up period − 1 (rolling), 0 (period 0:
// cumulative from bar 0). Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention: Σ price·volume / Σ volume over the last `period` bars (period 0: every bar so far),
// the price the typical price (h + l + c)/3, or the close when use_typical_price is false; NaN
// where the window's volume is 0, as KTRDR. From the warm-up on the values are KTRDR's (before it
// KTRDR sums partial windows, ktrdr gives NaN).
class VwapIndicator final : public IndicatorBase {
 public:
  VwapIndicator(std::string id, std::size_t period, bool typical_price);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
  bool typical_price_;
};

}  // namespace ktrdr::training::indicators
