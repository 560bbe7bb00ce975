// MovingAverageIndicator: sma{period} and ema{period} over one price. One output, `id`; warm-up
// n − 1. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

// Convention: EMA alpha = 2/(n+1), seeded with the SMA of the first n values (TA-Lib).
class MovingAverageIndicator final : public IndicatorBase {
 public:
  enum class Kind { kSimple, kExponential };

  MovingAverageIndicator(std::string id, Kind kind, PriceSource source, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  Kind kind_;
  PriceSource source_;
  std::size_t period_;
};

}  // namespace ktrdr::training::indicators
