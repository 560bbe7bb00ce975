// ZigZagLabeler. Segment labels (KTRDR's): a worked example with what each label reads, a flat
// line, KTRDR's labels of real AAPL and EURUSD closes (reference/make_label_reference.py), and
// the bars each label reads checked by cutting the series there. First-touch labels: a V, a Λ,
// a flat line, moves of exactly the threshold, the first swing winning, the lookahead limit,
// the unlabelled tail. And the errors.
#include "zigzag_labeler.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <limits>
#include <random>
#include <string>

#include "ktrdr/sdk/csv_bar_store.hpp"

using namespace ktrdr;
using namespace ktrdr::training;
using Catch::Matchers::Contains;

namespace {

constexpr Label B = Label::kBuy;
constexpr Label H = Label::kHold;
constexpr Label S = Label::kSell;

// A first-touch labeler.
ZigZagLabeler labeler(double threshold, int lookahead) {
  return ZigZagLabeler::create({"zigzag", threshold, lookahead, LabelMethod::kFirstTouch})
      .value_or_throw();
}

ZigZagLabeler segment_labeler(double threshold) {
  return ZigZagLabeler::create({"zigzag", threshold, 20, LabelMethod::kSegments}).value_or_throw();
}

std::vector<Label> labels(const ZigZagLabeler& z, std::vector<double> closes) {
  return z.label(closes).value_or_throw().labels;
}

std::vector<double> random_walk(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> step(0.0, 0.01);
  std::vector<double> closes{100.0};
  while (closes.size() < n) closes.push_back(closes.back() * (1.0 + step(random)));
  return closes;
}

// The reference labels in reference/<dataset>_labels.txt, one character per bar.
std::string reference_labels(const std::string& dataset) {
  std::ifstream in(std::string(KTRDR_TRAINING_REFERENCE_DIR) + "/" + dataset + "_labels.txt");
  REQUIRE(in);
  std::string line;
  std::string out;
  while (std::getline(in, line)) {
    if (!line.empty() && line.front() != '#') out += line;
  }
  return out;
}

char letter(Label label) { return label == B ? 'B' : label == S ? 'S' : 'H'; }

}  // namespace

TEST_CASE("segment labels: each bar takes the direction of its ZigZag leg", "[training][labels]") {
  const auto z = segment_labeler(0.03);
  CHECK(z.method() == LabelMethod::kSegments);
  CHECK(z.labelled_count(10) == 10);
  // Extremes: bar 0 (100, fixed by the 3 % rise at bar 2), bar 4 (104, fixed by the 3.8 % fall
  // at bar 5), bar 8 (98, fixed by the 5.1 % rise at bar 9) and bar 9 (103, the last, never
  // fixed). The 1.9 % dip at bar 3 and the 2 % bounce at bar 7 are below the threshold.
  const BarLabels out = z.label(std::vector<double>{100, 101, 103, 102, 104, 100, 99, 101, 98, 103})
                            .value_or_throw();
  CHECK(out.labels == std::vector<Label>{H, B, B, B, H, S, S, S, H, H});
  CHECK(out.reads_to == std::vector<std::size_t>{2, 5, 5, 5, 5, 9, 9, 9, 9, 9});
}

TEST_CASE("segment labels: a flat line or a move below the threshold is all HOLD",
          "[training][labels]") {
  const auto z = segment_labeler(0.05);
  CHECK(labels(z, std::vector<double>(30, 42.0)) == std::vector<Label>(30, H));
  CHECK(labels(z, {100, 102, 104, 101, 97}) == std::vector<Label>(5, H));
  CHECK(labels(z, {}).empty());
  // Exactly the threshold counts: 100 → 105 is a leg, bar 1 on it.
  CHECK(labels(z, {100, 103, 105}) == std::vector<Label>{H, B, H});
}

TEST_CASE("segment labels match KTRDR's on AAPL 1h (2 %) and EURUSD 1h (0.5 %)",
          "[training][labels][parity]") {
  struct Reference {
    std::string symbol;
    double threshold;
  };
  const Reference kLabelReferences[] = {{"AAPL", 0.02}, {"EURUSD", 0.005}};
  for (const auto& [symbol, threshold] : kLabelReferences) {
    const std::string dataset = symbol + "_1h";
    INFO(dataset);
    const auto bars = CsvBarStore::read_file(std::string(KTRDR_SHARED_DATA_DIR) + "/" + dataset +
                                                 ".csv",
                                             symbol, Timeframe::k1h)
                          .value_or_throw();
    const std::vector<Label> out = labels(segment_labeler(threshold),
                                          {bars.closes().begin(), bars.closes().end()});
    std::string got;
    for (const Label label : out) got += letter(label);
    const std::string expected = reference_labels(dataset);
    REQUIRE(got.size() == expected.size());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < got.size(); ++i) differ += got[i] != expected[i] ? 1 : 0;
    CHECK(differ == 0);
    if (dataset == "AAPL_1h") {
      // The shares the issue measured with KTRDR: BUY 59 %, HOLD 4 %, SELL 37 %.
      const auto share = [&](char c) {
        return 100.0 * static_cast<double>(std::count(got.begin(), got.end(), c)) /
               static_cast<double>(got.size());
      };
      CHECK(share('B') == Approx(59).margin(1.5));
      CHECK(share('H') == Approx(4).margin(1.0));
      CHECK(share('S') == Approx(37).margin(1.5));
    }
  }
}

TEST_CASE("every label reads nothing after the bar it names", "[training][labels]") {
  const std::vector<double> closes = random_walk(400, 11);
  const std::vector<double> other = random_walk(400, 12);
  for (const ZigZagLabeler& z : {segment_labeler(0.02), labeler(0.02, 6)}) {
    const BarLabels full = z.label(closes).value_or_throw();
    std::size_t bounded = 0;
    for (std::size_t i = 0; i < full.labels.size(); ++i) {
      const std::size_t last = full.reads_to[i];
      REQUIRE(last >= i);
      REQUIRE(last < closes.size());
      if (last + 1 == closes.size()) continue;
      ++bounded;
      // Another future after the last bar the label reads leaves the label as it was.
      std::vector<double> changed = closes;
      for (std::size_t k = last + 1; k < changed.size(); ++k) {
        changed[k] = changed[k - 1] * other[k] / other[k - 1];
      }
      CHECK(z.label(changed).value_or_throw().labels[i] == full.labels[i]);
    }
    CHECK(bounded > full.labels.size() / 2);
  }
}

TEST_CASE("a V is SELL on the way down and BUY from near the bottom", "[training][labels]") {
  const auto z = labeler(0.03, 3);
  CHECK(labels(z, {110, 108, 106, 104, 102, 100, 102, 104, 106, 108, 110}) ==
        std::vector<Label>{S, S, S, S, H, B, B, B});
}

TEST_CASE("a Λ is BUY on the way up and SELL from near the top", "[training][labels]") {
  const auto z = labeler(0.03, 3);
  CHECK(labels(z, {100, 102, 104, 106, 108, 110, 108, 106, 104, 102, 100}) ==
        std::vector<Label>{B, B, B, B, H, S, S, S});
}

TEST_CASE("a flat line is all HOLD", "[training][labels]") {
  const auto z = labeler(0.01, 5);
  const std::vector<Label> out = labels(z, std::vector<double>(50, 42.0));
  CHECK(out == std::vector<Label>(45, H));
}

TEST_CASE("a move of exactly the threshold counts, a hair less does not", "[training][labels]") {
  const auto z = labeler(0.03, 1);
  CHECK(labels(z, {100, 103}) == std::vector<Label>{B});
  CHECK(labels(z, {100, 102.99}) == std::vector<Label>{H});
  CHECK(labels(z, {100, 97}) == std::vector<Label>{S});
  CHECK(labels(z, {100, 97.01}) == std::vector<Label>{H});
}

TEST_CASE("the first swing of the threshold decides", "[training][labels]") {
  const auto z = labeler(0.03, 2);
  // A dip smaller than the threshold, then a rise of it: BUY.
  CHECK(labels(z, {100, 97.5, 103.5}).front() == B);
  // A fall of the threshold first, then a bigger rise: SELL.
  CHECK(labels(z, {100, 96, 110}).front() == S);
  CHECK(labels(z, {100, 104, 90}).front() == B);
}

TEST_CASE("a swing beyond the lookahead is not seen", "[training][labels]") {
  const std::vector<double> closes{100, 100, 100, 104, 104};
  CHECK(labels(labeler(0.03, 2), closes) == std::vector<Label>{H, B, B});
  CHECK(labels(labeler(0.03, 3), closes) == std::vector<Label>{B, B});
}

TEST_CASE("the last lookahead bars get no label", "[training][labels]") {
  const auto z = labeler(0.03, 4);
  CHECK(z.lookahead() == 4);
  CHECK(z.threshold() == 0.03);
  CHECK(z.labelled_count(10) == 6);
  CHECK(z.labelled_count(4) == 0);
  CHECK(z.labelled_count(0) == 0);
  CHECK(labels(z, {100, 110, 120, 130}).empty());
  CHECK(labels(z, {}).empty());
  CHECK(labels(z, {100, 101, 102, 103, 200}).size() == 1);
}

TEST_CASE("a label reads nothing beyond lookahead bars ahead", "[training][labels]") {
  const std::vector<double> closes = random_walk(300, 7);
  const auto z = labeler(0.02, 6);
  const std::vector<Label> full = labels(z, closes);
  REQUIRE(full.size() == closes.size() - 6);
  std::size_t non_hold = 0;
  for (std::size_t i = 0; i < full.size(); ++i) {
    // The series cut right after bar i + lookahead labels bar i last, and the same way.
    const std::vector<double> cut(closes.begin(),
                                  closes.begin() + static_cast<std::ptrdiff_t>(i + 7));
    const std::vector<Label> truncated = labels(z, cut);
    REQUIRE(truncated.size() == i + 1);
    CHECK(truncated.back() == full[i]);
    if (full[i] != H) ++non_hold;
  }
  CHECK(non_hold > 0);
}

TEST_CASE("create() names the bad setting", "[training][labels]") {
  const auto bad = [](LabelSpec spec) {
    auto made = ZigZagLabeler::create(spec);
    REQUIRE_FALSE(made.ok());
    CHECK(made.error().code == ErrorCode::kInvalidArgument);
    return made.error();
  };
  CHECK(bad({"triple_barrier", 0.03, 20}).get("field") == "labels.source");
  CHECK(bad({"zigzag", 0.0, 20, LabelMethod::kFirstTouch}).get("field") ==
        "labels.zigzag_threshold");
  CHECK_THAT(bad({"triple_barrier", 0.03, 20}).message, Contains("triple_barrier"));
  CHECK(bad({"zigzag", 0.0, 20}).get("field") == "labels.zigzag_threshold");
  CHECK(bad({"zigzag", -0.1, 20}).get("field") == "labels.zigzag_threshold");
  CHECK(bad({"zigzag", std::numeric_limits<double>::quiet_NaN(), 20}).get("field") ==
        "labels.zigzag_threshold");
  CHECK(bad({"zigzag", 0.03, 0}).get("field") == "labels.label_lookahead");
  CHECK_THAT(bad({"zigzag", 0.03, -2}).message, Contains("label_lookahead") && Contains("-2"));
}

TEST_CASE("label() rejects a close that is not a positive number", "[training][labels]") {
  const auto z = labeler(0.03, 1);
  for (const double close : {0.0, -1.0, std::numeric_limits<double>::quiet_NaN()}) {
    const auto out = z.label(std::vector<double>{100, 101, close, 102});
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().get("field") == "close");
    CHECK(out.error().get("value") == "2");
    CHECK_THAT(out.error().message, Contains("bar 2"));
  }
}
