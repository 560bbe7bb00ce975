// SqueezeIntensityIndicator: squeeze_intensity{bb_period=20, bb_multiplier=2, kc_period=20,
// kc_multiplier=2}, KTRDR's SqueezeIntensity — how far the Bollinger Bands of one price lie inside
// the Keltner Channels: 1 for bands collapsed onto the middle, 0 when they touch or leave the
// channels. Reads high, low and close for the channels. One output, `id`; warm-up
// max(bb_period − 1, 9). Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

// Convention (KTRDR): Bollinger Bands SMA(bb_period) ± bb_multiplier · sample std (ddof 1) of
// the source; Keltner Channels as KTRDR's squeeze builds them: EMA of the close with alpha =
// 2/(kc_period + 1) started at the first close (pandas ewm adjust=False), ± kc_multiplier · ATR,
// the ATR a 10-bar simple mean of the true range (the first bar's true range is high − low).
// Intensity = max(0, min(KCU − BBU, BBL − KCL) / (KCU − KCL)), 0 when |KCU − KCL| ≤ 1e-10.
class SqueezeIntensityIndicator final : public IndicatorBase {
 public:
  // KTRDR's squeeze always uses KeltnerChannels' default atr_period.
  static constexpr std::size_t kAtrPeriod = 10;

  SqueezeIntensityIndicator(std::string id, PriceSource source, std::size_t bb_period,
                            double bb_multiplier, std::size_t kc_period, double kc_multiplier);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  PriceSource source_;
  std::size_t bb_period_;
  double bb_multiplier_;
  std::size_t kc_period_;
  double kc_multiplier_;
};

}  // namespace ktrdr::training::indicators
