// SortedWindow: a sorted array between -inf and +inf sentinels, updated in place by one
// insertion-sort pass per step; the MAD as the narrowest run of size() / 2 + 1 consecutive sorted
// values that holds the median.
#include "rolling_median.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ktrdr::data {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// How many of w[0, n) are below `value`: lower_bound's index for sorted w, without branches
// (four counters, so the compares run side by side).
[[gnu::always_inline]] inline std::size_t count_below(const double* w, std::size_t n,
                                                      double value) noexcept {
  std::size_t c0 = 0;
  std::size_t c1 = 0;
  std::size_t c2 = 0;
  std::size_t c3 = 0;
  std::size_t j = 0;
  for (; j + 4 <= n; j += 4) {
    c0 += w[j] < value ? 1 : 0;
    c1 += w[j + 1] < value ? 1 : 0;
    c2 += w[j + 2] < value ? 1 : 0;
    c3 += w[j + 3] < value ? 1 : 0;
  }
  for (; j < n; ++j) c0 += w[j] < value ? 1 : 0;
  return c0 + c1 + c2 + c3;
}

// In the sorted w[0, n), with a value below w[0] at w[-1] and one above w[n - 1] at w[n],
// replaces one `old_value` by `new_value` (both finite; old_value present), keeping w sorted:
// overwrites the old value's slot, then moves the new value to its place, shifting the values it
// passes by one. The values around w[0, n) end the walk.
[[gnu::always_inline]] inline void replace_sorted(double* w, std::size_t n, double old_value,
                                                  double new_value) noexcept {
  std::size_t k = count_below(w, n, old_value);
  if (new_value < old_value) {
    while (w[k - 1] > new_value) {
      w[k] = w[k - 1];
      --k;
    }
  } else {
    while (w[k + 1] < new_value) {
      w[k] = w[k + 1];
      ++k;
    }
  }
  w[k] = new_value;
}

// The MAD of the sorted w[0, n), n > 0. With m = n / 2 and med = w[m], it is the (m + 1)-th
// smallest deviation. The deviations below the median (med - w[j], j < m) and above it
// (w[j] - med, j > m) each grow away from the median, so the m + 1 smallest deviations are
// those of some run w[j, j + m] (which holds w[m]), and that run's largest deviation is
// max(med - w[j], w[j + m] - med): the MAD is the least of these over the runs. Each candidate
// is one of the deviations, computed as |v - med| would be (rounding is symmetric), so the
// result is exact.
[[gnu::always_inline]] inline double mad_of_sorted(const double* w, std::size_t n) noexcept {
  const std::size_t m = n / 2;
  const double med = w[m];
  double best = kInf;
  for (std::size_t j = 0; j + m < n; ++j)
    best = std::min(best, std::max(med - w[j], w[j + m] - med));
  return best;
}

}  // namespace

SortedWindow::SortedWindow(std::size_t capacity) : slots_(capacity + 2, kInf) { slots_[0] = -kInf; }

void SortedWindow::insert(double value) {
  if (!std::isfinite(value)) return;
  if (slots_.size() < size_ + 3) slots_.resize(2 * slots_.size() + 1, kInf);
  // Walk down from the end (the +inf slot), shifting larger values up by one.
  double* const w = slots_.data() + 1;
  std::size_t k = size_;
  while (w[k - 1] > value) {
    w[k] = w[k - 1];
    --k;
  }
  w[k] = value;
  ++size_;
}

void SortedWindow::erase(double value) {
  if (!std::isfinite(value)) return;
  double* const w = slots_.data() + 1;
  const std::size_t k = count_below(w, size_, value);
  std::copy(w + k + 1, w + size_ + 1, w + k);  // the +inf after the values moves down too
  --size_;
}

void SortedWindow::replace(double old_value, double new_value) {
  if (!std::isfinite(old_value) || !std::isfinite(new_value)) {
    erase(old_value);
    insert(new_value);
    return;
  }
  replace_sorted(slots_.data() + 1, size_, old_value, new_value);
}

double SortedWindow::median() const noexcept { return size_ == 0 ? kNaN : slots_[1 + size_ / 2]; }

double SortedWindow::mad() const noexcept {
  return size_ == 0 ? kNaN : mad_of_sorted(slots_.data() + 1, size_);
}

RollingMedian::RollingMedian(std::span<const double> values, std::size_t window, bool with_mad)
    : values_(values),
      half_(std::max<std::size_t>(window, 1) / 2),
      with_mad_(with_mad),
      window_(half_ < values.size() ? 2 * half_ + 1 : values.size()) {
  // The window of i is values[i - half, i + half]: it starts with values[0, half) in, and on
  // entering i, values[i + half] comes in and values[i - half - 1] goes out.
  for (std::size_t k = 0; k < std::min(values_.size(), half_); ++k) window_.insert(values_[k]);
}

std::size_t RollingMedian::next(std::span<double> median, std::span<double> mad) {
  const std::size_t n = values_.size();
  const std::size_t count = std::min(median.size(), n - next_);
  const std::size_t half = half_;
  SortedWindow& sorted = window_;
  for (std::size_t out = 0; out < count; ++out) {
    const std::size_t i = next_ + out;
    const bool enters = half < n - i;
    const bool leaves = i > half;
    if (enters && leaves) {
      const double old_value = values_[i - half - 1];
      const double new_value = values_[i + half];
      if (std::isfinite(old_value) && std::isfinite(new_value)) {
        replace_sorted(sorted.slots_.data() + 1, sorted.size_, old_value, new_value);
      } else {
        sorted.replace(old_value, new_value);
      }
    } else if (enters) {
      sorted.insert(values_[i + half]);
    } else if (leaves) {
      sorted.erase(values_[i - half - 1]);
    }
    const double* const w = sorted.slots_.data() + 1;
    const std::size_t size = sorted.size_;
    median[out] = size == 0 ? kNaN : w[size / 2];
    if (with_mad_) mad[out] = size == 0 ? kNaN : mad_of_sorted(w, size);
  }
  next_ += count;
  return count;
}

RollingMedian::Series RollingMedian::compute(std::span<const double> values, std::size_t window,
                                             bool with_mad) {
  Series out;
  out.median.resize(values.size());
  if (with_mad) out.mad.resize(values.size());
  RollingMedian(values, window, with_mad).next(out.median, out.mad);
  return out;
}

}  // namespace ktrdr::data
