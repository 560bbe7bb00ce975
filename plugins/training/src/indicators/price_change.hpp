// PriceChangeIndicator: momentum{period=10} and roc{period=10}, a price against itself n bars
// back. One output, `id`; warm-up n. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

// Convention: Momentum = C − C[n]; ROC = 100·(C/C[n] − 1), 0 when C[n] is 0.
class PriceChangeIndicator final : public IndicatorBase {
 public:
  enum class Kind { kMomentum, kRateOfChange };

  PriceChangeIndicator(std::string id, Kind kind, PriceSource source, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  Kind kind_;
  PriceSource source_;
  std::size_t period_;
};

}  // namespace ktrdr::training::indicators
