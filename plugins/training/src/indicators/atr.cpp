#include "indicators/atr.hpp"

#include <algorithm>
#include <utility>

#include "indicators/moving_average.hpp"
#include "indicators/true_range.hpp"

namespace ktrdr::training::indicators {

AtrIndicator::AtrIndicator(std::string id, std::size_t period, Smoothing smoothing)
    : IndicatorBase(std::move(id), {}, smoothing == Smoothing::kSimple ? period - 1 : period),
      period_(period),
      smoothing_(smoothing) {}

std::vector<IndicatorOutput> AtrIndicator::compute(const BarSeries& bars,
                                                   const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::size_t n = finite_prefix({bars.highs(), bars.lows(), bars.closes()});
  if (smoothing_ == Smoothing::kSimple) {
    const std::vector<double> atr =
        mean_true_range(bars.highs(), bars.lows(), bars.closes(), n, period_, polling);
    std::copy(atr.begin(), atr.end(), outputs[0].values.begin());
  } else {
    const std::vector<double> tr = true_range(bars.highs(), bars.lows(), bars.closes(), n, polling);
    wilder_average(tr, 1, period_, outputs[0].values, polling);
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
