// Rolling medians over a centred window: for each value, the median of the finite values of the
// window around it, and optionally their median absolute deviation (MAD) from that median.
// SortedWindow keeps a window's finite values sorted as it slides (O(w) per step); the median is
// its middle element and the MAD is found exactly from the sorted values in O(w), so the figures
// are those of sorting each window afresh. Value types; thread-compatible.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace ktrdr::data {

// The finite values of a sliding window, kept sorted. Non-finite values (NaN, ±inf) are ignored
// by insert, erase and replace, so they never count.
class SortedWindow {
 public:
  // Room for `capacity` values without reallocating (more are allowed).
  explicit SortedWindow(std::size_t capacity = 0);

  std::size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  // The values, ascending.
  std::span<const double> values() const noexcept { return {slots_.data() + 1, size_}; }

  // Adds `value` when it is finite.
  void insert(double value);
  // Removes one value equal to `value` when it is finite. Precondition: it is present.
  void erase(double value);
  // erase(old_value) then insert(new_value), in one pass over the values.
  void replace(double old_value, double new_value);

  // The median: the element at size() / 2 in ascending order (the upper one of the two middle
  // values when size() is even); NaN when empty.
  double median() const noexcept;
  // The median absolute deviation from median(): the element at size() / 2 of the |v - median()|
  // of the values in ascending order; NaN when empty.
  double mad() const noexcept;

 private:
  // -inf, the size_ values ascending, then +inf (and spare room, also +inf): the infinities stop
  // the insertion loops without bounds checks.
  std::vector<double> slots_;
  std::size_t size_ = 0;
};

// For each i, the median of the finite values among values[i - window / 2, i + window / 2]
// (clipped at the ends; a window below 1 counts as 1) and, when asked, their MAD — as
// SortedWindow::median() and mad() define them. Both are NaN where the window holds no finite
// value; `mad` is empty unless asked for.
struct RollingMedian {
  std::vector<double> median;
  std::vector<double> mad;

  static RollingMedian compute(std::span<const double> values, std::size_t window, bool with_mad);
};

}  // namespace ktrdr::data
