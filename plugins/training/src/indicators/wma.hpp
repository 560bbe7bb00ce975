// WmaIndicator: wma{period=30} over one price, TA-Lib's WMA — the linearly weighted moving
// average (weights 1 … n, the newest heaviest). One output, `id`; warm-up n − 1. Immutable;
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

class WmaIndicator final : public IndicatorBase {
 public:
  WmaIndicator(std::string id, PriceSource source, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  PriceSource source_;
  std::size_t period_;
};

}  // namespace ktrdr::training::indicators
