// True range, shared by ATR and ADX: max(high − low, |high − prev close|, |low − prev close|)
// from bar 1; bar 0, with no previous close, is NaN. Pure function; thread-safe.
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

}  // namespace ktrdr::training::indicators
