// Moving averages shared by the indicators — SMA, EMA, Wilder's smoothing — each O(n). Pure
// functions; thread-safe.
#pragma once

#include <cstddef>
#include <span>

#include "indicators/cancel_poll.hpp"

namespace ktrdr::training::indicators {

// Each reads a series defined from index `first` on (entries before it are never read), writes
// out[i] for first + period − 1 ≤ i < x.size() and leaves the other entries of `out` as they are.
// Precondition: out.size() ≥ x.size(), period ≥ 1.

// SMA: the mean of the last `period` values, from a compensated running sum (no drift over long
// series); exactly 0 over a window of zeros.
void simple_moving_average(std::span<const double> x, std::size_t first, std::size_t period,
                           std::span<double> out, const CancelPoll& poll);

// EMA: alpha = 2 / (period + 1), seeded at first + period − 1 with the SMA of the first
// `period` values (TA-Lib's convention).
void exponential_moving_average(std::span<const double> x, std::size_t first, std::size_t period,
                                std::span<double> out, const CancelPoll& poll);

// Wilder's smoothing: alpha = 1 / period, seeded with the simple mean of the first `period`
// values.
void wilder_average(std::span<const double> x, std::size_t first, std::size_t period,
                    std::span<double> out, const CancelPoll& poll);

}  // namespace ktrdr::training::indicators
