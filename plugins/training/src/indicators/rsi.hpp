// RsiIndicator: rsi{period=14}, Wilder's relative strength index over one price. One output,
// `id`; warm-up n. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

// Convention: Wilder averages of gains and losses from bar 1; RSI = 100·gain/(gain + loss),
// 100 with no losses, 50 with neither.
class RsiIndicator final : public IndicatorBase {
 public:
  RsiIndicator(std::string id, PriceSource source, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  PriceSource source_;
  std::size_t period_;
};

}  // namespace ktrdr::training::indicators
