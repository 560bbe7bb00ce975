// The balance of an up and a down quantity as an index from 0 to 100 — 100·up / (up + down),
// `when_both_zero` where both are 0 (RSI 50, MFI 100, as KTRDR) — as RSI takes it of average gains
// and losses and MFI of positive and negative money flow. A pure function; thread-safe.
#pragma once

#include <cstddef>
#include <span>

#include "indicators/cancel_poll.hpp"

namespace ktrdr::training::indicators {

// out[i] for from ≤ i < up.size(); other entries are left as they are.
// Precondition: down.size() ≥ up.size() and out.size() ≥ up.size().
inline void balance_index(std::span<const double> up, std::span<const double> down,
                          std::size_t from, double when_both_zero, std::span<double> out,
                          const CancelPoll& poll) {
  for (std::size_t i = from; i < up.size(); ++i) {
    poll.at(i);
    const double total = up[i] + down[i];
    out[i] = total == 0.0 ? when_both_zero : 100.0 * up[i] / total;
  }
}

}  // namespace ktrdr::training::indicators
