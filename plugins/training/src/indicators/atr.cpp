#include "indicators/atr.hpp"

#include <utility>

#include "indicators/moving_average.hpp"
#include "indicators/true_range.hpp"

namespace ktrdr::training::indicators {

AtrIndicator::AtrIndicator(std::string id, std::size_t period)
    : IndicatorBase(std::move(id), {}, period), period_(period) {}

std::vector<IndicatorOutput> AtrIndicator::compute(const BarSeries& bars,
                                                   const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::size_t n = finite_prefix({bars.highs(), bars.lows(), bars.closes()});
  const std::vector<double> tr = true_range(bars.highs(), bars.lows(), bars.closes(), n, polling);
  wilder_average(tr, 1, period_, outputs[0].values, polling);
  return outputs;
}

}  // namespace ktrdr::training::indicators
