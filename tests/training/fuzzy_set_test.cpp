// FuzzySet: membership values of each shape at its points, edges and outside, NaN, and every
// error create() and parse_shape() give.
#include "fuzzy_set.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

using namespace ktrdr;
using namespace ktrdr::training;
using Catch::Matchers::Contains;

namespace {

FuzzySet make(MembershipShape shape, std::vector<double> parameters) {
  return FuzzySet::create({"rsi", "zone", shape, std::move(parameters)}).value_or_throw();
}

Error create_error(MembershipShape shape, std::vector<double> parameters) {
  auto made = FuzzySet::create({"rsi", "oversold", shape, std::move(parameters)});
  REQUIRE_FALSE(made.ok());
  return made.error();
}

}  // namespace

TEST_CASE("a triangular set rises from a to b and falls from b to c", "[training][fuzzy]") {
  const FuzzySet set = make(MembershipShape::kTriangular, {0, 50, 100});
  CHECK(set.membership(-10) == 0.0);
  CHECK(set.membership(0) == 0.0);
  CHECK(set.membership(25) == Approx(0.5));
  CHECK(set.membership(50) == 1.0);
  CHECK(set.membership(75) == Approx(0.5));
  CHECK(set.membership(100) == 0.0);
  CHECK(set.membership(110) == 0.0);
}

TEST_CASE("a triangular set with a = b or b = c is a step at b", "[training][fuzzy]") {
  const FuzzySet left = make(MembershipShape::kTriangular, {0, 0, 30});
  CHECK(left.membership(-1) == 0.0);
  CHECK(left.membership(0) == 1.0);
  CHECK(left.membership(15) == Approx(0.5));
  CHECK(left.membership(30) == 0.0);
  const FuzzySet right = make(MembershipShape::kTriangular, {70, 100, 100});
  CHECK(right.membership(70) == 0.0);
  CHECK(right.membership(85) == Approx(0.5));
  CHECK(right.membership(100) == 1.0);
  CHECK(right.membership(101) == 0.0);
}

TEST_CASE("a trapezoidal set is 1 between b and c", "[training][fuzzy]") {
  const FuzzySet set = make(MembershipShape::kTrapezoidal, {0, 10, 20, 30});
  CHECK(set.membership(-1) == 0.0);
  CHECK(set.membership(0) == 0.0);
  CHECK(set.membership(5) == Approx(0.5));
  CHECK(set.membership(10) == 1.0);
  CHECK(set.membership(15) == 1.0);
  CHECK(set.membership(20) == 1.0);
  CHECK(set.membership(25) == Approx(0.5));
  CHECK(set.membership(30) == 0.0);
  CHECK(set.membership(31) == 0.0);
  const FuzzySet shoulders = make(MembershipShape::kTrapezoidal, {10, 10, 20, 20});
  CHECK(shoulders.membership(9.9) == 0.0);
  CHECK(shoulders.membership(10) == 1.0);
  CHECK(shoulders.membership(20) == 1.0);
  CHECK(shoulders.membership(20.1) == 0.0);
}

TEST_CASE("a gaussian set is exp(-z²/2)", "[training][fuzzy]") {
  const FuzzySet set = make(MembershipShape::kGaussian, {50, 10});
  CHECK(set.membership(50) == 1.0);
  CHECK(set.membership(60) == Approx(std::exp(-0.5)));
  CHECK(set.membership(40) == Approx(std::exp(-0.5)));
  CHECK(set.membership(30) == Approx(std::exp(-2.0)));
  CHECK(set.membership(1e6) == 0.0);
}

TEST_CASE("membership of NaN is NaN, of anything else within [0, 1]", "[training][fuzzy]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const FuzzySet& set : {make(MembershipShape::kTriangular, {0, 50, 100}),
                              make(MembershipShape::kTrapezoidal, {0, 10, 20, 30}),
                              make(MembershipShape::kGaussian, {0, 1})}) {
    CHECK(std::isnan(set.membership(nan)));
    const std::vector<double> in{-1e9, -1, 0, 0.5, 7, 50, 1e9, nan};
    const std::vector<double> out = set.apply(in);
    REQUIRE(out.size() == in.size());
    for (std::size_t i = 0; i + 1 < out.size(); ++i) {
      CHECK(out[i] == set.membership(in[i]));
      CHECK(out[i] >= 0.0);
      CHECK(out[i] <= 1.0);
    }
    CHECK(std::isnan(out.back()));
  }
}

TEST_CASE("a fuzzy set's feature is named <input>_<name>", "[training][fuzzy]") {
  const auto set =
      FuzzySet::create({"macd.signal", "high", MembershipShape::kGaussian, {0, 1}}).value();
  CHECK(set.feature_name() == "macd.signal_high");
  CHECK(set.spec().input == "macd.signal");
}

TEST_CASE("create() rejects the wrong number of parameters", "[training][fuzzy]") {
  const Error triangular = create_error(MembershipShape::kTriangular, {0, 1, 2, 3});
  CHECK(triangular.code == ErrorCode::kInvalidArgument);
  CHECK_THAT(triangular.message, Contains("rsi.oversold") && Contains("triangular takes 3"));
  CHECK(triangular.get("field") == "parameters");
  CHECK(triangular.get("value") == "rsi.oversold");
  CHECK_THAT(create_error(MembershipShape::kTrapezoidal, {0, 1, 2}).message,
             Contains("trapezoidal takes 4 parameters, got 3"));
  CHECK_THAT(create_error(MembershipShape::kGaussian, {0}).message,
             Contains("gaussian takes 2 parameters, got 1"));
  CHECK_THAT(create_error(MembershipShape::kTriangular, {}).message, Contains("got 0"));
}

TEST_CASE("create() rejects decreasing points and degenerate shapes", "[training][fuzzy]") {
  CHECK_THAT(create_error(MembershipShape::kTriangular, {0, 60, 50}).message,
             Contains("must not decrease"));
  CHECK_THAT(create_error(MembershipShape::kTrapezoidal, {0, 10, 5, 30}).message, Contains("<= d"));
  CHECK_THAT(create_error(MembershipShape::kTriangular, {5, 5, 5}).message,
             Contains("first and last points must differ"));
  CHECK_THAT(create_error(MembershipShape::kTrapezoidal, {1, 1, 1, 1}).message,
             Contains("first and last points must differ"));
}

TEST_CASE("create() rejects sigma <= 0 and non-finite parameters", "[training][fuzzy]") {
  CHECK_THAT(create_error(MembershipShape::kGaussian, {0, 0}).message, Contains("sigma"));
  CHECK_THAT(create_error(MembershipShape::kGaussian, {0, -1}).message, Contains("sigma"));
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CHECK_THAT(create_error(MembershipShape::kTriangular, {0, nan, 1}).message, Contains("finite"));
  CHECK_THAT(create_error(MembershipShape::kGaussian, {inf, 1}).message, Contains("finite"));
  CHECK_THAT(create_error(MembershipShape::kTrapezoidal, {-inf, 0, 1, 2}).message,
             Contains("finite"));
}

TEST_CASE("parse_shape() knows the three shapes and names an unknown one", "[training][fuzzy]") {
  CHECK(FuzzySet::parse_shape("triangular").value() == MembershipShape::kTriangular);
  CHECK(FuzzySet::parse_shape("trapezoidal").value() == MembershipShape::kTrapezoidal);
  CHECK(FuzzySet::parse_shape("gaussian").value() == MembershipShape::kGaussian);
  const auto unknown = FuzzySet::parse_shape("sigmoid");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::kInvalidArgument);
  CHECK_THAT(unknown.error().message, Contains("sigmoid") && Contains("triangular"));
  CHECK(unknown.error().get("value") == "sigmoid");
  CHECK_FALSE(FuzzySet::parse_shape("Triangular").ok());
}
