#include "rolling_median.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <limits>
#include <random>
#include <vector>

using namespace ktrdr::data;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// The definition, naively: the finite values of the window, their median by std::nth_element
// (the element at size / 2), then the median of the |v - median| the same way.
struct Naive {
  double median;
  double mad;
};

double nth_median(std::vector<double>& values) {
  if (values.empty()) return kNaN;
  const auto mid = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), mid, values.end());
  return *mid;
}

Naive naive_at(const std::vector<double>& values, std::size_t window, std::size_t i) {
  const std::size_t half = std::max<std::size_t>(window, 1) / 2;
  const std::size_t lo = i >= half ? i - half : 0;
  const std::size_t hi = std::min(values.size(), i + half + 1);
  std::vector<double> finite;
  for (std::size_t k = lo; k < hi; ++k) {
    if (std::isfinite(values[k])) finite.push_back(values[k]);
  }
  const double median = nth_median(finite);
  for (double& v : finite) v = std::abs(v - median);
  return {median, nth_median(finite)};
}

// Equal values, or both NaN.
bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

// Random series of a few kinds: continuous prices, heavy ties, and either with NaN and ±inf.
std::vector<double> random_values(std::mt19937_64& rng, std::size_t n, int kind) {
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> values(n);
  double price = 1.1;
  for (double& v : values) {
    switch (kind % 3) {
      case 0:  // a random walk
        price += (unit(rng) - 0.5) * 0.001;
        v = price;
        break;
      case 1:  // small integers: many equal values
        v = std::floor(unit(rng) * 6.0);
        break;
      default:  // signed, spread out
        v = (unit(rng) - 0.5) * 1e6;
        break;
    }
    if (kind >= 3) {
      const double r = unit(rng);
      if (r < 0.10) {
        v = kNaN;
      } else if (r < 0.13) {
        v = kInf;
      } else if (r < 0.15) {
        v = -kInf;
      }
    }
  }
  return values;
}

void require_matches_naive(const std::vector<double>& values, std::size_t window) {
  const RollingMedian::Series all = RollingMedian::compute(values, window, /*with_mad=*/true);
  REQUIRE(all.median.size() == values.size());
  REQUIRE(all.mad.size() == values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const Naive expected = naive_at(values, window, i);
    INFO("window " << window << ", i " << i << " of " << values.size());
    REQUIRE(same(all.median[i], expected.median));
    REQUIRE(same(all.mad[i], expected.mad));
  }
}

}  // namespace

TEST_CASE("RollingMedian::compute gives nth_element's median and MAD for every window",
          "[data][rolling]") {
  std::mt19937_64 rng(7);
  const std::size_t windows[] = {0, 1, 2, 3, 4, 5, 20, 21, 22, 61};
  const std::size_t sizes[] = {0, 1, 2, 3, 10, 21, 22, 500};
  for (int kind = 0; kind < 6; ++kind) {
    for (const std::size_t n : sizes) {
      const std::vector<double> values = random_values(rng, n, kind);
      for (const std::size_t window : windows) require_matches_naive(values, window);
      // A window wider than the series: every window is clipped at both ends.
      require_matches_naive(values, 2 * n + 3);
    }
  }
}

TEST_CASE("windows are clipped at the ends and the upper median is taken", "[data][rolling]") {
  const std::vector<double> values{5, 1, 4, 2, 3};
  const RollingMedian::Series all = RollingMedian::compute(values, 3, /*with_mad=*/true);
  // {5,1} {5,1,4} {1,4,2} {4,2,3} {2,3}
  CHECK(all.median == std::vector<double>{5, 4, 2, 3, 3});
  // |v - median|: {0,4} {1,3,0} {1,2,0} {1,1,0} {1,0}
  CHECK(all.mad == std::vector<double>{4, 1, 1, 1, 1});
  // Without the MAD, only medians.
  const RollingMedian::Series medians = RollingMedian::compute(values, 3, /*with_mad=*/false);
  CHECK(medians.median == all.median);
  CHECK(medians.mad.empty());
}

TEST_CASE("non-finite values do not count; a window without finite values is NaN",
          "[data][rolling]") {
  const std::vector<double> values{kNaN, kNaN, kNaN, 2.0, kInf, -kInf, 1.0, kNaN, kNaN, kNaN};
  const RollingMedian::Series all = RollingMedian::compute(values, 3, /*with_mad=*/true);
  CHECK(std::isnan(all.median[0]));  // {NaN, NaN}
  CHECK(std::isnan(all.mad[1]));     // {NaN, NaN, NaN}
  CHECK(all.median[2] == 2.0);       // {NaN, NaN, 2}
  CHECK(all.median[4] == 2.0);       // {2, inf, -inf}
  CHECK(all.mad[4] == 0.0);
  CHECK(all.median[5] == 1.0);  // {inf, -inf, 1}
  CHECK(std::isnan(all.median[8]));
  CHECK(std::isnan(all.mad[9]));
}

TEST_CASE("seek gives each window's statistics in any order", "[data][rolling]") {
  std::mt19937_64 rng(11);
  for (int kind = 0; kind < 6; ++kind) {
    const std::vector<double> values = random_values(rng, 2000, kind);
    for (const std::size_t window : {std::size_t{5}, std::size_t{21}, std::size_t{22}}) {
      RollingMedian rolling(values, window);
      CHECK(std::isnan(rolling.median()));  // no window yet
      std::size_t i = 0;
      for (int probe = 0; probe < 3000; ++probe) {
        // Mostly short hops forward (slides), some long ones and some back (refills).
        const auto jump = static_cast<std::size_t>(rng() % 100);
        if (jump < 70) {
          i = std::min(values.size() - 1, i + jump % 10);
        } else if (jump < 90) {
          i = std::min(values.size() - 1, i + jump * 3);
        } else {
          i = static_cast<std::size_t>(rng() % values.size());
        }
        rolling.seek(i);
        const Naive expected = naive_at(values, window, i);
        INFO("kind " << kind << ", window " << window << ", i " << i);
        REQUIRE(same(rolling.median(), expected.median));
        REQUIRE(same(rolling.mad(), expected.mad));
      }
    }
  }
}

TEST_CASE("SortedWindow stays sorted through inserts, erases, replaces and assigns",
          "[data][rolling]") {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  auto draw = [&] {
    const double r = unit(rng);
    if (r < 0.05) return kNaN;
    if (r < 0.07) return kInf;
    return std::floor(unit(rng) * 20.0) - 5.0;  // ties and negatives
  };
  SortedWindow window(2);        // grows past its first capacity
  std::vector<double> expected;  // the finite values, sorted
  auto remove_one = [&](double v) {
    if (!std::isfinite(v)) return;
    expected.erase(std::find(expected.begin(), expected.end(), v));
  };
  auto add_one = [&](double v) {
    if (!std::isfinite(v)) return;
    expected.insert(std::upper_bound(expected.begin(), expected.end(), v), v);
  };
  for (int op = 0; op < 20000; ++op) {
    const auto choice = rng() % 10;
    if (choice < 4 || expected.empty()) {
      const double v = draw();
      window.insert(v);
      add_one(v);
    } else if (choice < 6) {
      const double v = expected[static_cast<std::size_t>(rng() % expected.size())];
      window.erase(v);
      remove_one(v);
      window.erase(kNaN);  // ignored
    } else if (choice < 9) {
      const double old_value = expected[static_cast<std::size_t>(rng() % expected.size())];
      const double new_value = draw();
      window.replace(old_value, new_value);
      remove_one(old_value);
      add_one(new_value);
    } else {
      std::vector<double> fresh(static_cast<std::size_t>(rng() % 30));
      for (double& v : fresh) v = draw();
      window.assign(fresh);
      expected.clear();
      for (const double v : fresh) add_one(v);
    }
    REQUIRE(window.size() == expected.size());
    REQUIRE(std::equal(window.values().begin(), window.values().end(), expected.begin()));
    std::vector<double> copy = expected;
    const double median = nth_median(copy);
    REQUIRE(same(window.median(), median));
    for (double& v : copy) v = std::abs(v - median);
    REQUIRE(same(window.mad(), nth_median(copy)));
  }
}
