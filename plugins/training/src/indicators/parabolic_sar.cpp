#include "indicators/parabolic_sar.hpp"

#include <algorithm>
#include <utility>

namespace ktrdr::training::indicators {

ParabolicSarIndicator::ParabolicSarIndicator(std::string id, double initial_af, double step_af,
                                             double max_af)
    : IndicatorBase(std::move(id), {}, 1),
      initial_af_(initial_af),
      step_af_(step_af),
      max_af_(max_af) {}

std::vector<IndicatorOutput> ParabolicSarIndicator::compute(const BarSeries& bars,
                                                            const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const auto high = bars.highs();
  const auto low = bars.lows();
  const auto close = bars.closes();
  const std::size_t n = finite_prefix({high, low, close});
  if (n < 2) return outputs;
  auto& sar = outputs[0].values;
  bool rising = close[1] > close[0];
  double extreme = rising ? high[1] : low[1];
  double af = initial_af_;
  sar[1] = rising ? low[0] : high[0];
  for (std::size_t i = 2; i < n; ++i) {
    polling.at(i);
    double value = sar[i - 1] + af * (extreme - sar[i - 1]);
    if (rising ? low[i] <= value : high[i] >= value) {
      rising = !rising;
      value = extreme;
      af = initial_af_;
      extreme = rising ? high[i] : low[i];
    } else if (rising) {
      value = std::min({value, low[i - 1], low[i - 2]});
      if (high[i] > extreme) {
        extreme = high[i];
        af = std::min(af + step_af_, max_af_);
      }
    } else {
      value = std::max({value, high[i - 1], high[i - 2]});
      if (low[i] < extreme) {
        extreme = low[i];
        af = std::min(af + step_af_, max_af_);
      }
    }
    sar[i] = value;
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
