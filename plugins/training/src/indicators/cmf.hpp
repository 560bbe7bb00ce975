// CmfIndicator: cmf{period=21}, KTRDR's Chaikin money flow, from high, low, close and volume. One
// output, `id`; warm-up period − 1. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention (KTRDR's): Σ money flow volume / Σ volume over the last `period` bars (see
// money_flow.hpp), 0 when the volume sums to 0. period ≥ 2, as KTRDR.
class CmfIndicator final : public IndicatorBase {
 public:
  CmfIndicator(std::string id, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
};

}  // namespace ktrdr::training::indicators
