#include "indicators/rolling_deviation.hpp"

#include <algorithm>
#include <vector>

namespace ktrdr::training::indicators {
namespace {

// Counts and sums of the values in the window, indexed by the values' ranks.
class RankTree {
 public:
  explicit RankTree(std::size_t size) : count_(size + 1, 0), sum_(size + 1, 0.0L) {}

  void insert(std::size_t rank, double value) { update(rank, 1, value); }
  void erase(std::size_t rank, double value) { update(rank, -1, -value); }

  // How many values of rank < `end`, and their sum.
  std::pair<long, long double> below(std::size_t end) const {
    long count = 0;
    long double sum = 0.0L;
    for (std::size_t i = end; i > 0; i -= i & (~i + 1)) {
      count += count_[i];
      sum += sum_[i];
    }
    return {count, sum};
  }

 private:
  void update(std::size_t rank, long delta, long double value) {
    for (std::size_t i = rank + 1; i < count_.size(); i += i & (~i + 1)) {
      count_[i] += delta;
      sum_[i] += value;
    }
  }

  std::vector<long> count_;
  std::vector<long double> sum_;
};

}  // namespace

void rolling_mean_deviation(std::span<const double> x, std::size_t period,
                            std::span<double> centred, std::span<double> deviation,
                            const CancelPoll& poll) {
  if (period > x.size()) return;
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  const auto first_rank = [&](double v) {
    return static_cast<std::size_t>(std::lower_bound(sorted.begin(), sorted.end(), v) -
                                    sorted.begin());
  };
  const auto end_rank = [&](long double v) {
    return static_cast<std::size_t>(
        std::upper_bound(sorted.begin(), sorted.end(), v,
                         [](long double a, double b) { return a < b; }) -
        sorted.begin());
  };

  RankTree tree(sorted.size());
  long double window_sum = 0.0L;
  const long p = static_cast<long>(period);
  for (std::size_t i = 0; i < x.size(); ++i) {
    poll.at(i);
    tree.insert(first_rank(x[i]), x[i]);
    window_sum += x[i];
    if (i >= period) {
      tree.erase(first_rank(x[i - period]), x[i - period]);
      window_sum -= x[i - period];
    }
    if (i + 1 < period) continue;
    const long same = tree.below(end_rank(x[i])).first - tree.below(first_rank(x[i])).first;
    if (same == p) {
      centred[i] = 0.0;
      deviation[i] = 0.0;
      continue;
    }
    const long double mean = window_sum / static_cast<long double>(p);
    const auto [count_le, sum_le] = tree.below(end_rank(mean));
    const long double above = (window_sum - sum_le) - mean * static_cast<long double>(p - count_le);
    const long double below = mean * static_cast<long double>(count_le) - sum_le;
    centred[i] = static_cast<double>(x[i] - mean);
    deviation[i] =
        static_cast<double>(std::max(0.0L, (above + below) / static_cast<long double>(p)));
  }
}

}  // namespace ktrdr::training::indicators
