// SuperTrendIndicator: supertrend{period=10, multiplier=3}, KTRDR's SuperTrend, from high, low
// and close. Outputs `id` (the SuperTrend line), `id.direction` (+1 up, −1 down); warm-up
// period − 1. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention: basic bands hl2 ± multiplier · ATR(period), the ATR being KTRDR's simple mean of the
// true range (see mean_true_range). The final upper band takes the basic one when that is lower or
// the previous close was above the previous final band, else stays (the lower band mirrors it).
// Direction: up while the close stays above the final lower band, down while it stays below the
// final upper band; the line is the final lower band going up, the upper one going down. The
// recursion starts at the first bar with an ATR (bar period − 1: up unless the close is at or
// below the lower band). KTRDR starts it at bar 0, where its ATR is NaN, which leaves its bands
// NaN throughout; from the start bar on ktrdr applies KTRDR's rules. period ≥ 2, as KTRDR.
class SuperTrendIndicator final : public IndicatorBase {
 public:
  SuperTrendIndicator(std::string id, std::size_t period, double multiplier);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
  double multiplier_;
};

}  // namespace ktrdr::training::indicators
