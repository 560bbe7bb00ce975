// ZigZagIndicator: zigzag{threshold=0.05} over one price, KTRDR's ZigZag. One output, `id`: the
// price at each swing point, NaN elsewhere; warm-up 0 (bar 0 is always a point).
// LOOKS AHEAD: a swing point stays marked only until a later bar extends the swing (then the mark
// moves to that bar), so the value at a bar depends on bars after it. It describes a finished
// series (for charts and labels); as a model input it leaks the future and is mostly NaN — do
// not use it as a feature without lagging it deliberately. Immutable; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

// Convention (KTRDR's, see zigzag_extremes.hpp): from bar 0, the first move of at least
// `threshold` (a fraction: 0.05 is 5 %) from the last point sets the direction and marks that bar;
// while rising, a higher price moves the last point to its bar and a fall of `threshold` from it
// marks a new point and turns down (and the other way round).
class ZigZagIndicator final : public IndicatorBase {
 public:
  // Precondition: 0 < threshold < 1.
  ZigZagIndicator(std::string id, PriceSource source, double threshold);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  PriceSource source_;
  double threshold_;
};

}  // namespace ktrdr::training::indicators
