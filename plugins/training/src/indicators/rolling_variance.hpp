// Rolling mean and variance of a window, for Bollinger Bands, Bollinger Band Width, Squeeze
// Intensity and Z-score: amortised O(1) per bar, exact over flat windows. Pure function;
// thread-safe.
#pragma once

#include <cstddef>
#include <span>

#include "indicators/cancel_poll.hpp"

namespace ktrdr::training::indicators {

// Over a series defined from index `first` on, for first + period − 1 ≤ i < x.size(): mean[i] is
// the mean of x[i − period + 1 .. i] and variance[i] its variance with `ddof` delta degrees of
// freedom (0: population, 1: sample, as pandas' rolling std). A window of equal values has
// exactly that value as mean and variance 0. Other entries are left as they are.
// Precondition: both outputs ≥ x.size() long, period > ddof.
void rolling_mean_variance(std::span<const double> x, std::size_t first, std::size_t period,
                           std::size_t ddof, std::span<double> mean, std::span<double> variance,
                           const CancelPoll& poll);

}  // namespace ktrdr::training::indicators
