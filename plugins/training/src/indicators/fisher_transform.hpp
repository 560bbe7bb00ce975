// FisherTransformIndicator: fishertransform{period=10, smoothing=3}, KTRDR's Fisher transform,
// from high and low. Outputs `id` (Fisher), `id.signal` (the Fisher of the bar before); warm-up
// period (Fisher alone from bar period − 1). Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention (KTRDR's): x = 2·(hl2 − LL)/(HH − LL) − 1 over the last `period` bars (0 when
// HH = LL), clipped to ±0.999; raw = ½·ln((1 + x)/(1 − x)); Fisher = EMA(smoothing) of raw started
// at its first value (pandas' ewm(span, adjust=False)); signal = Fisher one bar back.
// period ≥ 2, as KTRDR.
class FisherTransformIndicator final : public IndicatorBase {
 public:
  FisherTransformIndicator(std::string id, std::size_t period, std::size_t smoothing);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
  std::size_t smoothing_;
};

}  // namespace ktrdr::training::indicators
