#include "indicators/rolling_extremes.hpp"

#include <deque>
#include <functional>

namespace ktrdr::training::indicators {
namespace {

// `keeps(a, b)`: a stays ahead of a newer b (a > b for the max; a ≥ b keeps the earliest of
// equal values in front). The deque holds the indices of the window whose values no newer value
// beats, best first; `emit(i, best)` writes out[i] from the window's best index.
template <class Keeps, class Emit>
void rolling_extreme(std::span<const double> x, std::size_t first, std::size_t period,
                     const CancelPoll& poll, Keeps keeps, Emit emit) {
  std::deque<std::size_t> best;
  for (std::size_t i = first; i < x.size(); ++i) {
    poll.at(i);
    while (!best.empty() && !keeps(x[best.back()], x[i])) best.pop_back();
    best.push_back(i);
    if (best.front() + period <= i) best.pop_front();
    if (i + 1 >= first + period) emit(i, best.front());
  }
}

}  // namespace

void rolling_max(std::span<const double> x, std::size_t first, std::size_t period,
                 std::span<double> out, const CancelPoll& poll) {
  rolling_extreme(x, first, period, poll, std::greater<>{},
                  [&](std::size_t i, std::size_t at) { out[i] = x[at]; });
}

void rolling_min(std::span<const double> x, std::size_t first, std::size_t period,
                 std::span<double> out, const CancelPoll& poll) {
  rolling_extreme(x, first, period, poll, std::less<>{},
                  [&](std::size_t i, std::size_t at) { out[i] = x[at]; });
}

void bars_since_max(std::span<const double> x, std::size_t first, std::size_t period,
                    std::span<double> out, const CancelPoll& poll) {
  rolling_extreme(x, first, period, poll, std::greater_equal<>{},
                  [&](std::size_t i, std::size_t at) { out[i] = static_cast<double>(i - at); });
}

void bars_since_min(std::span<const double> x, std::size_t first, std::size_t period,
                    std::span<double> out, const CancelPoll& poll) {
  rolling_extreme(x, first, period, poll, std::less_equal<>{},
                  [&](std::size_t i, std::size_t at) { out[i] = static_cast<double>(i - at); });
}

HighLow rolling_high_low(const BarSeries& bars, std::size_t n, std::size_t period,
                         const CancelPoll& poll) {
  HighLow range{std::vector<double>(n), std::vector<double>(n)};
  rolling_max(bars.highs().first(n), 0, period, range.highest, poll);
  rolling_min(bars.lows().first(n), 0, period, range.lowest, poll);
  return range;
}

}  // namespace ktrdr::training::indicators
