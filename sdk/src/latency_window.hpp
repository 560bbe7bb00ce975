// LatencyWindow (private to the SDK): the latencies of the most recent calls, in a ring buffer,
// and their percentiles. Thread-compatible: AsyncServiceAdapter guards it with its stats mutex.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <vector>

namespace ktrdr::detail {

class LatencyWindow {
 public:
  // Calls remembered; older ones drop out.
  static constexpr std::size_t kCapacity = 1024;

  struct Percentiles {
    double p50 = 0;
    double p95 = 0;
    double p99 = 0;
  };

  void add(double millis) {
    samples_[next_] = millis;
    next_ = (next_ + 1) % kCapacity;
    count_ = std::min(count_ + 1, kCapacity);
  }

  // Nearest-rank percentiles; all 0 while empty.
  Percentiles percentiles() const {
    if (count_ == 0) return {};
    std::vector<double> sorted(samples_.begin(),
                               samples_.begin() + static_cast<std::ptrdiff_t>(count_));
    std::sort(sorted.begin(), sorted.end());
    const auto rank = [&sorted](double fraction) {
      const auto n = static_cast<double>(sorted.size());
      const auto index = static_cast<std::size_t>(std::max(1.0, std::ceil(fraction * n))) - 1;
      return sorted[std::min(index, sorted.size() - 1)];
    };
    return {rank(0.50), rank(0.95), rank(0.99)};
  }

 private:
  std::array<double, kCapacity> samples_{};
  std::size_t next_ = 0;
  std::size_t count_ = 0;
};

}  // namespace ktrdr::detail
