// The linearly weighted moving average shared by WMA and HMA (TA-Lib's WMA): weights 1 … period,
// the newest heaviest. O(n). Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <span>

#include "indicators/cancel_poll.hpp"

namespace ktrdr::training::indicators {

// Over a series defined from index `first` on, out[i] for first + period − 1 ≤ i < x.size() is
// Σ_k (k + 1)·x[i − period + 1 + k] / (period·(period + 1)/2); other entries are left as they are.
// Precondition: out.size() ≥ x.size(), period ≥ 1.
void weighted_moving_average(std::span<const double> x, std::size_t first, std::size_t period,
                             std::span<double> out, const CancelPoll& poll);

}  // namespace ktrdr::training::indicators
