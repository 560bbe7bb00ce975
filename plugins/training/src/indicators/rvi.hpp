// RviIndicator: rvi{period=10, signal_period=4}, KTRDR's relative vigor index, from open, high,
// low and close. Outputs `id` (RVI), `id.signal`; warm-up period + signal_period + 1 (RVI alone
// from bar period + 2). Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention (KTRDR's): from bar 3, num = (co₋₃ + 2·co₋₂ + 2·co₋₁ + co)/6 with co = close − open,
// den the same of high − low; RVI = SMA(period) of num / SMA(period) of den (0 where that is 0;
// KTRDR gives NaN there); signal = SMA(signal_period) of RVI. period ≥ 4, as KTRDR.
class RviIndicator final : public IndicatorBase {
 public:
  RviIndicator(std::string id, std::size_t period, std::size_t signal_period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
  std::size_t signal_period_;
};

}  // namespace ktrdr::training::indicators
