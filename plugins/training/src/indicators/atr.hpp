// AtrIndicator: atr{period=14}, the average true range, from high, low and close. One output,
// `id`; warm-up n. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention: Wilder average of the true range from bar 1 (bar 0 has no previous close).
class AtrIndicator final : public IndicatorBase {
 public:
  AtrIndicator(std::string id, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
};

}  // namespace ktrdr::training::indicators
