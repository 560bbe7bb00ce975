// UltimateOscillatorIndicator: ultimate_oscillator{period1=7, period2=14, period3=28}, TA-Lib's
// ULTOSC (timeperiod1/2/3). Reads high, low and close. One output, `id`; warm-up the longest
// period. Immutable; thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention (TA-Lib): from bar 1, buying pressure BP = C − min(L, C[−1]) and the true range
// TR; A_p = ΣBP / ΣTR over the last p bars (0 when ΣTR = 0); UO = 100·(4·A_short + 2·A_mid +
// A_long) / 7, the periods sorted as TA-Lib sorts them (the shortest weighs 4, whatever order
// they are given in).
class UltimateOscillatorIndicator final : public IndicatorBase {
 public:
  UltimateOscillatorIndicator(std::string id, std::size_t period1, std::size_t period2,
                              std::size_t period3);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::array<std::size_t, 3> periods_;  // shortest first
};

}  // namespace ktrdr::training::indicators
