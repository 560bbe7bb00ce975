// StochasticIndicator: stochastic{k_period=14, d_period=3, smooth_k=3} from high, low and close.
// Outputs `id` (%K), `id.d`; warm-up k_period + smooth_k + d_period − 3. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention: raw %K = 100·(C − LL)/(HH − LL) over k bars (50 when HH = LL); %K = SMA(smooth_k) of
// raw %K; %D = SMA(d_period) of %K. KTRDR's defaults (smooth_k 3, the slow stochastic); from the
// warm-up on the values are KTRDR's (before it KTRDR averages partial windows, ktrdr gives NaN).
class StochasticIndicator final : public IndicatorBase {
 public:
  StochasticIndicator(std::string id, std::size_t k_period, std::size_t d_period,
                      std::size_t smooth_k);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t k_period_;
  std::size_t d_period_;
  std::size_t smooth_k_;
};

}  // namespace ktrdr::training::indicators
