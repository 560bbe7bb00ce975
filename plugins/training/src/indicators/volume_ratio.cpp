#include "indicators/volume_ratio.hpp"

#include <cmath>
#include <utility>

#include "indicators/moving_average.hpp"

namespace ktrdr::training::indicators {

VolumeRatioIndicator::VolumeRatioIndicator(std::string id, std::size_t period)
    : IndicatorBase(std::move(id), {}, period - 1), period_(period) {}

std::vector<IndicatorOutput> VolumeRatioIndicator::compute(const BarSeries& bars,
                                                           const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const auto volume = bars.volumes();
  const std::size_t n = finite_prefix({volume});
  std::vector<double> mean(n);
  simple_moving_average(volume.first(n), 0, period_, mean, polling);
  for (std::size_t i = period_ - 1; i < n; ++i) {
    polling.at(i);
    outputs[0].values[i] = std::abs(mean[i]) > 1e-10 ? volume[i] / mean[i] : 1.0;
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
