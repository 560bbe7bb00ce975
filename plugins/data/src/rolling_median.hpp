// Rolling medians over a centred window: for each value, the median of the finite values of the
// window around it, and optionally their median absolute deviation (MAD) from that median.
// SortedWindow keeps a window's finite values sorted as it slides (O(w) per step); the median is
// its middle element and the MAD is found exactly from the sorted values in O(w), so the figures
// are those of sorting each window afresh (as std::nth_element would pick them). RollingMedian
// steps one through a series a block at a time, so that callers need not hold every median.
// Value types; thread-compatible.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace ktrdr::data {

class RollingMedian;

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
  friend class RollingMedian;  // steps the window in place

  // -inf, the size_ values ascending, then +inf (and spare room, also +inf): the infinities stop
  // the insertion loops without bounds checks.
  std::vector<double> slots_;
  std::size_t size_ = 0;
};

// For each i, the median of the finite values among values[i - window / 2, i + window / 2]
// (clipped at the ends; a window below 1 counts as 1) and, when asked, their MAD, as
// SortedWindow::median() and mad() define them; both are NaN where the window holds no finite
// value. Reads `values`, which must outlive it, as it goes.
class RollingMedian {
 public:
  RollingMedian(std::span<const double> values, std::size_t window, bool with_mad);

  // The number of medians in all (values.size()) and of those computed so far.
  std::size_t size() const noexcept { return values_.size(); }
  std::size_t done() const noexcept { return next_; }

  // Computes the next min(median.size(), size() - done()) medians into `median` and, when made
  // with_mad, their MADs into `mad` (then at least as long as `median`); returns how many.
  std::size_t next(std::span<double> median, std::span<double> mad = {});

  // Every median, and every MAD when asked (else `mad` is empty).
  struct Series {
    std::vector<double> median;
    std::vector<double> mad;
  };
  static Series compute(std::span<const double> values, std::size_t window, bool with_mad);

 private:
  std::span<const double> values_;
  std::size_t half_;
  bool with_mad_;
  std::size_t next_ = 0;
  SortedWindow window_;
};

}  // namespace ktrdr::data
