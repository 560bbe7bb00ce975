#include "indicators/cmf.hpp"

#include <utility>

#include "indicators/money_flow.hpp"
#include "indicators/moving_average.hpp"

namespace ktrdr::training::indicators {

CmfIndicator::CmfIndicator(std::string id, std::size_t period)
    : IndicatorBase(std::move(id), {}, period - 1), period_(period) {}

std::vector<IndicatorOutput> CmfIndicator::compute(const BarSeries& bars,
                                                   const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const auto volume = bars.volumes();
  const std::size_t n = finite_prefix({bars.highs(), bars.lows(), bars.closes(), volume});
  // Means rather than sums: the ratio is the same, and the SMA is exactly 0 over zero volume.
  std::vector<double> flow_mean(n);
  std::vector<double> volume_mean(n);
  simple_moving_average(money_flow_volume(bars, n, polling), 0, period_, flow_mean, polling);
  simple_moving_average(volume.first(n), 0, period_, volume_mean, polling);
  auto& out = outputs[0].values;
  for (std::size_t i = period_ - 1; i < n; ++i) {
    polling.at(i);
    out[i] = volume_mean[i] == 0.0 ? 0.0 : flow_mean[i] / volume_mean[i];
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
