// class_weight_values: none, given and balanced weights, and classes absent from the labels.
#include "class_weights.hpp"

#include <catch2/catch.hpp>
#include <vector>

using namespace ktrdr::training;

TEST_CASE("class weights: none is 1 each, given is as given", "[training][class_weights]") {
  const std::vector<std::int64_t> labels{0, 0, 1, 2};
  CHECK(class_weight_values({}, labels) == std::array<double, 3>{1, 1, 1});
  const ClassWeights given{ClassWeighting::kGiven, {2.0, 0.5, 1.0}};
  CHECK(class_weight_values(given, labels) == std::array<double, 3>{2.0, 0.5, 1.0});
}

TEST_CASE("balanced weights make every present class weigh the same", "[training][class_weights]") {
  // 6 BUY, 3 HOLD, 1 SELL: n / (3 · count).
  std::vector<std::int64_t> labels(6, 0);
  labels.insert(labels.end(), 3, 1);
  labels.push_back(2);
  const auto w = class_weight_values({ClassWeighting::kBalanced, {}}, labels);
  CHECK(w[0] == Approx(10.0 / 18.0));
  CHECK(w[1] == Approx(10.0 / 9.0));
  CHECK(w[2] == Approx(10.0 / 3.0));
  // Each class's total weight is a third of the rows.
  CHECK(6 * w[0] == Approx(10.0 / 3.0));
  CHECK(6 * w[0] == Approx(3 * w[1]));
  CHECK(3 * w[1] == Approx(1 * w[2]));
}

TEST_CASE("balanced weights give an absent class 0", "[training][class_weights]") {
  const auto w = class_weight_values({ClassWeighting::kBalanced, {}},
                                     std::vector<std::int64_t>{0, 0, 2});
  CHECK(w[0] == Approx(0.5));
  CHECK(w[1] == 0.0);
  CHECK(w[2] == Approx(1.0));
  CHECK(class_weight_values({ClassWeighting::kBalanced, {}}, {}) ==
        std::array<double, 3>{0, 0, 0});
}
