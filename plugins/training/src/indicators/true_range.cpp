#include "indicators/true_range.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "indicators/moving_average.hpp"

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

std::vector<double> mean_true_range(std::span<const double> high, std::span<const double> low,
                                    std::span<const double> close, std::size_t n,
                                    std::size_t period, const CancelPoll& poll) {
  std::vector<double> tr = true_range(high, low, close, n, poll);
  if (n > 0) tr[0] = high[0] - low[0];
  std::vector<double> out(n, std::numeric_limits<double>::quiet_NaN());
  simple_moving_average(tr, 0, period, out, poll);
  return out;
}

}  // namespace ktrdr::training::indicators
