// VolumeRatioIndicator: volume_ratio{period=20}, KTRDR's VolumeRatio — the bar's volume over the
// mean volume of the last `period` bars. Reads the volume column. One output, `id`; warm-up
// n − 1. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention (KTRDR): volume / SMA(volume, n), 1 when |SMA| ≤ 1e-10.
class VolumeRatioIndicator final : public IndicatorBase {
 public:
  VolumeRatioIndicator(std::string id, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
};

}  // namespace ktrdr::training::indicators
