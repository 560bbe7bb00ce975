// CciIndicator: cci{period=20}, the commodity channel index of the typical price. One output,
// `id`; warm-up n − 1; O(n log n) (see rolling_deviation.hpp). Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention: TP = (h + l + c)/3; (TP − SMA(TP)) / (0.015 · mean |TP − SMA(TP)|), 0 when flat.
class CciIndicator final : public IndicatorBase {
 public:
  CciIndicator(std::string id, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
};

}  // namespace ktrdr::training::indicators
