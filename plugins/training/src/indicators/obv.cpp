#include "indicators/obv.hpp"

#include <utility>

namespace ktrdr::training::indicators {

ObvIndicator::ObvIndicator(std::string id) : IndicatorBase(std::move(id), {}, 0) {}

std::vector<IndicatorOutput> ObvIndicator::compute(const BarSeries& bars,
                                                   const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const auto close = bars.closes();
  const auto volume = bars.volumes();
  const std::size_t n = finite_prefix({close, volume});
  auto& out = outputs[0].values;
  if (n > 0) out[0] = 0.0;
  double obv = 0.0;
  for (std::size_t i = 1; i < n; ++i) {
    polling.at(i);
    if (close[i] > close[i - 1]) {
      obv += volume[i];
    } else if (close[i] < close[i - 1]) {
      obv -= volume[i];
    }
    out[i] = obv;
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
