// Summary statistics for the benchmark programs: mean, nearest-rank percentiles, min and max of
// a sample. Plain functions over values; no state.
#pragma once

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

namespace ktrdr::bench {

struct Summary {
  double mean = 0.0;
  double min = 0.0;
  double p50 = 0.0;
  double p99 = 0.0;
  double max = 0.0;
};

// The nearest-rank `percent` percentile (0 < percent <= 100) of a sorted, non-empty sample.
inline double percentile(const std::vector<double>& sorted, double percent) {
  const auto rank =
      static_cast<std::size_t>(std::ceil(percent / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

// Precondition: `sample` is not empty.
inline Summary summarize(std::vector<double> sample) {
  std::sort(sample.begin(), sample.end());
  return {.mean = std::accumulate(sample.begin(), sample.end(), 0.0) /
                  static_cast<double>(sample.size()),
          .min = sample.front(),
          .p50 = percentile(sample, 50.0),
          .p99 = percentile(sample, 99.0),
          .max = sample.back()};
}

}  // namespace ktrdr::bench
