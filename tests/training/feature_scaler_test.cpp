// FeatureScaler: means and population stds fitted on the given rows only, zero-variance
// columns, apply(), the JSON round trip, and the errors.
#include "feature_scaler.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>

using namespace ktrdr;
using namespace ktrdr::training;
using Catch::Matchers::Contains;

namespace {

// Columns "a" = 1 … n, "flat" = 5, "b" = 10·(row mod 2).
FeatureMatrix matrix(std::size_t n) {
  FeatureMatrix m;
  m.feature_names = {"a", "flat", "b"};
  m.symbols = {"AAPL"};
  for (std::size_t r = 0; r < n; ++r) {
    m.values.insert(m.values.end(),
                    {static_cast<float>(r + 1), 5.0f, static_cast<float>(10 * (r % 2))});
    m.timestamps.emplace_back(std::chrono::hours(r));
    m.labels.push_back(1);
    m.symbol_index.push_back(0);
  }
  return m;
}

const std::vector<std::size_t> kTrain{0, 1, 2, 3};

}  // namespace

TEST_CASE("fit takes each column's mean and population std over the given rows",
          "[training][scaler]") {
  const FeatureScaler scaler = FeatureScaler::fit(matrix(10), kTrain).value();
  CHECK(scaler.feature_names() == std::vector<std::string>{"a", "flat", "b"});
  CHECK(scaler.means() == std::vector<double>{2.5, 5.0, 5.0});
  REQUIRE(scaler.stds().size() == 3);
  CHECK(scaler.stds()[0] == Approx(std::sqrt(1.25)));
  CHECK(scaler.stds()[1] == 1.0);  // zero variance: divide by 1
  CHECK(scaler.stds()[2] == Approx(5.0));
}

TEST_CASE("rows outside the fitted ones do not change the fit", "[training][scaler]") {
  FeatureMatrix m = matrix(10);
  const FeatureScaler before = FeatureScaler::fit(m, kTrain).value();
  for (std::size_t r = 4; r < m.rows(); ++r) {
    for (std::size_t c = 0; c < m.cols(); ++c) m.values[r * m.cols() + c] = 1e6f;
  }
  const FeatureScaler after = FeatureScaler::fit(m, kTrain).value();
  CHECK(after.means() == before.means());
  CHECK(after.stds() == before.stds());
  const FeatureScaler all = FeatureScaler::fit(m, std::vector<std::size_t>{0, 1, 2, 3, 4}).value();
  CHECK(all.means() != before.means());
}

TEST_CASE("apply standardises every row with the fitted statistics", "[training][scaler]") {
  FeatureMatrix m = matrix(6);
  const FeatureScaler scaler = FeatureScaler::fit(m, kTrain).value();
  REQUIRE(scaler.apply(m).ok());
  double sum = 0.0;
  double squares = 0.0;
  for (const std::size_t r : kTrain) {
    sum += m.row(r)[0];
    squares += m.row(r)[0] * m.row(r)[0];
    CHECK(m.row(r)[1] == 0.0f);
  }
  CHECK(sum / 4 == Approx(0.0).margin(1e-6));
  CHECK(squares / 4 == Approx(1.0));
  // Row 5 (a = 6) is scaled by the training statistics, not its own.
  CHECK(m.row(5)[0] == Approx((6.0 - 2.5) / std::sqrt(1.25)));
  CHECK(m.row(5)[2] == Approx(1.0));
  CHECK(m.timestamps.size() == 6);
}

TEST_CASE("the scaler round-trips through JSON", "[training][scaler]") {
  FeatureMatrix m = matrix(7);
  m.values[0] = 0.1f;
  m.values[3] = 1.0f / 3.0f;
  const FeatureScaler scaler = FeatureScaler::fit(m, kTrain).value();
  const Json json = scaler.to_json();
  CHECK(json.at("feature_names").as_string_array() == scaler.feature_names());
  CHECK(json.at("means").size() == 3);
  const auto text = json.dump();
  const FeatureScaler back = FeatureScaler::from_json(Json::parse(text).value()).value();
  CHECK(back.feature_names() == scaler.feature_names());
  CHECK(back.means() == scaler.means());
  CHECK(back.stds() == scaler.stds());
}

TEST_CASE("from_json names what is wrong", "[training][scaler]") {
  const Json good = FeatureScaler::fit(matrix(4), kTrain).value().to_json();
  const auto error_of = [](const Json& json) {
    auto out = FeatureScaler::from_json(json);
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().code == ErrorCode::kInvalidArgument);
    return out.error();
  };
  Json no_means = good;
  no_means.erase("means");
  CHECK(error_of(no_means).get("field") == "means");
  Json no_names = good;
  no_names.erase("feature_names");
  CHECK(error_of(no_names).get("field") == "feature_names");

  const auto with = [&](const char* key, const char* text) {
    Json json = good;
    json.set(key, Json::parse(text).value());
    return json;
  };
  CHECK_THAT(error_of(with("stds", "[1, 2]")).message, Contains("3 feature names"));
  CHECK(error_of(with("stds", "[1, 0, 2]")).get("field") == "stds");
  CHECK(error_of(with("stds", "[1, -2, 2]")).get("value") == "1");
  CHECK(error_of(with("means", "[1, \"x\", 2]")).get("field") == "means");
  CHECK(error_of(with("feature_names", "[\"a\", 2, \"c\"]")).get("field") == "feature_names");
  CHECK(error_of(with("means", "{}")).get("field") == "means");
}

TEST_CASE("fit and apply reject bad input", "[training][scaler]") {
  FeatureMatrix m = matrix(4);
  CHECK_THAT(FeatureScaler::fit(m, {}).error().message, Contains("no rows"));
  CHECK_THAT(FeatureScaler::fit(m, std::vector<std::size_t>{0, 9}).error().message,
             Contains("row 9 is out of range"));
  m.values[4] = std::numeric_limits<float>::quiet_NaN();
  const auto nan = FeatureScaler::fit(m, kTrain);
  REQUIRE_FALSE(nan.ok());
  CHECK(nan.error().get("field") == "flat");
  CHECK_THAT(nan.error().message, Contains("row 1"));

  const FeatureScaler scaler = FeatureScaler::fit(matrix(4), kTrain).value();
  FeatureMatrix renamed = matrix(4);
  renamed.feature_names[1] = "level";
  const std::vector<float> values = renamed.values;
  const auto applied = scaler.apply(renamed);
  REQUIRE_FALSE(applied.ok());
  CHECK_THAT(applied.error().message, Contains("column 1 is level where flat was expected"));
  CHECK(renamed.values == values);
}

TEST_CASE("each column may be normalised its own way: none, zscore, minmax", "[training][scaler]") {
  FeatureMatrix m = matrix(10);
  const std::vector<Normalization> methods{Normalization::kZScore, Normalization::kMinMax,
                                           Normalization::kMinMax};
  const FeatureScaler scaler = FeatureScaler::fit(m, kTrain, methods).value();
  // Column a over the train rows is 1, 2, 3, 4: sample std sqrt(5/3); b is 0, 10, 0, 10.
  CHECK(scaler.means() == std::vector<double>{2.5, 5.0, 0.0});
  CHECK(scaler.stds()[0] == Approx(std::sqrt(5.0 / 3.0)));
  CHECK(scaler.stds()[1] == 1.0);  // flat: max − min = 0, scaled by 1
  CHECK(scaler.stds()[2] == 10.0);
  CHECK(scaler.methods() == methods);
  REQUIRE(scaler.apply(m).ok());
  CHECK(m.values[2 * 3 + 0] == Approx((3.0 - 2.5) / std::sqrt(5.0 / 3.0)));
  CHECK(m.values[2 * 3 + 1] == 0.0f);
  CHECK(m.values[3 * 3 + 2] == 1.0f);
  CHECK(m.values[9 * 3 + 0] == Approx((10.0 - 2.5) / std::sqrt(5.0 / 3.0)));  // beyond the fit

  SECTION("kNone leaves a column as it is") {
    FeatureMatrix n = matrix(6);
    const std::vector<Normalization> none{Normalization::kNone, Normalization::kStandard,
                                          Normalization::kNone};
    const FeatureScaler s = FeatureScaler::fit(n, kTrain, none).value();
    const FeatureMatrix before = n;
    REQUIRE(s.apply(n).ok());
    for (std::size_t r = 0; r < n.rows(); ++r) {
      CHECK(n.values[r * 3] == before.values[r * 3]);
      CHECK(n.values[r * 3 + 2] == before.values[r * 3 + 2]);
    }
  }
  SECTION("the methods round-trip through JSON; a file without them is standardised") {
    const Json json = scaler.to_json();
    CHECK(json.at("methods").as_string_array() ==
          std::vector<std::string>{"zscore", "minmax", "minmax"});
    CHECK(FeatureScaler::from_json(json).value().methods() == methods);
    Json old = json;
    old.erase("methods");
    CHECK(FeatureScaler::from_json(old).value().methods() ==
          std::vector<Normalization>(3, Normalization::kStandard));
    Json bad = json;
    bad.set("methods", Json::parse(R"(["zscore", "robust", "none"])").value());
    auto read = FeatureScaler::from_json(bad);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().get("field") == "methods");
    CHECK(read.error().get("value") == "1");
  }
  SECTION("one method per column") {
    auto fitted = FeatureScaler::fit(m, kTrain, std::vector<Normalization>(2));
    REQUIRE_FALSE(fitted.ok());
    CHECK(fitted.error().get("field") == "methods");
  }
}

TEST_CASE("column_normalizations gives raw inputs' columns and lags their own normalisation",
          "[training][scaler]") {
  const std::vector<RawInput> raw{
      {.reference = "rsi_14", .output = "rsi_14", .normalization = Normalization::kMinMax},
      {.reference = "macd.signal",
       .output = "macd.signal",
       .normalization = Normalization::kZScore,
       .timeframes = {Timeframe::k1d}},
      {.reference = "roc", .output = "roc"}};
  const std::vector<Timeframe> timeframes{Timeframe::k1h, Timeframe::k1d};
  const std::vector<std::string> names{
      "rsi_x_low",          "rsi_14_raw",     "roc_raw",         "1d:rsi_14_raw",
      "1d:macd.signal_raw", "rsi_x_low_lag1", "rsi_14_raw_lag1", "1d:macd.signal_raw_lag1"};
  using N = Normalization;
  CHECK(column_normalizations(names, raw, timeframes, 1, false) ==
        std::vector<N>{N::kNone, N::kMinMax, N::kNone, N::kMinMax, N::kZScore, N::kNone, N::kMinMax,
                       N::kZScore});
  CHECK(column_normalizations(names, raw, timeframes, 1, true) ==
        std::vector<N>{N::kStandard, N::kMinMax, N::kStandard, N::kMinMax, N::kZScore, N::kStandard,
                       N::kMinMax, N::kZScore});
  // The macd input is not fed on 1h: a 1h column of that name is not its.
  CHECK(column_normalizations(std::vector<std::string>{"macd.signal_raw"}, raw, timeframes, 0,
                              false) == std::vector<N>{N::kNone});
}
