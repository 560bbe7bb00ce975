#include "indicators/weighted_average.hpp"

namespace ktrdr::training::indicators {

// The weighted sum moves by period·x_in − (plain sum before the step); the plain sum by
// x_in − x_out. Every `period` bars both are recomputed from the window, so rounding never
// accumulates (amortised O(1) per bar).
void weighted_moving_average(std::span<const double> x, std::size_t first, std::size_t period,
                             std::span<double> out, const CancelPoll& poll) {
  const double n = static_cast<double>(period);
  const double divisor = n * (n + 1.0) / 2.0;
  double sum = 0.0;
  double weighted = 0.0;
  for (std::size_t i = first + period - 1; i < x.size(); ++i) {
    poll.at(i);
    const std::size_t start = i + 1 - period;
    if ((start - first) % period == 0) {
      sum = 0.0;
      weighted = 0.0;
      for (std::size_t j = start; j <= i; ++j) {
        sum += x[j];
        weighted += static_cast<double>(j - start + 1) * x[j];
      }
    } else {
      weighted += n * x[i] - sum;
      sum += x[i] - x[start - 1];
    }
    out[i] = weighted / divisor;
  }
}

}  // namespace ktrdr::training::indicators
