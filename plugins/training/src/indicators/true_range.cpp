#include "indicators/true_range.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ktrdr::training::indicators {

std::vector<double> true_range(std::span<const double> high, std::span<const double> low,
                               std::span<const double> close, std::size_t n,
                               const CancelPoll& poll) {
  std::vector<double> tr(n, std::numeric_limits<double>::quiet_NaN());
  for (std::size_t i = 1; i < n; ++i) {
    poll.at(i);
    tr[i] = std::max(
        {high[i] - low[i], std::abs(high[i] - close[i - 1]), std::abs(low[i] - close[i - 1])});
  }
  return tr;
}

}  // namespace ktrdr::training::indicators
