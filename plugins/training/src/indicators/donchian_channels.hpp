// DonchianChannelsIndicator: donchianchannels{period=20, include_middle=true}, KTRDR's Donchian
// Channels, from high and low. Outputs `id` (upper), `id.middle`, `id.lower`; warm-up period − 1.
// Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention (KTRDR's): upper = highest high and lower = lowest low of the last `period` bars,
// middle = (upper + lower)/2. include_middle is accepted and, as in KTRDR, the middle is always
// given. period ≥ 2, as KTRDR.
class DonchianChannelsIndicator final : public IndicatorBase {
 public:
  DonchianChannelsIndicator(std::string id, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
};

}  // namespace ktrdr::training::indicators
