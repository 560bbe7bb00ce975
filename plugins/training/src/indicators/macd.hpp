// MacdIndicator: macd{fast_period=12, slow_period=26, signal_period=9} over one price. Outputs
// `id` (the line), `id.signal`, `id.histogram`; warm-up slow + signal − 2. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

// Convention: line = EMA(fast) − EMA(slow), signal = EMA(signal) of the line, histogram = line −
// signal; every EMA is seeded with the SMA of its own first n inputs.
class MacdIndicator final : public IndicatorBase {
 public:
  // Precondition: fast < slow.
  MacdIndicator(std::string id, PriceSource source, std::size_t fast, std::size_t slow,
                std::size_t signal);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  PriceSource source_;
  std::size_t fast_;
  std::size_t slow_;
  std::size_t signal_;
};

}  // namespace ktrdr::training::indicators
