// AdLineIndicator: adline{use_sma_smoothing=false, smoothing_period=21}, KTRDR's
// accumulation/distribution line, from high, low, close and volume. Outputs `id` (the line) and,
// when use_sma_smoothing is true, `id.sma`; warm-up 0 (smoothing_period − 1 with the SMA).
// Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention (KTRDR's): the running sum from bar 0 of the money flow volume (see money_flow.hpp);
// sma = SMA(smoothing_period) of the line.
class AdLineIndicator final : public IndicatorBase {
 public:
  // smoothing_period 0: no `id.sma`.
  AdLineIndicator(std::string id, std::size_t smoothing_period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t smoothing_period_;
};

}  // namespace ktrdr::training::indicators
