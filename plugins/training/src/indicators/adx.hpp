// AdxIndicator: adx{period=14}, Wilder's ADX with +DI and −DI, from high, low and close.
// Outputs `id` (ADX), `id.plus_di`, `id.minus_di`; warm-up 2n − 1. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention: Wilder averages of TR, +DM, −DM from bar 1; ±DI = 100·DM/TR (0 when TR = 0);
// DX = 100·|+DI − −DI|/(+DI + −DI) (0 when both are 0); ADX = Wilder average of DX.
class AdxIndicator final : public IndicatorBase {
 public:
  AdxIndicator(std::string id, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
};

}  // namespace ktrdr::training::indicators
