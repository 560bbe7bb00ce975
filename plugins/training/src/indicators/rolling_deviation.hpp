// Rolling mean absolute deviation about the window's mean, for CCI: the mean moves, so there is no
// running update; an order-statistic Fenwick tree over value ranks gives O(n log n). Thread-safe.
#pragma once

#include <cstddef>
#include <span>

#include "indicators/cancel_poll.hpp"

namespace ktrdr::training::indicators {

// For each window x[i − period + 1 .. i] with mean m: centred[i] = x[i] − m and deviation[i] =
// mean |x_j − m|, both exactly 0 over a flat window; sums in long double. Precondition: both
// outputs ≥ x.size() long, period ≥ 1.
void rolling_mean_deviation(std::span<const double> x, std::size_t period,
                            std::span<double> centred, std::span<double> deviation,
                            const CancelPoll& poll);

}  // namespace ktrdr::training::indicators
