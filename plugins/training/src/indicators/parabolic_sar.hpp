// ParabolicSarIndicator: parabolicsar{initial_af=0.02, step_af=0.02, max_af=0.2}, KTRDR's
// Parabolic SAR, from high, low and close. One output, `id`; warm-up 1. Immutable; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention (KTRDR's): bar 1 starts a rise when its close beats bar 0's (SAR low₀, extreme point
// high₁), else a fall (SAR high₀, EP low₁). Then SAR = SAR₋₁ + AF·(EP − SAR₋₁); in a rise a low at
// or below it reverses (SAR becomes the EP, AF resets, EP the low), else the SAR is capped at the
// two previous lows and a new high raises the EP and AF by step_af up to max_af; a fall mirrors it.
class ParabolicSarIndicator final : public IndicatorBase {
 public:
  ParabolicSarIndicator(std::string id, double initial_af, double step_af, double max_af);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  double initial_af_;
  double step_af_;
  double max_af_;
};

}  // namespace ktrdr::training::indicators
