// SortedWindow: a sorted array between -inf and +inf sentinels, updated in place by one
// insertion-sort pass per step; the MAD as the narrowest run of size() / 2 + 1 consecutive sorted
// values that holds the median. RollingMedian: slide while the next window is near, else refill.
#include "rolling_median.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ktrdr::data {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// seek() slides the window over gaps up to this many values and refills it over longer ones
// (a refill costs about as much as this many steps for a window of 21).
constexpr std::size_t kMaxSlide = 8;

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
double mad_of_sorted(const double* w, std::size_t n) noexcept {
  const std::size_t m = n / 2;
  const double med = w[m];
  double best = kInf;
  for (std::size_t j = 0; j + m < n; ++j) {
    best = std::min(best, std::max(med - w[j], w[j + m] - med));
  }
  return best;
}

}  // namespace

SortedWindow::SortedWindow(std::size_t capacity) : slots_(capacity + 2, kInf) { slots_[0] = -kInf; }

void SortedWindow::reserve_slots(std::size_t count) {
  if (slots_.size() < count + 2) slots_.resize(std::max(count + 2, 2 * slots_.size()), kInf);
}

void SortedWindow::insert(double value) {
  if (!std::isfinite(value)) return;
  reserve_slots(size_ + 1);
  // Walk down from the end (the +inf slot), shifting larger values up by one.
  double* const w = slots_.data() + 1;
  std::size_t k = size_;
  while (w[k - 1] > value) {
    w[k] = w[k - 1];
    --k;
  }
  w[k] = value;
  ++size_;
  w[size_] = kInf;
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

void SortedWindow::assign(std::span<const double> values) {
  reserve_slots(values.size());
  double* const w = slots_.data() + 1;
  std::size_t n = 0;
  for (const double value : values) {
    if (std::isfinite(value)) w[n++] = value;
  }
  std::sort(w, w + n);
  w[n] = kInf;
  size_ = n;
}

double SortedWindow::median() const noexcept { return size_ == 0 ? kNaN : slots_[1 + size_ / 2]; }

double SortedWindow::mad() const noexcept {
  return size_ == 0 ? kNaN : mad_of_sorted(slots_.data() + 1, size_);
}

RollingMedian::RollingMedian(std::span<const double> values, std::size_t window)
    : values_(values),
      half_(std::max<std::size_t>(window, 1) / 2),
      centre_(values.size()),
      window_(half_ < values.size() ? 2 * half_ + 1 : values.size()) {}

void RollingMedian::step() {
  // On moving to i = centre_ + 1, values[i + half] comes in and values[i - half - 1] goes out.
  const std::size_t i = centre_ + 1;
  const std::size_t n = values_.size();
  const bool enters = half_ < n - i;
  const bool leaves = i > half_;
  if (enters && leaves) {
    const double old_value = values_[i - half_ - 1];
    const double new_value = values_[i + half_];
    if (std::isfinite(old_value) && std::isfinite(new_value)) {
      replace_sorted(window_.slots_.data() + 1, window_.size_, old_value, new_value);
    } else {
      window_.replace(old_value, new_value);
    }
  } else if (enters) {
    window_.insert(values_[i + half_]);
  } else if (leaves) {
    window_.erase(values_[i - half_ - 1]);
  }
  centre_ = i;
}

void RollingMedian::seek(std::size_t i) {
  if (centre_ < i && i - centre_ <= kMaxSlide) {
    while (centre_ < i) step();
    return;
  }
  if (centre_ == i) return;
  const std::size_t first = i >= half_ ? i - half_ : 0;
  const std::size_t last = std::min(values_.size() - 1, i + std::min(half_, values_.size()));
  window_.assign(values_.subspan(first, last - first + 1));
  centre_ = i;
}

RollingMedian::Series RollingMedian::compute(std::span<const double> values, std::size_t window,
                                             bool with_mad) {
  Series out;
  out.median.resize(values.size());
  if (with_mad) out.mad.resize(values.size());
  RollingMedian rolling(values, window);
  for (std::size_t i = 0; i < values.size(); ++i) {
    rolling.seek(i);
    out.median[i] = rolling.median();
    if (with_mad) out.mad[i] = rolling.mad();
  }
  return out;
}

}  // namespace ktrdr::data
