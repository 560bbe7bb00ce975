// split_chronologically and take_rows: sizes by the fractions, no overlap, strictly ordered
// split times (so a timestamp feature never leaks), timestamps kept whole across symbols, the
// deterministic train shuffle, and the errors.
#include "data_splitter.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <set>

using namespace ktrdr;
using namespace ktrdr::training;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

const std::chrono::sys_seconds kStart{std::chrono::sys_days{std::chrono::year{2024} / 1 / 1}};

// Rows at the given hours from kStart, for `symbols` symbols each (skipping none), in time
// order; the one feature is the hour, the label the symbol, and each label reads its own bar
// only (nothing to purge).
FeatureMatrix rows_at(const std::vector<int>& hours, int symbols = 1) {
  FeatureMatrix m;
  m.feature_names = {"hour"};
  for (int s = 0; s < symbols; ++s) m.symbols.push_back("S" + std::to_string(s));
  for (const int h : hours) {
    for (int s = 0; s < symbols; ++s) {
      m.timestamps.push_back(kStart + std::chrono::hours(h));
      m.values.push_back(static_cast<float>(h));
      m.labels.push_back(s % 3);
      m.label_ends.push_back(m.timestamps.back());
      m.symbol_index.push_back(s);
    }
  }
  return m;
}

std::vector<int> hours(int n) {
  std::vector<int> out(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) out[static_cast<std::size_t>(i)] = i;
  return out;
}

// Checks the split covers every row once and that train < validation < test in time and in
// the timestamp-encoding feature.
void check_chronological(const FeatureMatrix& m, const SplitIndices& split) {
  std::set<std::size_t> seen;
  for (const auto* part : {&split.train, &split.validation, &split.test}) {
    for (const std::size_t r : *part) CHECK(seen.insert(r).second);
  }
  CHECK(seen.size() == m.rows());
  const auto range = [&](const std::vector<std::size_t>& part) {
    float lo = std::numeric_limits<float>::max();
    float hi = std::numeric_limits<float>::lowest();
    for (const std::size_t r : part) {
      lo = std::min(lo, m.row(r)[0]);
      hi = std::max(hi, m.row(r)[0]);
    }
    return std::pair{lo, hi};
  };
  const auto times = [&](const std::vector<std::size_t>& part) {
    std::vector<std::chrono::sys_seconds> out;
    for (const std::size_t r : part) out.push_back(m.timestamps[r]);
    return out;
  };
  const auto train = times(split.train);
  const auto validation = times(split.validation);
  const auto test = times(split.test);
  if (!train.empty() && !validation.empty()) {
    CHECK(*std::max_element(train.begin(), train.end()) <
          *std::min_element(validation.begin(), validation.end()));
    CHECK(range(split.train).second < range(split.validation).first);
  }
  if (!validation.empty() && !test.empty()) {
    CHECK(*std::max_element(validation.begin(), validation.end()) <
          *std::min_element(test.begin(), test.end()));
    CHECK(range(split.validation).second < range(split.test).first);
  }
  if (!train.empty() && !test.empty()) {
    CHECK(*std::max_element(train.begin(), train.end()) <
          *std::min_element(test.begin(), test.end()));
  }
}

}  // namespace

TEST_CASE("one symbol splits exactly by the fractions, in time order", "[training][split]") {
  const FeatureMatrix m = rows_at(hours(1000));
  const SplitIndices split = split_chronologically(m, {0.7, 0.15, 0.15}, std::nullopt).value();
  CHECK(split.train.size() == 700);
  CHECK(split.validation.size() == 150);
  CHECK(split.test.size() == 150);
  check_chronological(m, split);
  CHECK(std::is_sorted(split.train.begin(), split.train.end()));
  CHECK(split.train.back() == 699);
  CHECK(split.validation.front() == 700);
  CHECK(split.test.front() == 850);
}

TEST_CASE("rows of one timestamp stay in one split", "[training][split]") {
  // Three symbols at 101 hours (303 rows); the cuts at rows 212 and 258 fall inside hours 70
  // and 86, which go to the later split.
  const FeatureMatrix m = rows_at(hours(101), 3);
  const SplitIndices split = split_chronologically(m, {0.7, 0.15, 0.15}, std::nullopt).value();
  check_chronological(m, split);
  CHECK(split.train.size() == 210);      // hour 70 moves to validation
  CHECK(split.validation.size() == 48);  // hours 70 … 85
  CHECK(split.test.size() == 45);        // hours 86 … 100
  for (const auto* part : {&split.train, &split.validation, &split.test}) {
    std::set<std::chrono::sys_seconds> times;
    for (const std::size_t r : *part) times.insert(m.timestamps[r]);
    CHECK(times.size() * 3 == part->size());
  }
}

TEST_CASE("fractions hold within one timestamp's rows for uneven symbols", "[training][split]") {
  // Symbol rows missing at some hours: 2 or 3 rows per hour.
  FeatureMatrix m = rows_at(hours(400), 3);
  FeatureMatrix thinned;
  thinned.feature_names = m.feature_names;
  thinned.symbols = m.symbols;
  for (std::size_t r = 0; r < m.rows(); ++r) {
    if (r % 7 == 3) continue;
    thinned.timestamps.push_back(m.timestamps[r]);
    thinned.values.push_back(m.values[r]);
    thinned.labels.push_back(m.labels[r]);
    thinned.label_ends.push_back(m.label_ends[r]);
    thinned.symbol_index.push_back(m.symbol_index[r]);
  }
  const double n = static_cast<double>(thinned.rows());
  const SplitIndices split =
      split_chronologically(thinned, {0.6, 0.25, 0.15}, std::nullopt).value();
  check_chronological(thinned, split);
  CHECK(std::abs(static_cast<double>(split.train.size()) - 0.6 * n) < 3.5);
  CHECK(std::abs(static_cast<double>(split.train.size() + split.validation.size()) - 0.85 * n) <
        3.5);
}

TEST_CASE("rows need not come in time order", "[training][split]") {
  const FeatureMatrix ordered = rows_at(hours(20));
  std::vector<std::size_t> reversed(ordered.rows());
  for (std::size_t i = 0; i < reversed.size(); ++i) reversed[i] = reversed.size() - 1 - i;
  const FeatureMatrix m = take_rows(ordered, reversed);
  const SplitIndices split = split_chronologically(m, {0.5, 0.25, 0.25}, std::nullopt).value();
  check_chronological(m, split);
  CHECK(split.train == std::vector<std::size_t>{19, 18, 17, 16, 15, 14, 13, 12, 11, 10});
  CHECK(split.test.size() == 5);
}

TEST_CASE("the train shuffle is seeded, deterministic and stays inside train",
          "[training][split]") {
  const FeatureMatrix m = rows_at(hours(200));
  const DataSplit fractions{0.7, 0.15, 0.15};
  const SplitIndices plain = split_chronologically(m, fractions, std::nullopt).value();
  const SplitIndices a = split_chronologically(m, fractions, 42).value();
  const SplitIndices b = split_chronologically(m, fractions, 42).value();
  const SplitIndices c = split_chronologically(m, fractions, 43).value();
  CHECK(a.train == b.train);
  CHECK(a.train != c.train);
  CHECK(a.train != plain.train);
  CHECK(a.validation == plain.validation);
  CHECK(a.test == plain.test);
  std::vector<std::size_t> sorted = a.train;
  std::sort(sorted.begin(), sorted.end());
  CHECK(sorted == plain.train);
  check_chronological(m, a);

  // The order is fixed by the algorithm (Fisher–Yates over raw mt19937_64 output), not by the
  // standard library: the same on every platform.
  const FeatureMatrix small = rows_at(hours(10));
  CHECK(split_chronologically(small, {1.0, 0.0, 0.0}, 7).value().train ==
        std::vector<std::size_t>{0, 7, 4, 9, 3, 1, 2, 8, 6, 5});
}

TEST_CASE("edge fractions and empty input", "[training][split]") {
  const FeatureMatrix m = rows_at(hours(10));
  const SplitIndices all = split_chronologically(m, {1.0, 0.0, 0.0}, std::nullopt).value();
  CHECK(all.train.size() == 10);
  CHECK(all.validation.empty());
  CHECK(all.test.empty());
  const SplitIndices no_validation = split_chronologically(m, {0.8, 0.0, 0.2}, 1).value();
  CHECK(no_validation.train.size() == 8);
  CHECK(no_validation.validation.empty());
  CHECK(no_validation.test == std::vector<std::size_t>{8, 9});
  const SplitIndices empty = split_chronologically(FeatureMatrix{}, {0.7, 0.15, 0.15}, 1).value();
  CHECK(empty.train.empty());
  CHECK(empty.validation.empty());
  CHECK(empty.test.empty());
}

TEST_CASE("split_chronologically names a bad fraction", "[training][split]") {
  const FeatureMatrix m = rows_at(hours(10));
  const auto bad = [&](DataSplit fractions) {
    auto out = split_chronologically(m, fractions, std::nullopt);
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code == ErrorCode::kInvalidArgument);
    return out.error();
  };
  CHECK(bad({-0.1, 0.6, 0.5}).get("field") == "split.train");
  CHECK(bad({0.5, 1.5, -1.0}).get("field") == "split.validation");
  CHECK(bad({0.5, 0.25, std::numeric_limits<double>::quiet_NaN()}).get("field") == "split.test");
  CHECK_THAT(bad({0.5, 0.25, 0.2}).message, Contains("must be 1"));
  const Error empty_train = bad({0.0, 0.5, 0.5});
  CHECK(empty_train.get("field") == "split.train");
  CHECK_THAT(empty_train.message, Contains("train split is empty"));
  // A cut inside the first timestamp empties train too.
  const auto crowded = split_chronologically(rows_at(hours(2), 10), {0.3, 0.2, 0.5}, std::nullopt);
  REQUIRE_FALSE(crowded.ok());
  CHECK_THAT(crowded.error().message, Contains("train split is empty"));
}

TEST_CASE("take_rows copies the rows in the order given", "[training][split]") {
  const FeatureMatrix m = rows_at(hours(5), 2);
  const std::vector<std::size_t> picked{7, 0, 3};
  const FeatureMatrix out = take_rows(m, picked);
  CHECK(out.feature_names == m.feature_names);
  CHECK(out.symbols == m.symbols);
  CHECK(out.values == std::vector<float>{3, 0, 1});
  CHECK(out.symbol_index == std::vector<std::int32_t>{1, 0, 1});
  CHECK(out.labels == std::vector<std::int64_t>{1, 0, 1});
  CHECK(out.timestamps == std::vector<std::chrono::sys_seconds>{kStart + 3h, kStart, kStart + 1h});
}

TEST_CASE("rows whose labels read the next split's bars are purged", "[training][split]") {
  // 100 hourly rows; every label reads 5 bars ahead: the last 5 train rows read validation
  // bars, the last 5 validation rows read test bars.
  FeatureMatrix m = rows_at(hours(100));
  for (std::size_t r = 0; r < m.rows(); ++r) m.label_ends[r] = m.timestamps[r] + std::chrono::hours(5);
  const SplitIndices split = split_chronologically(m, {0.7, 0.15, 0.15}, std::nullopt).value();
  CHECK(split.purged_train == 5);
  CHECK(split.purged_validation == 5);
  CHECK(split.train.size() == 65);
  CHECK(split.validation.size() == 10);
  CHECK(split.test.size() == 15);
  const auto validation_from = m.timestamps[split.validation.front()] - std::chrono::hours(5);
  for (const std::size_t r : split.train) CHECK(m.label_ends[r] < m.timestamps[70]);
  for (const std::size_t r : split.validation) CHECK(m.label_ends[r] < m.timestamps[85]);
  CHECK(validation_from == m.timestamps[65]);
  // A label reading exactly the first bar of the next split is purged too.
  m.label_ends.assign(m.rows(), m.timestamps.front());
  m.label_ends[69] = m.timestamps[70];
  m.label_ends[68] = m.timestamps[69];
  const SplitIndices edge = split_chronologically(m, {0.7, 0.15, 0.15}, std::nullopt).value();
  CHECK(edge.purged_train == 1);
  CHECK(edge.train.size() == 69);
}

TEST_CASE("without a validation split train rows are purged against the test split",
          "[training][split]") {
  FeatureMatrix m = rows_at(hours(50));
  for (std::size_t r = 0; r < m.rows(); ++r) m.label_ends[r] = m.timestamps[r] + std::chrono::hours(3);
  const SplitIndices split = split_chronologically(m, {0.8, 0.0, 0.2}, std::nullopt).value();
  CHECK(split.validation.empty());
  CHECK(split.purged_train == 3);
  CHECK(split.purged_validation == 0);
  CHECK(split.train.size() == 37);
  CHECK(split.test.size() == 10);
}

TEST_CASE("a purge that empties the train split says so", "[training][split]") {
  FeatureMatrix m = rows_at(hours(10));
  m.label_ends.assign(m.rows(), m.timestamps.back());
  const auto split = split_chronologically(m, {0.5, 0.0, 0.5}, std::nullopt);
  REQUIRE_FALSE(split.ok());
  CHECK_THAT(split.error().message, Contains("5 train rows purged"));
}

TEST_CASE("rows without label ends cannot be split", "[training][split]") {
  FeatureMatrix m = rows_at(hours(10));
  m.label_ends.clear();
  const auto split = split_chronologically(m, {0.5, 0.0, 0.5}, std::nullopt);
  REQUIRE_FALSE(split.ok());
  CHECK(split.error().get("field") == "label_ends");
}
