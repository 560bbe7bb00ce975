// constant_features and its warning: which columns keep one value over the rows, and what the
// warning names.
#include "constant_features.hpp"

#include <catch2/catch.hpp>

using namespace ktrdr::training;
using Catch::Matchers::Contains;

namespace {

FeatureMatrix matrix(std::vector<std::string> names, std::vector<float> values) {
  FeatureMatrix m;
  m.feature_names = std::move(names);
  m.values = std::move(values);
  const std::size_t rows = m.values.size() / m.feature_names.size();
  m.timestamps.resize(rows);
  m.labels.resize(rows);
  m.symbol_index.resize(rows);
  return m;
}

}  // namespace

TEST_CASE("constant_features finds the columns with one value over every row",
          "[training][features]") {
  const FeatureMatrix m = matrix({"a_low", "b_mid", "c_high"}, {0, 0.5f, 1,  //
                                                               0, 0.7f, 1,  //
                                                               0, 0.5f, 1});
  const auto constant = constant_features(m);
  REQUIRE(constant.size() == 2);
  CHECK(constant[0].name == "a_low");
  CHECK(constant[0].value == 0.0);
  CHECK(constant[1].name == "c_high");
  CHECK(constant[1].value == 1.0);
  CHECK(constant_features(matrix({"a"}, {})).empty());

  const auto warning = constant_features_warning(constant, 3, 3, "training");
  REQUIRE(warning);
  CHECK_THAT(*warning, Contains("2 of 3 features are constant over the 3 training rows") &&
                           Contains("a_low = 0") && Contains("c_high = 1"));
  CHECK_FALSE(constant_features_warning({}, 3, 3, "training"));
}

TEST_CASE("the warning names ten columns and counts the rest", "[training][features]") {
  std::vector<ConstantFeature> many;
  for (int i = 0; i < 13; ++i) many.push_back({"f" + std::to_string(i), 0.0});
  const std::string warning = constant_features_warning(many, 20, 100, "exported").value();
  CHECK_THAT(warning, Contains("f9 = 0 and 3 more") && Contains("100 exported rows"));
  CHECK(warning.find("f10") == std::string::npos);
}
