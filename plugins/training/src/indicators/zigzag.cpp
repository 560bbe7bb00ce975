#include "indicators/zigzag.hpp"

#include <utility>

#include "indicators/zigzag_extremes.hpp"

namespace ktrdr::training::indicators {

ZigZagIndicator::ZigZagIndicator(std::string id, PriceSource source, double threshold)
    : IndicatorBase(std::move(id), {}, 0), source_(source), threshold_(threshold) {}

std::vector<IndicatorOutput> ZigZagIndicator::compute(const BarSeries& bars,
                                                      const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const std::vector<double> x = price_series(bars, source_);
  const std::span<const double> defined(x.data(), finite_prefix({x}));
  for (const auto& extreme : zigzag_extremes(defined, threshold_, poll(token))) {
    outputs[0].values[extreme.at] = x[extreme.at];
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
