// classification_metrics: hand-computed confusion matrices, precision / recall / F1, zero
// denominators, errors and JSON.
#include "classification_metrics.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

using ktrdr::ErrorCode;
using ktrdr::training::ClassificationMetrics;
using ktrdr::training::compute_classification_metrics;

namespace {

ClassificationMetrics metrics_of(const std::vector<std::int64_t>& predictions,
                                 const std::vector<std::int64_t>& labels) {
  auto metrics = compute_classification_metrics(predictions, labels);
  REQUIRE(metrics.ok());
  return *metrics;
}

}  // namespace

TEST_CASE("classification metrics: a case worked by hand", "[training][metrics]") {
  // actual 0 → predicted 0, 0, 1, 2; actual 1 → 1, 1; actual 2 → 1.
  const ClassificationMetrics m = metrics_of({0, 0, 1, 2, 1, 1, 1}, {0, 0, 0, 0, 1, 1, 2});
  CHECK(m.samples == 7);
  CHECK(m.confusion[0] == std::array<std::int64_t, 3>{2, 1, 1});
  CHECK(m.confusion[1] == std::array<std::int64_t, 3>{0, 2, 0});
  CHECK(m.confusion[2] == std::array<std::int64_t, 3>{0, 1, 0});
  CHECK(m.accuracy == Approx(4.0 / 7.0));
  // BUY: 2 of 2 predicted right (P 1), 2 of 4 found (R 0.5), F1 2·0.5/1.5.
  CHECK(m.per_class[0].precision == Approx(1.0));
  CHECK(m.per_class[0].recall == Approx(0.5));
  CHECK(m.per_class[0].f1 == Approx(2.0 / 3.0));
  CHECK(m.per_class[0].support == 4);
  // HOLD: 2 of 4 predictions right (P 0.5), both HOLD rows found (R 1).
  CHECK(m.per_class[1].precision == Approx(0.5));
  CHECK(m.per_class[1].recall == Approx(1.0));
  CHECK(m.per_class[1].f1 == Approx(2.0 / 3.0));
  CHECK(m.per_class[1].support == 2);
  // SELL: never predicted, its one row missed.
  CHECK(m.per_class[2].precision == 0.0);
  CHECK(m.per_class[2].recall == 0.0);
  CHECK(m.per_class[2].f1 == 0.0);
  CHECK(m.per_class[2].support == 1);
  CHECK(m.macro_f1 == Approx(4.0 / 9.0));
}

TEST_CASE("classification metrics: a second hand-computed case", "[training][metrics]") {
  const ClassificationMetrics m =
      metrics_of({0, 1, 0, 1, 2, 2, 2, 0, 2, 1}, {0, 0, 0, 1, 1, 2, 2, 2, 2, 1});
  CHECK(m.confusion[0] == std::array<std::int64_t, 3>{2, 1, 0});
  CHECK(m.confusion[1] == std::array<std::int64_t, 3>{0, 2, 1});
  CHECK(m.confusion[2] == std::array<std::int64_t, 3>{1, 0, 3});
  CHECK(m.accuracy == Approx(0.7));
  CHECK(m.per_class[0].precision == Approx(2.0 / 3.0));
  CHECK(m.per_class[1].recall == Approx(2.0 / 3.0));
  CHECK(m.per_class[2].precision == Approx(0.75));
  CHECK(m.per_class[2].recall == Approx(0.75));
  CHECK(m.macro_f1 == Approx((2.0 / 3.0 + 2.0 / 3.0 + 0.75) / 3.0));
}

TEST_CASE("classification metrics: perfect, zero denominators and no rows",
          "[training][metrics]") {
  const ClassificationMetrics perfect = metrics_of({0, 1, 2, 2}, {0, 1, 2, 2});
  CHECK(perfect.accuracy == 1.0);
  CHECK(perfect.macro_f1 == Approx(1.0));

  // Everything predicted BUY; no SELL row and no SELL prediction: its ratios count as 0.
  const ClassificationMetrics all_buy = metrics_of({0, 0}, {0, 1});
  CHECK(all_buy.accuracy == Approx(0.5));
  CHECK(all_buy.per_class[0].precision == Approx(0.5));
  CHECK(all_buy.per_class[0].recall == Approx(1.0));
  CHECK(all_buy.per_class[1].precision == 0.0);
  CHECK(all_buy.per_class[1].recall == 0.0);
  CHECK(all_buy.per_class[2].support == 0);
  CHECK(all_buy.per_class[2].f1 == 0.0);
  CHECK(all_buy.macro_f1 == Approx(2.0 / 9.0));

  const ClassificationMetrics none = metrics_of({}, {});
  CHECK(none.samples == 0);
  CHECK(none.accuracy == 0.0);
  CHECK(none.macro_f1 == 0.0);
}

TEST_CASE("classification metrics: errors", "[training][metrics]") {
  const std::vector<std::int64_t> two{0, 1};
  const std::vector<std::int64_t> three{0, 1, 2};
  auto lengths = compute_classification_metrics(two, three);
  REQUIRE_FALSE(lengths.ok());
  CHECK(lengths.error().code == ErrorCode::kInvalidArgument);

  const std::vector<std::int64_t> bad_label{0, 3};
  auto label = compute_classification_metrics(two, bad_label);
  REQUIRE_FALSE(label.ok());
  CHECK(label.error().code == ErrorCode::kInvalidArgument);
  CHECK(label.error().get("index") == "1");
  CHECK(label.error().message.find("label 3") != std::string::npos);

  const std::vector<std::int64_t> bad_prediction{-1, 0};
  auto prediction = compute_classification_metrics(bad_prediction, two);
  REQUIRE_FALSE(prediction.ok());
  CHECK(prediction.error().message.find("prediction -1") != std::string::npos);
}

TEST_CASE("classification metrics: JSON", "[training][metrics]") {
  const ktrdr::Json json = metrics_of({0, 0, 1, 2, 1, 1, 1}, {0, 0, 0, 0, 1, 1, 2}).to_json();
  CHECK(json.get_int("samples") == 7);
  CHECK(json.get_number("accuracy").value() == Approx(4.0 / 7.0));
  CHECK(json.get_number("macro_f1").value() == Approx(4.0 / 9.0));
  const ktrdr::Json buy = json.at("per_class").at("BUY");
  CHECK(buy.get_number("precision").value() == Approx(1.0));
  CHECK(buy.get_number("recall").value() == Approx(0.5));
  CHECK(buy.get_int("support") == 4);
  CHECK(json.at("per_class").at("SELL").get_number("f1").value() == 0.0);
  const ktrdr::Json matrix = json.at("confusion_matrix");
  REQUIRE(matrix.size() == 3);
  CHECK(matrix[0].dump() == "[2,1,1]");
  CHECK(matrix[1].dump() == "[0,2,0]");
  CHECK(matrix[2].dump() == "[0,1,0]");
}
