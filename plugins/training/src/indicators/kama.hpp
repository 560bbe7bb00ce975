// KamaIndicator: kama{period=30, fast_period=2, slow_period=30} over one price, TA-Lib's KAMA
// (Kaufman's adaptive moving average; TA-Lib fixes fast 2 and slow 30, here they are parameters
// with those defaults, fast < slow). One output, `id`; warm-up n. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

// Convention (TA-Lib): efficiency ratio ER = |x[i] − x[i−n]| / Σ_{i−n<k≤i} |x[k] − x[k−1]| (1 when
// that path is 0), smoothing sc = (ER·(2/(fast+1) − 2/(slow+1)) + 2/(slow+1))²,
// KAMA[i] = KAMA[i−1] + sc·(x[i] − KAMA[i−1]) from bar n, started from x[n−1]. (TA-Lib also
// takes a path below 1e-8 as 0; here only an exact 0 is.)
class KamaIndicator final : public IndicatorBase {
 public:
  KamaIndicator(std::string id, PriceSource source, std::size_t period, std::size_t fast_period,
                std::size_t slow_period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  PriceSource source_;
  std::size_t period_;
  double fastest_;  // 2 / (fast_period + 1)
  double slowest_;  // 2 / (slow_period + 1)
};

}  // namespace ktrdr::training::indicators
