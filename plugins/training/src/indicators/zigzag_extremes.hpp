// The swing points of KTRDR's ZigZag over one price series, for the ZigZag indicator (and any
// ZigZag-based labelling): which bars are extremes, and which later bar fixed each one. A pure
// function; thread-safe.
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <vector>

#include "indicators/cancel_poll.hpp"

namespace ktrdr::training::indicators {

struct ZigZagExtreme {
  static constexpr std::size_t kOpen = std::numeric_limits<std::size_t>::max();
  std::size_t at;                // the extreme's bar
  std::size_t fixed_by = kOpen;  // the bar that made the next extreme (kOpen: the last one)
};

// KTRDR's rule with `threshold` a fraction (0.05: 5 %): bar 0 is the first extreme; the first
// bar that moves ≥ threshold from it (relative) becomes the next and sets the direction. Going
// up, a higher price moves the last extreme to its bar, and a fall of ≥ threshold from it makes
// a new extreme there and turns down; going down, symmetrically. Ascending by bar.
// Precondition: 0 < threshold < 1; x finite.
std::vector<ZigZagExtreme> zigzag_extremes(std::span<const double> x, double threshold,
                                           const CancelPoll& poll);

}  // namespace ktrdr::training::indicators
