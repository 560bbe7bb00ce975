// TrixIndicator: trix{period=30} over one price, TA-Lib's TRIX — the one-bar rate of change, in
// percent, of a triple exponential moving average. One output, `id`; warm-up 3·(n − 1) + 1.
// Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

// Convention (TA-Lib): E3 = EMA(EMA(EMA(x, n), n), n), each EMA alpha = 2/(n+1) seeded with the
// SMA of its first n inputs; TRIX = 100·(E3[i] / E3[i−1] − 1), 0 when E3[i−1] = 0.
class TrixIndicator final : public IndicatorBase {
 public:
  TrixIndicator(std::string id, PriceSource source, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  PriceSource source_;
  std::size_t period_;
};

}  // namespace ktrdr::training::indicators
