// ZigZagLabeler on hand-made series: a V, a Λ, a flat line, moves of exactly the threshold, the
// first swing winning, the lookahead limit, the unlabelled tail, and its errors.
#include "zigzag_labeler.hpp"

#include <catch2/catch.hpp>
#include <limits>
#include <random>

using namespace ktrdr;
using namespace ktrdr::training;
using Catch::Matchers::Contains;

namespace {

constexpr Label B = Label::kBuy;
constexpr Label H = Label::kHold;
constexpr Label S = Label::kSell;

ZigZagLabeler labeler(double threshold, int lookahead) {
  return ZigZagLabeler::create({"zigzag", threshold, lookahead}).value_or_throw();
}

std::vector<Label> labels(const ZigZagLabeler& z, std::vector<double> closes) {
  return z.label(closes).value_or_throw();
}

}  // namespace

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
  std::mt19937_64 random(7);
  std::normal_distribution<double> step(0.0, 0.01);
  std::vector<double> closes{100.0};
  for (int i = 1; i < 300; ++i) closes.push_back(closes.back() * (1.0 + step(random)));
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
