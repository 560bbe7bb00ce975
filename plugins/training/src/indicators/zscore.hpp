// ZscoreIndicator: zscore{period=20} over one price — how many standard deviations the price is
// from its mean over the last n bars (not in TA-Lib; pandas-ta's zscore). One output, `id`;
// warm-up n − 1. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"
#include "indicators/price_source.hpp"

namespace ktrdr::training::indicators {

// Convention: (x − SMA(n)) / std(n) with the sample std (ddof 1, as pandas-ta and KTRDR's
// Bollinger Bands; so n ≥ 2); 0 over a flat window.
class ZscoreIndicator final : public IndicatorBase {
 public:
  ZscoreIndicator(std::string id, PriceSource source, std::size_t period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  PriceSource source_;
  std::size_t period_;
};

}  // namespace ktrdr::training::indicators
