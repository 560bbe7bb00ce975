#include "indicators/ad_line.hpp"

#include <utility>

#include "indicators/money_flow.hpp"
#include "indicators/moving_average.hpp"

namespace ktrdr::training::indicators {
namespace {

std::vector<std::string> suffixes(std::size_t smoothing_period) {
  if (smoothing_period > 0) return {"sma"};
  return {};
}

}  // namespace

AdLineIndicator::AdLineIndicator(std::string id, std::size_t smoothing_period)
    : IndicatorBase(std::move(id), suffixes(smoothing_period),
                    smoothing_period > 0 ? smoothing_period - 1 : 0),
      smoothing_period_(smoothing_period) {}

std::vector<IndicatorOutput> AdLineIndicator::compute(const BarSeries& bars,
                                                      const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::size_t n = finite_prefix({bars.highs(), bars.lows(), bars.closes(), bars.volumes()});
  auto& line = outputs[0].values;
  running_sum(money_flow_volume(bars, n, polling), 0, line, polling);
  if (smoothing_period_ > 0) {
    simple_moving_average(std::span<const double>(line).first(n), 0, smoothing_period_,
                          outputs[1].values, polling);
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
