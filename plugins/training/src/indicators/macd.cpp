#include "indicators/macd.hpp"

#include <utility>

#include "indicators/moving_average.hpp"

namespace ktrdr::training::indicators {

MacdIndicator::MacdIndicator(std::string id, PriceSource source, std::size_t fast, std::size_t slow,
                             std::size_t signal)
    : IndicatorBase(std::move(id), {"signal", "histogram"}, slow + signal - 2),
      source_(source),
      fast_(fast),
      slow_(slow),
      signal_(signal) {}

std::vector<IndicatorOutput> MacdIndicator::compute(const BarSeries& bars,
                                                    const CancellationToken& token) const {
  auto outputs = nan_outputs(bars.size());
  const CancelPoll polling = poll(token);
  const std::vector<double> x = price_series(bars, source_);
  const std::size_t n = finite_prefix({x});
  const std::span<const double> defined(x.data(), n);
  std::vector<double> fast(n);
  std::vector<double> slow(n);
  exponential_moving_average(defined, 0, fast_, fast, polling);
  exponential_moving_average(defined, 0, slow_, slow, polling);
  auto& line = outputs[0].values;
  for (std::size_t i = slow_ - 1; i < n; ++i) {
    polling.at(i);
    line[i] = fast[i] - slow[i];
  }
  auto& signal = outputs[1].values;
  auto& histogram = outputs[2].values;
  exponential_moving_average(std::span<const double>(line).first(n), slow_ - 1, signal_, signal,
                             polling);
  for (std::size_t i = warmup(); i < n; ++i) {
    polling.at(i);
    histogram[i] = line[i] - signal[i];
  }
  return outputs;
}

}  // namespace ktrdr::training::indicators
