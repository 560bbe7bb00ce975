#include "indicators/ichimoku.hpp"

#include <algorithm>
#include <utility>

#include "indicators/rolling_extremes.hpp"

namespace ktrdr::training::indicators {

IchimokuIndicator::IchimokuIndicator(std::string id, std::size_t tenkan_period,
                                     std::size_t kijun_period, std::size_t senkou_b_period)
    : IndicatorBase(std::move(id), {"kijun", "senkou_a", "senkou_b", "chikou"},
                    std::max({tenkan_period, kijun_period, senkou_b_period}) - 1),
      tenkan_period_(tenkan_period),
      kijun_period_(kijun_period),
      senkou_b_period_(senkou_b_period) {}

std::vector<IndicatorOutput> IchimokuIndicator::compute(const BarSeries& bars,
                                                        const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const auto close = bars.closes();
  const std::size_t n = finite_prefix({bars.highs(), bars.lows(), close});
  // The midpoint of each `period` bars' range into out[period − 1 ..].
  const auto midpoint = [&](std::size_t period, std::vector<double>& out) {
    const auto [highest, lowest] = rolling_high_low(bars, n, period, polling);
    for (std::size_t i = period - 1; i < n; ++i) {
      polling.at(i);
      out[i] = (highest[i] + lowest[i]) / 2;
    }
  };
  auto& tenkan = outputs[0].values;
  auto& kijun = outputs[1].values;
  midpoint(tenkan_period_, tenkan);
  midpoint(kijun_period_, kijun);
  midpoint(senkou_b_period_, outputs[3].values);
  for (std::size_t i = std::max(tenkan_period_, kijun_period_) - 1; i < n; ++i) {
    polling.at(i);
    outputs[2].values[i] = (tenkan[i] + kijun[i]) / 2;
  }
  std::copy(close.begin(), close.begin() + static_cast<std::ptrdiff_t>(n),
            outputs[4].values.begin());
  return outputs;
}

}  // namespace ktrdr::training::indicators
