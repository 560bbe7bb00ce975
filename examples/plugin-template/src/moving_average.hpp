// MovingAverage: the simple moving average of the last `window` values, updated one value at a
// time in O(1) with a running sum over a ring of the window's values. The template's domain work,
// with no engine types: replace it with yours. Not thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

namespace template_plugin {

class MovingAverage {
 public:
  explicit MovingAverage(std::size_t window);  // at least 1

  // Adds `value`; returns the average of the last window() values once that many were added.
  std::optional<double> add(double value);

  std::size_t window() const { return ring_.size(); }

 private:
  std::vector<double> ring_;  // the window's values; ring_[next_] is the oldest once full
  std::size_t next_ = 0;
  std::size_t added_ = 0;
  double sum_ = 0.0;  // of the values in ring_
};

}  // namespace template_plugin
