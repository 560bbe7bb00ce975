// ObvIndicator: obv{}, on-balance volume, from close and volume. One output, `id`; warm-up 0.
// Immutable; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention: 0 at bar 0, then ± the bar's volume as the close rose or fell (same when flat).
class ObvIndicator final : public IndicatorBase {
 public:
  explicit ObvIndicator(std::string id);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;
};

}  // namespace ktrdr::training::indicators
