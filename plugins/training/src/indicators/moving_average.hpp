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

// The running sum x[first] + … + x[i] for first ≤ i < x.size() (the A/D Line, cumulative VWAP),
// compensated like the SMA's so that it does not drift; exactly 0 while every value is 0.
void running_sum(std::span<const double> x, std::size_t first, std::span<double> out,
                 const CancelPoll& poll);

// Wilder's smoothing: alpha = 1 / period, seeded with the simple mean of the first `period`
// values.
void wilder_average(std::span<const double> x, std::size_t first, std::size_t period,
                    std::span<double> out, const CancelPoll& poll);

// pandas' ewm(span=period, adjust=False) (KTRDR's Keltner Channels): alpha = 2 / (period + 1),
// starting at x[first] itself, so out[i] is written for every first ≤ i < x.size() (no warm-up).
void exponential_moving_average_from_first(std::span<const double> x, std::size_t first,
                                           std::size_t period, std::span<double> out,
                                           const CancelPoll& poll);

// pandas' ewm(span=period, adjust=True) (KTRDR's EMA): out[i] = Σ_k (1 − alpha)^k·x[i − k] /
// Σ_k (1 − alpha)^k over first ≤ i − k, alpha = 2 / (period + 1); written for every
// first ≤ i < x.size() (no warm-up).
void adjusted_exponential_moving_average(std::span<const double> x, std::size_t first,
                                         std::size_t period, std::span<double> out,
                                         const CancelPoll& poll);

}  // namespace ktrdr::training::indicators
