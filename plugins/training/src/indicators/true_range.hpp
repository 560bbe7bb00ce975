// True range, shared by ATR, ADX, Keltner Channels and SuperTrend: max(high − low, |high − prev
// close|, |low − prev close|) from bar 1; bar 0, with no previous close, is NaN. Pure functions;
// thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "indicators/cancel_poll.hpp"

namespace ktrdr::training::indicators {

// Over the first `n` bars of the columns. Precondition: each column has ≥ n values.
std::vector<double> true_range(std::span<const double> high, std::span<const double> low,
                               std::span<const double> close, std::size_t n,
                               const CancelPoll& poll);

// KTRDR's average true range: the simple mean of the last `period` true ranges, bar 0 counting
// its own range high − low; defined for period − 1 ≤ i < n, NaN before.
std::vector<double> mean_true_range(std::span<const double> high, std::span<const double> low,
                                    std::span<const double> close, std::size_t n,
                                    std::size_t period, const CancelPoll& poll);

}  // namespace ktrdr::training::indicators
