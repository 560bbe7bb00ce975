// AtrIndicator: atr{period=14, smoothing=simple|wilder}, the average true range, from high, low
// and close. One output, `id`; warm-up n − 1 (simple) or n (wilder). Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention: `simple` (the default, KTRDR's ATR) is the mean of the last n true ranges, bar 0
// counting its own range high − low; `wilder` is Wilder's average of the true range from bar 1
// (bar 0 has no previous close), TA-Lib's ATR.
class AtrIndicator final : public IndicatorBase {
 public:
  enum class Smoothing { kSimple, kWilder };

  AtrIndicator(std::string id, std::size_t period, Smoothing smoothing);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
  Smoothing smoothing_;
};

}  // namespace ktrdr::training::indicators
