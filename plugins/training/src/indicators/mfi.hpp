// MfiIndicator: mfi{period=14}, the money flow index, from high, low, close and volume. One
// output, `id`; warm-up n. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention: flows TP·volume from bar 1, + when TP rose, − when it fell; MFI = 100·Σ+/(Σ+ + Σ−)
// over n flows; 100 when Σ− is 0 (a flat window included), as KTRDR.
class MfiIndicator final : public IndicatorBase {
 public:
  MfiIndicator(std::string id, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
};

}  // namespace ktrdr::training::indicators
