// Rolling medians over a centred window: for each value, the median of the finite values of the
// window around it, and optionally their median absolute deviation (MAD) from that median.
// SortedWindow keeps a window's finite values sorted as it slides (O(w) per step); the median is
// its middle element and the MAD is found exactly from the sorted values in O(w), so the figures
// are those of sorting each window afresh (as std::nth_element picks them). RollingMedian moves
// one over a series, sliding it from window to window or refilling it after a jump, so callers
// that need the statistics of a few windows only pay for those. Value types; thread-compatible.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

namespace ktrdr::data {

class RollingMedian;

// The finite values of a sliding window, kept sorted. Non-finite values (NaN, ±inf) are ignored
// by insert, erase, replace and assign, so they never count.
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
  // Holds the finite ones of `values` and nothing else.
  void assign(std::span<const double> values);

  // The median: the element at size() / 2 in ascending order (the upper one of the two middle
  // values when size() is even); NaN when empty.
  double median() const noexcept;
  // The median absolute deviation from median(): the element at size() / 2 of the |v - median()|
  // of the values in ascending order; NaN when empty.
  double mad() const noexcept;

 private:
  friend class RollingMedian;  // steps the window in place

  // Room for `count` values in all.
  void reserve_slots(std::size_t count);

  // -inf, the size_ values ascending, +inf, then spare room: the infinities stop the insertion
  // loops without bounds checks.
  std::vector<double> slots_;
  std::size_t size_ = 0;
};

// The window of values[i] is values[i - window / 2, i + window / 2], clipped at the ends (a
// window below 1 counts as 1); its median and MAD are those of SortedWindow over its finite
// values, NaN when it has none. Reads `values`, which must outlive it, as it goes.
class RollingMedian {
 public:
  RollingMedian(std::span<const double> values, std::size_t window);

  std::size_t size() const noexcept { return values_.size(); }

  // Makes the window that of values[i] (precondition: i < size()): slides it there from the
  // last one when that lies a few values before, else refills it. Any order works; ascending
  // is fastest.
  void seek(std::size_t i);

  // Of the window seek() last made (NaN before any).
  double median() const noexcept { return window_.median(); }
  double mad() const noexcept { return window_.mad(); }

  // Every window's median, and every MAD when asked (else `mad` is empty).
  struct Series {
    std::vector<double> median;
    std::vector<double> mad;
  };
  static Series compute(std::span<const double> values, std::size_t window, bool with_mad);

 private:
  // Moves the window from that of centre_ to that of centre_ + 1.
  void step();

  std::span<const double> values_;
  std::size_t half_;
  std::size_t centre_;  // of the window held; size() while none is
  SortedWindow window_;
};

}  // namespace ktrdr::data
