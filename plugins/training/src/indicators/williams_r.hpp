// WilliamsRIndicator: williams_r{period=14}, from high, low and close. One output, `id`; warm-up
// n − 1. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention: −100·(HH − C)/(HH − LL) over n bars; −50 when HH = LL.
class WilliamsRIndicator final : public IndicatorBase {
 public:
  WilliamsRIndicator(std::string id, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
};

}  // namespace ktrdr::training::indicators
