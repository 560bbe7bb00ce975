// Sliding-window maximum and minimum with a monotonic deque, O(n) whatever the period. Pure
// functions; thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "indicators/cancel_poll.hpp"
#include "ktrdr/sdk/bar_series.hpp"

namespace ktrdr::training::indicators {

// Over a series defined from index `first` on, out[i] for first + period − 1 ≤ i < x.size() is the
// max (min) of x[i − period + 1 .. i]; other entries of `out` are left as they are.
// Precondition: out.size() ≥ x.size(), period ≥ 1.
void rolling_max(std::span<const double> x, std::size_t first, std::size_t period,
                 std::span<double> out, const CancelPoll& poll);
void rolling_min(std::span<const double> x, std::size_t first, std::size_t period,
                 std::span<double> out, const CancelPoll& poll);

// Aroon's count: out[i] for first + period − 1 ≤ i < x.size() is the number of bars since the
// max (min) of x[i − period + 1 .. i], the earliest on ties (0: the max is x[i]); other entries of
// `out` are left as they are. Precondition: out.size() ≥ x.size(), period ≥ 1.
void bars_since_max(std::span<const double> x, std::size_t first, std::size_t period,
                    std::span<double> out, const CancelPoll& poll);
void bars_since_min(std::span<const double> x, std::size_t first, std::size_t period,
                    std::span<double> out, const CancelPoll& poll);

// The highest high and lowest low of each `period` bars among the first `n` bars (entries
// before period − 1 are 0): the range Stochastic and Williams %R place the close in.
struct HighLow {
  std::vector<double> highest;
  std::vector<double> lowest;
};
HighLow rolling_high_low(const BarSeries& bars, std::size_t n, std::size_t period,
                         const CancelPoll& poll);

}  // namespace ktrdr::training::indicators
