// IchimokuIndicator: ichimoku{tenkan_period=9, kijun_period=26, senkou_b_period=52,
// displacement=26}, KTRDR's Ichimoku, from high, low and close. Outputs `id` (tenkan-sen),
// `id.kijun`, `id.senkou_a`, `id.senkou_b`, `id.chikou`; warm-up max(periods) − 1. Immutable;
// thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "indicators/indicator_base.hpp"

namespace ktrdr::training::indicators {

// Convention (KTRDR's): tenkan, kijun and senkou B are the midpoints (HH + LL)/2 of their periods,
// senkou A = (tenkan + kijun)/2 and chikou the close, each at the bar it is computed on: like
// KTRDR, nothing is shifted by `displacement` (accepted, unused), so no output looks ahead.
class IchimokuIndicator final : public IndicatorBase {
 public:
  IchimokuIndicator(std::string id, std::size_t tenkan_period, std::size_t kijun_period,
                    std::size_t senkou_b_period);

  std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                       const CancellationToken& token) const override;

 private:
  std::size_t tenkan_period_;
  std::size_t kijun_period_;
  std::size_t senkou_b_period_;
};

}  // namespace ktrdr::training::indicators
