// StochRsiIndicator: stoch_rsi{period=14, k_period=5, d_period=3} over one price, TA-Lib's
// STOCHRSI (timeperiod, fastk_period, fastd_period; fastd_matype SMA) — the stochastic
// oscillator applied to RSI. Outputs `id` (fast %K) and `id.d` (fast %D); warm-up
// n + k_period + d_period − 2 (%K from n + k_period − 1). Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

// Convention: RSI as the rsi type computes it (Wilder, 50 with neither gains nor losses — TA-Lib
// gives 0 there); %K = 100·(RSI − min) / (max − min) of the last k_period RSI values, 0 when
// max = min (TA-Lib); %D = SMA(d_period) of %K.
class StochRsiIndicator final : public IndicatorBase {
 public:
  StochRsiIndicator(std::string id, PriceSource source, std::size_t period, std::size_t k_period,
                    std::size_t d_period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  PriceSource source_;
  std::size_t period_;
  std::size_t k_period_;
  std::size_t d_period_;
};

}  // namespace ktrdr::training::indicators
