#include "indicators/moving_average.hpp"

#include <cmath>

namespace ktrdr::training::indicators {
namespace {

// A sum that values enter and leave, with Neumaier compensation; it counts its non-zero
// values so that a window of zeros sums to exactly 0 whatever rounding came before.
class RollingSum {
 public:
  void add(double x) {
    accumulate(x);
    if (x != 0.0) ++nonzero_;
  }
  void remove(double x) {
    accumulate(-x);
    if (x != 0.0) --nonzero_;
  }
  double value() const noexcept { return nonzero_ == 0 ? 0.0 : sum_ + compensation_; }

 private:
  void accumulate(double x) {
    const double t = sum_ + x;
    compensation_ += std::abs(sum_) >= std::abs(x) ? (sum_ - t) + x : (x - t) + sum_;
    sum_ = t;
  }

  double sum_ = 0.0;
  double compensation_ = 0.0;
  std::size_t nonzero_ = 0;
};

// The recursive average avg += alpha · (x − avg), seeded with the SMA of the first `period`
// values.
void seeded_average(std::span<const double> x, std::size_t first, std::size_t period, double alpha,
                    std::span<double> out, const CancelPoll& poll) {
  const std::size_t seed = first + period - 1;
  if (seed >= x.size()) return;
  simple_moving_average(x.first(seed + 1), first, period, out, poll);
  double avg = out[seed];
  for (std::size_t i = seed + 1; i < x.size(); ++i) {
    poll.at(i);
    avg += alpha * (x[i] - avg);
    out[i] = avg;
  }
}

}  // namespace

void simple_moving_average(std::span<const double> x, std::size_t first, std::size_t period,
                           std::span<double> out, const CancelPoll& poll) {
  RollingSum sum;
  const double n = static_cast<double>(period);
  for (std::size_t i = first; i < x.size(); ++i) {
    poll.at(i);
    sum.add(x[i]);
    if (i >= first + period) sum.remove(x[i - period]);
    if (i + 1 >= first + period) out[i] = sum.value() / n;
  }
}

void running_sum(std::span<const double> x, std::size_t first, std::span<double> out,
                 const CancelPoll& poll) {
  RollingSum sum;
  for (std::size_t i = first; i < x.size(); ++i) {
    poll.at(i);
    sum.add(x[i]);
    out[i] = sum.value();
  }
}

void exponential_moving_average(std::span<const double> x, std::size_t first, std::size_t period,
                                std::span<double> out, const CancelPoll& poll) {
  seeded_average(x, first, period, 2.0 / (static_cast<double>(period) + 1.0), out, poll);
}

void wilder_average(std::span<const double> x, std::size_t first, std::size_t period,
                    std::span<double> out, const CancelPoll& poll) {
  seeded_average(x, first, period, 1.0 / static_cast<double>(period), out, poll);
}

void exponential_moving_average_from_first(std::span<const double> x, std::size_t first,
                                           std::size_t period, std::span<double> out,
                                           const CancelPoll& poll) {
  seeded_average(x, first, 1, 2.0 / (static_cast<double>(period) + 1.0), out, poll);
}

void adjusted_exponential_moving_average(std::span<const double> x, std::size_t first,
                                         std::size_t period, std::span<double> out,
                                         const CancelPoll& poll) {
  const double decay = 1.0 - 2.0 / (static_cast<double>(period) + 1.0);
  double weighted = 0.0;
  double weights = 0.0;
  for (std::size_t i = first; i < x.size(); ++i) {
    poll.at(i);
    weighted = x[i] + decay * weighted;
    weights = 1.0 + decay * weights;
    out[i] = weighted / weights;
  }
}

}  // namespace ktrdr::training::indicators
