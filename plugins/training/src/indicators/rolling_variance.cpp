#include "indicators/rolling_variance.hpp"

#include <algorithm>

namespace ktrdr::training::indicators {

// The window's sums of (x − base) and (x − base)² are updated as values enter and leave. Every
// `period` bars the base moves to the newest value and the sums are recomputed from the window,
// so rounding never accumulates and the shift keeps the variance free of cancellation. A count
// of the trailing equal values tells a flat window.
void rolling_mean_variance(std::span<const double> x, std::size_t first, std::size_t period,
                           std::size_t ddof, std::span<double> mean, std::span<double> variance,
                           const CancelPoll& poll) {
  const double count = static_cast<double>(period);
  double base = 0.0;
  double sum = 0.0;
  double sum_sq = 0.0;
  std::size_t same = 0;
  for (std::size_t i = first; i < x.size(); ++i) {
    poll.at(i);
    same = i > first && x[i] == x[i - 1] ? same + 1 : 1;
    if (i + 1 < first + period) continue;
    const std::size_t start = i + 1 - period;
    if ((start - first) % period == 0) {
      base = x[i];
      sum = 0.0;
      sum_sq = 0.0;
      for (std::size_t j = start; j <= i; ++j) {
        sum += x[j] - base;
        sum_sq += (x[j] - base) * (x[j] - base);
      }
    } else {
      const double in = x[i] - base;
      const double out = x[start - 1] - base;
      sum += in - out;
      sum_sq += in * in - out * out;
    }
    if (same >= period) {
      mean[i] = x[i];
      variance[i] = 0.0;
      continue;
    }
    const double shift = sum / count;
    mean[i] = base + shift;
    variance[i] = std::max(0.0, (sum_sq - sum * shift) / (count - static_cast<double>(ddof)));
  }
}

}  // namespace ktrdr::training::indicators
