// KeltnerChannelsIndicator: keltnerchannels{period=20, atr_period=10, multiplier=2}, KTRDR's
// Keltner Channels, from high, low and close. Outputs `id` (upper), `id.middle`, `id.lower`;
// warm-up atr_period − 1 (the middle from bar 0). Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention (KTRDR's): middle = EMA(period) of the close started at bar 0's close (pandas'
// ewm(span, adjust=False)); upper/lower = middle ± multiplier · ATR(atr_period), the ATR being
// KTRDR's simple mean of the true range (see mean_true_range). Periods ≥ 2, as KTRDR.
class KeltnerChannelsIndicator final : public IndicatorBase {
 public:
  KeltnerChannelsIndicator(std::string id, std::size_t period, std::size_t atr_period,
                           double multiplier);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t period_;
  std::size_t atr_period_;
  double multiplier_;
};

}  // namespace ktrdr::training::indicators
