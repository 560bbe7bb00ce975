#include "indicators/zigzag_extremes.hpp"

#include <cmath>

namespace ktrdr::training::indicators {

std::vector<ZigZagExtreme> zigzag_extremes(std::span<const double> x, double threshold,
                                           const CancelPoll& poll) {
  std::vector<ZigZagExtreme> extremes;
  if (x.empty()) return extremes;
  extremes.push_back({0});
  int direction = 0;  // +1 rising, −1 falling, 0 not yet known
  const auto turn = [&](std::size_t i) {
    extremes.back().fixed_by = i;
    extremes.push_back({i});
  };
  for (std::size_t i = 1; i < x.size(); ++i) {
    poll.at(i);
    const double last = x[extremes.back().at];
    const double change = (x[i] - last) / last;
    if (direction == 0) {
      if (std::abs(change) >= threshold) {
        direction = change > 0 ? 1 : -1;
        turn(i);
      }
    } else if (direction * (x[i] - last) > 0) {
      extremes.back().at = i;  // the swing went on: its extreme moves here
    } else if (-direction * change >= threshold) {
      direction = -direction;
      turn(i);
    }
  }
  return extremes;
}

}  // namespace ktrdr::training::indicators
