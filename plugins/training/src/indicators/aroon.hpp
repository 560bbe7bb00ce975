// AroonIndicator: aroon{period=14, include_oscillator=false}, KTRDR's Aroon, from high and low.
// Outputs `id` (Aroon Up), `id.down`, and `id.oscillator` when include_oscillator is true; warm-up
// period − 1. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention (KTRDR's): over the last `period` bars (the current one included; TA-Lib uses
// period + 1), up = 100·(period − bars since the highest high)/period, down the same with the
// lowest low, the earliest bar on ties; oscillator = up − down.
class AroonIndicator final : public IndicatorBase {
 public:
  AroonIndicator(std::string id, std::size_t period, bool oscillator);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
  bool oscillator_;
};

}  // namespace ktrdr::training::indicators
