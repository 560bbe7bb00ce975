// KTRDR parity, end to end: strategy files written in KTRDR's v2 shape
// (fixtures/ktrdr/v2_aapl.yaml: an indicator list, sets keyed by indicator, a moving average read
// as close / MA, two lags) and v3 shape (fixtures/ktrdr/v3_eurusd.yaml: an indicator map,
// `indicator:` groups, KTRDR's output names, the upper band as Bollinger's primary output,
// `input_transform`, triangle shorthand, `nn_inputs`) go through TrainingDataset::build — the code
// path of the training.features job — over the first 2,000 bars of ../shared/data (AAPL 1h, EURUSD
// 1h), and are compared row by row with an independent Python implementation of KTRDR's formulas
// (reference/parity_*.csv, written by reference/make_parity_reference.py; the test never runs
// Python):
//   - every base-timeframe indicator output on every bar (TrainingDataset::indicators): 1e-9
//     relative (or 1e-12 absolute, as the other reference tests), NaN where the reference is;
//   - the feature columns' names and order, the row count, the first row's timestamp, every
//     row's timestamp and ZigZag segment label (exact) and every feature value — fuzzy
//     memberships and their lags — within 1e-6 (the features are floats).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/csv_bar_store.hpp"
#include "ktrdr/sdk/progress.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "reference_csv.hpp"
#include "strategy.hpp"
#include "training_dataset.hpp"
#include "training_progress.hpp"

using namespace ktrdr;
using namespace ktrdr::training;
using ktrdr::training::testing::read_reference_csv;
using ktrdr::training::testing::ReferenceCsv;

namespace {

// Bars of each symbol the dataset is built from (make_parity_reference.py's BARS).
constexpr std::size_t kBars = 2000;
constexpr double kIndicatorTolerance = 1e-9;  // relative
constexpr double kFeatureTolerance = 1e-6;    // absolute

std::string reference_file(const std::string& strategy, const std::string& what) {
  return std::string(KTRDR_TRAINING_REFERENCE_DIR) + "/parity_" + strategy + "_" + what + ".csv";
}

std::string text(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

Strategy load_strategy(const std::string& name) {
  auto strategy = Strategy::load(std::string(KTRDR_PARITY_FIXTURES_DIR) + "/" + name + ".yaml");
  if (!strategy.ok()) FAIL(strategy.error().message);
  return std::move(strategy).value();
}

// The strategy's dataset over the first kBars bars of its one symbol, as training.features
// builds it (data_dir ../shared/data, `end` at bar kBars).
TrainingDataset build_dataset(const Strategy& strategy) {
  REQUIRE(strategy.symbols.size() == 1);
  REQUIRE(strategy.timeframes.size() == 1);
  const std::string& symbol = strategy.symbols.front();
  const std::string tf(to_string(strategy.base_timeframe));
  auto bars =
      CsvBarStore::read_file(std::string(KTRDR_SHARED_DATA_DIR) + "/" + symbol + "_" + tf + ".csv",
                             symbol, strategy.base_timeframe);
  REQUIRE(bars.ok());
  REQUIRE(bars.value().size() > kBars);
  DatasetRequest request;
  request.symbols = strategy.symbols;
  request.timeframes = strategy.timeframes;
  request.end = bars.value().timestamps()[kBars];
  request.data_dir = KTRDR_SHARED_DATA_DIR;
  ProgressReporter reporter(nullptr);
  TrainingProgress progress(reporter, "MLP", strategy.symbols, {tf});
  auto dataset = TrainingDataset::build(strategy, request, progress, CancellationToken());
  if (!dataset.ok()) FAIL(dataset.error().message);
  return std::move(dataset).value();
}

bool same(double actual, double expected) {
  if (std::isnan(expected) || std::isnan(actual)) return std::isnan(expected) && std::isnan(actual);
  const double error = std::abs(actual - expected);
  return error <= kIndicatorTolerance * std::abs(expected) || error <= 1e-12;
}

// Every indicator output on every base bar against the reference's columns.
void check_indicators(const std::string& name, const BaseIndicators& base) {
  const ReferenceCsv reference = read_reference_csv(reference_file(name, "indicators"));
  REQUIRE(reference.rows() == kBars);
  REQUIRE(base.timestamps.size() == kBars);
  std::size_t moved = 0;
  for (std::size_t i = 0; i < kBars; ++i) {
    if (to_iso8601(base.timestamps[i]) != reference.timestamps[i]) ++moved;
  }
  CHECK(moved == 0);
  std::vector<std::string> names;
  std::size_t mismatched = 0;
  double largest = 0.0;   // absolute difference
  double relative = 0.0;  // relative difference, where the reference is not 0
  for (const IndicatorOutput& output : base.outputs) {
    INFO(name << ": indicator output " << output.name);
    names.push_back(output.name);
    const auto expected = reference.columns.find(output.name);
    REQUIRE(expected != reference.columns.end());
    REQUIRE(output.values.size() == kBars);
    std::size_t mismatches = 0;
    std::size_t defined = 0;
    std::string first;
    for (std::size_t i = 0; i < kBars; ++i) {
      const double want = expected->second[i];
      const double got = output.values[i];
      if (!same(got, want)) {
        if (mismatches++ == 0) {
          first = "bar " + std::to_string(i) + ": " + text(got) + " vs " + text(want);
        }
        continue;
      }
      if (std::isnan(want)) continue;
      ++defined;
      const double error = std::abs(got - want);
      largest = std::max(largest, error);
      if (want != 0.0) relative = std::max(relative, error / std::abs(want));
    }
    INFO("first mismatch " << first);
    CHECK(mismatches == 0);
    CHECK(defined > kBars * 9 / 10);
    mismatched += mismatches;
  }
  std::sort(names.begin(), names.end());
  CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
  CHECK(names.size() == reference.names.size());
  INFO(name << ": " << names.size() << " outputs x " << kBars
            << " bars, largest absolute difference " << largest << ", largest relative "
            << relative);
  CHECK(mismatched == 0);
}

// The feature rows against the reference's: columns, rows, timestamps, labels, values.
void check_features(const std::string& name, const std::string& symbol, const FeatureMatrix& rows) {
  const ReferenceCsv reference = read_reference_csv(reference_file(name, "features"));
  REQUIRE(!reference.names.empty());
  REQUIRE(reference.names.front() == "label");
  const std::vector<std::string> columns(reference.names.begin() + 1, reference.names.end());
  CHECK(rows.symbols == std::vector<std::string>{symbol});
  REQUIRE(rows.feature_names == columns);
  REQUIRE(rows.rows() == reference.rows());
  REQUIRE(rows.rows() > 0);
  REQUIRE(to_iso8601(rows.timestamps.front()) == reference.timestamps.front());
  REQUIRE(rows.labels.size() == rows.rows());

  std::size_t moved = 0;
  std::size_t relabelled = 0;
  std::string first_label;
  const std::vector<double>& labels = reference.columns.at("label");
  for (std::size_t r = 0; r < rows.rows(); ++r) {
    if (to_iso8601(rows.timestamps[r]) != reference.timestamps[r]) ++moved;
    if (rows.labels[r] != static_cast<std::int64_t>(labels[r]) && relabelled++ == 0) {
      first_label = "row " + std::to_string(r) + " (" + reference.timestamps[r] +
                    "): " + std::to_string(rows.labels[r]) + " vs " + text(labels[r]);
    }
  }
  CHECK(moved == 0);
  INFO(name << ": first label mismatch " << first_label);
  CHECK(relabelled == 0);

  double worst = 0.0;
  std::string worst_at;
  std::size_t off = 0;
  std::string first;
  for (std::size_t c = 0; c < columns.size(); ++c) {
    const std::vector<double>& want = reference.columns.at(columns[c]);
    for (std::size_t r = 0; r < rows.rows(); ++r) {
      const double got = rows.row(r)[c];
      const double error = std::abs(got - want[r]);
      if (!(error <= kFeatureTolerance) && off++ == 0) {
        first = columns[c] + " row " + std::to_string(r) + " (" + reference.timestamps[r] +
                "): " + text(got) + " vs " + text(want[r]);
      }
      if (error > worst) {
        worst = error;
        worst_at = columns[c] + " row " + std::to_string(r);
      }
    }
  }
  INFO(name << ": " << rows.rows() << " rows x " << columns.size() << " features from "
            << reference.timestamps.front() << ", worst absolute difference " << worst << " ("
            << worst_at << "); first mismatch " << first);
  CHECK(off == 0);
}

void check_parity(const std::string& name, const std::string& symbol) {
  const Strategy strategy = load_strategy(name);
  REQUIRE(strategy.symbols == std::vector<std::string>{symbol});
  const TrainingDataset dataset = build_dataset(strategy);
  REQUIRE(dataset.indicators.contains(symbol));
  check_indicators(name, dataset.indicators.at(symbol));
  check_features(name, symbol, dataset.rows);
}

}  // namespace

TEST_CASE("KTRDR v2 strategy on AAPL 1h: indicators, labels and features match the reference",
          "[training][parity]") {
  check_parity("v2_aapl", "AAPL");
}

TEST_CASE("KTRDR v3 strategy on EURUSD 1h: indicators, labels and features match the reference",
          "[training][parity]") {
  check_parity("v3_eurusd", "EURUSD");
}
