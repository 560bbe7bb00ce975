// Indicators: every output against independent references (reference/*.csv, written by
// make_indicator_reference.py from real AAPL and EURUSD bars), worked examples per family, the
// division-by-zero conventions, bad specs, warm-up, non-finite input and cancellation.
#include "indicator.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "indicators/cancel_poll.hpp"
#include "ktrdr/sdk/csv_bar_store.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "reference_csv.hpp"

using namespace ktrdr;
using namespace ktrdr::training;
using Catch::Matchers::Contains;
using ktrdr::training::testing::read_reference_csv;
using ktrdr::training::testing::ReferenceCsv;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The specs make_indicator_reference.py computes (its SPECS, in the same order).
const std::vector<IndicatorSpec> kReferenceSpecs{
    {"sma_20", "sma", "close", {{"period", 20}}},
    {"sma_7_hl2", "sma", "hl2", {{"period", 7}}},
    {"ema_20", "ema", "close", {{"period", 20}}},
    {"ema_9_ohlc4", "ema", "ohlc4", {{"period", 9}}},
    {"rsi", "rsi", "close", {}},
    {"rsi_5_open", "rsi", "open", {{"period", 5}}},
    {"macd", "macd", "close", {}},
    {"macd_5_13_4_high",
     "macd",
     "high",
     {{"fast_period", 5}, {"slow_period", 13}, {"signal_period", 4}}},
    {"bbands", "bbands", "close", {}},
    {"bbands_10_hlc3", "bbands", "hlc3", {{"period", 10}, {"multiplier", 1.5}}},
    {"atr", "atr", "close", {}},
    {"atr_5", "atr", "close", {{"period", 5}}},
    {"adx", "adx", "close", {}},
    {"adx_5", "adx", "close", {{"period", 5}}},
    {"roc", "roc", "close", {}},
    {"roc_3_low", "roc", "low", {{"period", 3}}},
    {"momentum", "momentum", "close", {}},
    {"momentum_4_hl2", "momentum", "hl2", {{"period", 4}}},
    {"stoch", "stochastic", "close", {}},
    {"stoch_5_2_3", "stochastic", "close", {{"k_period", 5}, {"d_period", 2}, {"smooth_k", 3}}},
    {"williams_r", "williams_r", "close", {}},
    {"williams_r_5", "williams_r", "close", {{"period", 5}}},
    {"cci", "cci", "close", {}},
    {"cci_7", "cci", "close", {{"period", 7}}},
    {"obv", "obv", "close", {}},
    {"mfi", "mfi", "close", {}},
    {"mfi_5", "mfi", "close", {{"period", 5}}},
};

std::unique_ptr<Indicator> make(const IndicatorSpec& spec) {
  auto made = make_indicator(spec);
  if (!made.ok()) FAIL(made.error().message);
  return std::move(made).value();
}

Error spec_error(const IndicatorSpec& spec) {
  auto made = make_indicator(spec);
  REQUIRE_FALSE(made.ok());
  CHECK(made.error().code == ErrorCode::kInvalidArgument);
  CHECK(made.error().get("field") == "indicators");
  CHECK(made.error().get("value") == spec.id);
  return made.error();
}

// The outputs of `spec` over `bars`, by name.
std::map<std::string, std::vector<double>> compute(const IndicatorSpec& spec,
                                                   const BarSeries& bars) {
  std::map<std::string, std::vector<double>> by_name;
  for (auto& output : make(spec)->compute(bars, CancellationToken())) {
    REQUIRE(output.values.size() == bars.size());
    by_name[output.name] = std::move(output.values);
  }
  return by_name;
}

struct Ohlcv {
  double open, high, low, close, volume;
};

BarSeries series(const std::vector<Ohlcv>& rows) {
  BarSeries bars("TEST", Timeframe::k1h);
  std::chrono::sys_seconds t{std::chrono::hours(24 * 365 * 54)};
  for (const auto& r : rows) {
    bars.append({t, r.open, r.high, r.low, r.close, r.volume});
    t += std::chrono::hours(1);
  }
  return bars;
}

// Bars whose every price is the close.
BarSeries closes(const std::vector<double>& values, double volume = 1000) {
  std::vector<Ohlcv> rows;
  for (const double c : values) rows.push_back({c, c, c, c, volume});
  return series(rows);
}

// Six bars with a gap, a down move and an outside bar: (high, low, close) =
// (10,8,9) (11,9,10) (13,10,12) (12,8,9) (15,12,14) (14,11,12), volumes 100..600.
BarSeries swing_bars() {
  return series({{9, 10, 8, 9, 100},
                 {9, 11, 9, 10, 200},
                 {10, 13, 10, 12, 300},
                 {12, 12, 8, 9, 400},
                 {9, 15, 12, 14, 500},
                 {14, 14, 11, 12, 600}});
}

// The types whose generic checks (non-finite input, cancellation, long windows) this file makes
// through spec_with_periods; the types added for KTRDR parity have theirs in their own tests.
const std::vector<std::string> kFourteenTypes{"adx",  "atr", "bbands",     "cci",       "ema",
                                              "macd", "mfi", "momentum",   "obv",       "roc",
                                              "rsi",  "sma", "stochastic", "williams_r"};

// A spec of `type` with every period `period` (macd's fast period: half of it).
IndicatorSpec spec_with_periods(const std::string& type, double period) {
  IndicatorSpec spec{"x_" + type, type};
  if (type == "macd") {
    spec.params = {{"fast_period", std::max(1.0, std::floor(period / 2))},
                   {"slow_period", period},
                   {"signal_period", period}};
  } else if (type == "stochastic") {
    spec.params = {{"k_period", period}, {"d_period", period}, {"smooth_k", period}};
  } else if (type != "obv") {
    spec.params = {{"period", period}};
  }
  return spec;
}

bool same(double actual, double expected) {
  if (std::isnan(expected) || std::isnan(actual)) return std::isnan(expected) && std::isnan(actual);
  const double error = std::abs(actual - expected);
  return error <= 1e-9 * std::abs(expected) || error <= 1e-12;
}

void check_values(const std::vector<double>& actual, const std::vector<double>& expected) {
  REQUIRE(actual.size() == expected.size());
  for (std::size_t i = 0; i < actual.size(); ++i) {
    INFO("bar " << i << ": " << actual[i] << " vs " << expected[i]);
    CHECK(same(actual[i], expected[i]));
  }
}

ReferenceCsv read_reference(const std::string& name) {
  return read_reference_csv(std::string(KTRDR_TRAINING_REFERENCE_DIR) + "/" + name +
                            "_indicators.csv");
}

BarSeries read_shared(const std::string& name) {
  auto bars = CsvBarStore::read_file(std::string(KTRDR_SHARED_DATA_DIR) + "/" + name + ".csv",
                                     "TEST", Timeframe::k1h);
  REQUIRE(bars.ok());
  return std::move(bars).value();
}

// Compares every output of every reference spec, computed over the whole file, with the
// reference's rows (the file's first bars).
void check_against_reference(const std::string& name) {
  const BarSeries bars = read_shared(name);
  const ReferenceCsv reference = read_reference(name);
  REQUIRE(reference.timestamps.size() == 3000);
  REQUIRE(bars.size() >= reference.timestamps.size());
  for (std::size_t i = 0; i < reference.timestamps.size(); ++i) {
    REQUIRE(to_iso8601(bars.timestamps()[i]) == reference.timestamps[i]);
  }
  std::size_t compared = 0;
  for (const auto& spec : kReferenceSpecs) {
    for (const auto& [output, values] : compute(spec, bars)) {
      INFO(name << " " << output);
      const auto expected = reference.columns.find(output);
      REQUIRE(expected != reference.columns.end());
      std::size_t mismatches = 0;
      std::string first;
      double worst = 0.0;
      for (std::size_t i = 0; i < expected->second.size(); ++i) {
        const double want = expected->second[i];
        if (!same(values[i], want)) {
          if (mismatches++ == 0) {
            std::ostringstream text;
            text.precision(17);
            text << "bar " << i << ": " << values[i] << " vs " << want;
            first = text.str();
          }
        } else if (!std::isnan(want) && want != 0.0) {
          worst = std::max(worst, std::abs(values[i] - want) / std::abs(want));
        }
      }
      INFO("first mismatch " << first << ", worst relative error " << worst);
      CHECK(mismatches == 0);
      ++compared;
    }
  }
  CHECK(compared == reference.columns.size());
}

}  // namespace

TEST_CASE("every output matches the reference on AAPL 1h", "[training][indicator]") {
  check_against_reference("AAPL_1h");
}

TEST_CASE("every output matches the reference on EURUSD 1h", "[training][indicator]") {
  check_against_reference("EURUSD_1h");
}

TEST_CASE("warmup() is the first bar where every output is defined", "[training][indicator]") {
  const BarSeries bars = read_shared("AAPL_1h");
  const auto defined = [](double v) { return !std::isnan(v); };
  for (const auto& spec : kReferenceSpecs) {
    INFO(spec.id);
    const auto indicator = make(spec);
    std::size_t all_defined = 0;
    for (const auto& output : indicator->compute(bars, CancellationToken())) {
      INFO(output.name);
      const auto first = std::find_if(output.values.begin(), output.values.end(), defined);
      CHECK(std::all_of(first, output.values.end(), defined));
      all_defined = std::max(all_defined, static_cast<std::size_t>(first - output.values.begin()));
    }
    CHECK(indicator->warmup() == all_defined);
  }
}

TEST_CASE("warmup() of each type with its defaults", "[training][indicator]") {
  const std::vector<std::pair<IndicatorSpec, std::size_t>> cases{
      {{"a", "sma", "close", {{"period", 20}}}, 19},
      {{"a", "ema", "close", {{"period", 20}}}, 19},
      {{"a", "rsi"}, 14},
      {{"a", "macd"}, 33},
      {{"a", "bbands"}, 19},
      {{"a", "atr"}, 13},
      {{"a", "atr", "close", {}, {{"smoothing", "wilder"}}}, 14},
      {{"a", "adx"}, 27},
      {{"a", "roc"}, 10},
      {{"a", "momentum"}, 10},
      {{"a", "stochastic"}, 17},
      {{"a", "stochastic", "close", {{"smooth_k", 1}}}, 15},
      {{"a", "williams_r"}, 13},
      {{"a", "cci"}, 19},
      {{"a", "obv"}, 0},
      {{"a", "mfi"}, 14},
  };
  for (const auto& [spec, warmup] : cases) {
    INFO(spec.type);
    CHECK(make(spec)->warmup() == warmup);
  }
}

TEST_CASE("output names: the primary is the id, the others id.output", "[training][indicator]") {
  using Names = std::vector<std::string>;
  CHECK(make({"m", "macd"})->output_names() == Names{"m", "m.signal", "m.histogram"});
  CHECK(make({"b", "bbands"})->output_names() == Names{"b", "b.upper", "b.lower", "b.width"});
  CHECK(make({"x", "adx"})->output_names() == Names{"x", "x.plus_di", "x.minus_di"});
  CHECK(make({"s", "stochastic"})->output_names() == Names{"s", "s.d"});
  CHECK(make({"r", "rsi"})->output_names() == Names{"r"});
}

TEST_CASE("indicator_types lists the types, sorted", "[training][indicator]") {
  const std::vector<std::string> types = indicator_types();
  CHECK(std::is_sorted(types.begin(), types.end()));
  CHECK(std::adjacent_find(types.begin(), types.end()) == types.end());
  for (const auto& type : kFourteenTypes) {
    INFO(type);
    CHECK(std::find(types.begin(), types.end(), type) != types.end());
  }
}

TEST_CASE("KTRDR's type names map to the same indicators", "[training][indicator]") {
  const std::vector<std::pair<std::string, std::size_t>> aliases{{"bollinger_bands", 4},
                                                                 {"bollingerbands", 4},
                                                                 {"BollingerBands", 4},
                                                                 {"BollingerBandsIndicator", 4},
                                                                 {"williamsr", 1},
                                                                 {"WilliamsR", 1},
                                                                 {"stoch", 2},
                                                                 {"Stochastic", 2},
                                                                 {"RSI", 1},
                                                                 {"RSIIndicator", 1},
                                                                 {"MACD", 3},
                                                                 {"SimpleMovingAverage", 1},
                                                                 {"ExponentialMovingAverage", 1},
                                                                 {"AverageDirectionalIndex", 3}};
  for (const auto& [type, outputs] : aliases) {
    INFO(type);
    IndicatorSpec spec{"x", type};
    if (type.find("MovingAverage") != std::string::npos) spec.params["period"] = 5;
    CHECK(make(spec)->output_names().size() == outputs);
  }
  const BarSeries bars = read_shared("AAPL_1h");
  check_values(compute({"w", "williamsr"}, bars).at("w"),
               compute({"w", "williams_r"}, bars).at("w"));
}

TEST_CASE("SMA and EMA worked examples", "[training][indicator]") {
  const BarSeries bars = closes({2, 4, 6, 8, 12});
  check_values(compute({"s", "sma", "close", {{"period", 3}}}, bars).at("s"),
               {kNaN, kNaN, 4, 6, 26.0 / 3});
  // Seed SMA(2, 4, 6) = 4, then alpha = 0.5: 4 + 0.5·(8 − 4) = 6, 6 + 0.5·(12 − 6) = 9.
  check_values(compute({"e", "ema", "close", {{"period", 3}}}, bars).at("e"),
               {kNaN, kNaN, 4, 6, 9});
  check_values(compute({"e", "ema", "close", {{"period", 1}}}, bars).at("e"), {2, 4, 6, 8, 12});
}

TEST_CASE("price sources", "[training][indicator]") {
  const BarSeries bars = series({{1, 8, 2, 5, 0}, {3, 12, 6, 9, 0}});
  const auto source = [&](const std::string& name) {
    return compute({"p", "sma", name, {{"period", 1}}}, bars).at("p");
  };
  check_values(source("close"), {5, 9});
  check_values(source("open"), {1, 3});
  check_values(source("high"), {8, 12});
  check_values(source("low"), {2, 6});
  check_values(source("hl2"), {5, 9});
  check_values(source("hlc3"), {5, 9});
  check_values(source("ohlc4"), {4, 7.5});
}

TEST_CASE("RSI worked example and flat prices", "[training][indicator]") {
  // Changes +1 +2 −1 +2. Seed: gain (1 + 2)/2, loss 0 → 100. Then gain 0.75, loss 0.5 → 60;
  // gain 1.375, loss 0.25 → 100·1.375/1.625.
  check_values(compute({"r", "rsi", "close", {{"period", 2}}}, closes({1, 2, 4, 3, 5})).at("r"),
               {kNaN, kNaN, 100, 60, 100 * 1.375 / 1.625});
  check_values(compute({"r", "rsi", "close", {{"period", 2}}}, closes({5, 5, 5, 5})).at("r"),
               {kNaN, kNaN, 50, 50});
  check_values(compute({"r", "rsi", "close", {{"period", 2}}}, closes({5, 4, 3, 3})).at("r"),
               {kNaN, kNaN, 0, 0});
}

TEST_CASE("MACD worked example", "[training][indicator]") {
  // EMA(2): 2, 2, 4, 4, 16/3 from bar 1; EMA(3): 2, 3.5, 3.75, 4.875 from bar 2.
  const auto out = compute(
      {"m", "macd", "close", {{"fast_period", 2}, {"slow_period", 3}, {"signal_period", 2}}},
      closes({1, 3, 2, 5, 4, 6}));
  const double last = 16.0 / 3 - 4.875;
  const double signal = 0.25 + 2.0 / 3 * (last - 0.25);
  check_values(out.at("m"), {kNaN, kNaN, 0, 0.5, 0.25, last});
  check_values(out.at("m.signal"), {kNaN, kNaN, kNaN, 0.25, 0.25, signal});
  check_values(out.at("m.histogram"), {kNaN, kNaN, kNaN, 0.25, 0, last - signal});
}

TEST_CASE("Bollinger Bands worked example and a flat window", "[training][indicator]") {
  const auto out = compute({"b", "bbands", "close", {{"period", 3}, {"multiplier", 2}}},
                           closes({1, 2, 3, 6, 6, 6, 6}));
  const double std2 = 1;                    // sample std of 1, 2, 3
  const double std3 = std::sqrt(39.0) / 3;  // of 2, 3, 6
  const double std4 = std::sqrt(3.0);       // of 3, 6, 6
  check_values(out.at("b"), {kNaN, kNaN, 2, 11.0 / 3, 5, 6, 6});
  check_values(out.at("b.upper"),
               {kNaN, kNaN, 2 + 2 * std2, 11.0 / 3 + 2 * std3, 5 + 2 * std4, 6, 6});
  check_values(out.at("b.lower"),
               {kNaN, kNaN, 2 - 2 * std2, 11.0 / 3 - 2 * std3, 5 - 2 * std4, 6, 6});
  check_values(out.at("b.width"),
               {kNaN, kNaN, 2 * std2, 4 * std3 / (11.0 / 3), 4 * std4 / 5, 0, 0});
}

TEST_CASE("ATR and ADX worked example", "[training][indicator]") {
  // TR from bar 1: 2, 3, 4, 6, 3 (bar 0's range: 2). +DM: 1, 2, 0, 3, 0. −DM: 0, 0, 2, 0, 1.
  const BarSeries bars = swing_bars();
  check_values(compute({"a", "atr", "close", {{"period", 2}}}, bars).at("a"),
               {kNaN, 2, 2.5, 3.5, 5, 4.5});
  check_values(
      compute({"a", "atr", "close", {{"period", 2}}, {{"smoothing", "wilder"}}}, bars).at("a"),
      {kNaN, kNaN, 2.5, 3.25, 4.625, 3.8125});
  const auto out = compute({"x", "adx", "close", {{"period", 2}}}, bars);
  // Wilder(2) averages: TR 2.5, 3.25, 4.625, 3.8125; +DM 1.5, 0.75, 1.875, 0.9375;
  // −DM 0, 1, 0.5, 0.75.
  check_values(out.at("x.plus_di"), {kNaN, kNaN, 60, 75 / 3.25, 187.5 / 4.625, 93.75 / 3.8125});
  check_values(out.at("x.minus_di"), {kNaN, kNaN, 0, 100 / 3.25, 50 / 4.625, 75 / 3.8125});
  // DX: 100, 100/7, 100·11/19, 100/9; ADX seeded with the mean of the first two.
  const double adx3 = (100 + 100.0 / 7) / 2;
  const double adx4 = adx3 + (1100.0 / 19 - adx3) / 2;
  check_values(out.at("x"), {kNaN, kNaN, kNaN, adx3, adx4, adx4 + (100.0 / 9 - adx4) / 2});
}

TEST_CASE("ADX and ATR on flat bars", "[training][indicator]") {
  const BarSeries bars = closes({7, 7, 7, 7, 7});
  const auto out = compute({"x", "adx", "close", {{"period", 2}}}, bars);
  check_values(out.at("x"), {kNaN, kNaN, kNaN, 0, 0});
  check_values(out.at("x.plus_di"), {kNaN, kNaN, 0, 0, 0});
  check_values(compute({"a", "atr", "close", {{"period", 2}}}, bars).at("a"), {kNaN, 0, 0, 0, 0});
}

TEST_CASE("ROC and Momentum worked example", "[training][indicator]") {
  const BarSeries bars = closes({10, 11, 12, 9, 0, 5, 7});
  check_values(compute({"m", "momentum", "close", {{"period", 2}}}, bars).at("m"),
               {kNaN, kNaN, 2, -2, -12, -4, 7});
  // 0 when the price n bars back is 0.
  check_values(compute({"r", "roc", "close", {{"period", 2}}}, bars).at("r"),
               {kNaN, kNaN, 20, 100 * (9.0 / 11 - 1), -100, 100 * (5.0 / 9 - 1), 0});
}

TEST_CASE("Stochastic and Williams %R worked example and flat windows", "[training][indicator]") {
  // Over 3 bars: (HH, LL, C) = (13, 8, 12), (13, 8, 9), (15, 8, 14), (15, 8, 12).
  const BarSeries bars = swing_bars();
  const auto stoch = compute(
      {"s", "stochastic", "close", {{"k_period", 3}, {"d_period", 2}, {"smooth_k", 1}}}, bars);
  check_values(stoch.at("s"), {kNaN, kNaN, 80, 20, 600.0 / 7, 400.0 / 7});
  check_values(stoch.at("s.d"), {kNaN, kNaN, kNaN, 50, (20 + 600.0 / 7) / 2, 500.0 / 7});
  const auto smoothed = compute(
      {"s", "stochastic", "close", {{"k_period", 3}, {"d_period", 2}, {"smooth_k", 2}}}, bars);
  check_values(smoothed.at("s"), {kNaN, kNaN, kNaN, 50, (20 + 600.0 / 7) / 2, 500.0 / 7});
  check_values(smoothed.at("s.d"), {kNaN, kNaN, kNaN, kNaN, (50 + (20 + 600.0 / 7) / 2) / 2,
                                    ((20 + 600.0 / 7) / 2 + 500.0 / 7) / 2});
  check_values(compute({"w", "williams_r", "close", {{"period", 3}}}, bars).at("w"),
               {kNaN, kNaN, -20, -80, -100.0 / 7, -300.0 / 7});

  const BarSeries flat = closes({4, 4, 4});
  check_values(
      compute({"s", "stochastic", "close", {{"k_period", 2}, {"d_period", 1}, {"smooth_k", 1}}},
              flat)
          .at("s"),
      {kNaN, 50, 50});
  check_values(compute({"w", "williams_r", "close", {{"period", 2}}}, flat).at("w"),
               {kNaN, -50, -50});
}

TEST_CASE("CCI worked example and a flat window", "[training][indicator]") {
  // TP = 9, 10, 35/3, 29/3, …; window (9, 10, 35/3): mean 92/9, mean deviation 26/27;
  // window (10, 35/3, 29/3): mean 94/9, mean deviation 22/27.
  const auto out = compute({"c", "cci", "close", {{"period", 3}}}, swing_bars()).at("c");
  CHECK(same(out[2], (13.0 / 9) / (0.015 * 26 / 27)));
  CHECK(same(out[3], (-7.0 / 9) / (0.015 * 22 / 27)));
  CHECK(std::isnan(out[1]));
  check_values(compute({"c", "cci", "close", {{"period", 2}}}, closes({3, 5, 5, 5, 1})).at("c"),
               {kNaN, 1 / 0.015, 0, 0, -1 / 0.015});
}

TEST_CASE("OBV and MFI worked examples", "[training][indicator]") {
  const BarSeries bars = series({{10, 10, 10, 10, 100},
                                 {11, 11, 11, 11, 200},
                                 {11, 11, 11, 11, 300},
                                 {9, 9, 9, 9, 400},
                                 {12, 12, 12, 12, 0}});
  check_values(compute({"o", "obv"}, bars).at("o"), {0, 200, 200, -200, -200});
  // Flows: +2200, none, −3600, 0 (TP rose on zero volume).
  check_values(compute({"m", "mfi", "close", {{"period", 2}}}, bars).at("m"),
               {kNaN, kNaN, 100, 0, 0});
  // No negative flow: 100, a flat window included (KTRDR's).
  check_values(compute({"m", "mfi", "close", {{"period", 2}}}, closes({5, 5, 5, 5})).at("m"),
               {kNaN, kNaN, 100, 100});
  // TP = 9, 10, 35/3, 29/3, 41/3, 37/3 with volumes 100..600: flows +2000, +3500, −11600/3,
  // +20500/3, −7400.
  check_values(compute({"m", "mfi", "close", {{"period", 2}}}, swing_bars()).at("m"),
               {kNaN, kNaN, 100, 100 * 3500 / (3500 + 11600.0 / 3), 100 * 20500.0 / 32100,
                100 * (20500.0 / 3) / (20500.0 / 3 + 7400)});
}

TEST_CASE("bad specs are invalid_argument errors naming the indicator and the field",
          "[training][indicator]") {
  SECTION("unknown type") {
    const Error error = spec_error({"x1", "frobnicator"});
    CHECK(error.get("key") == "type");
    CHECK_THAT(error.message, Contains("\"x1\"") && Contains("\"frobnicator\"") &&
                                  Contains("(known: ") && Contains("adx, ") &&
                                  Contains(", williams_r"));
  }
  SECTION("unknown parameter") {
    const Error error = spec_error({"rsi_1", "rsi", "close", {{"lenght", 14}}});
    CHECK(error.get("key") == "lenght");
    CHECK_THAT(error.message, Contains("rsi_1") && Contains("\"lenght\"") && Contains("period"));
    CHECK_THAT(spec_error({"o", "obv", "close", {{"period", 3}}}).message,
               Contains("obv takes none"));
    CHECK_THAT(spec_error({"m", "macd", "close", {{"fast", 3}}}).message,
               Contains("fast_period, slow_period, signal_period"));
  }
  SECTION("missing period") {
    const Error error = spec_error({"s", "sma"});
    CHECK(error.get("key") == "period");
    CHECK_THAT(error.message, Contains("missing parameter \"period\""));
  }
  SECTION("periods must be integers from 1") {
    for (const double bad : {0.0, -3.0, 2.5, kNaN, std::numeric_limits<double>::infinity(), 1e7}) {
      INFO(bad);
      const Error error = spec_error({"r", "rsi", "close", {{"period", bad}}});
      CHECK(error.get("key") == "period");
      CHECK_THAT(error.message, Contains("\"r\" (rsi): period must be an integer from 1"));
    }
    const Error error = spec_error({"s", "stochastic", "close", {{"smooth_k", 0}}});
    CHECK(error.get("key") == "smooth_k");
    CHECK_THAT(error.message, Contains("smooth_k must be an integer") && Contains("got 0"));
  }
  SECTION("fast must be less than slow") {
    for (const double fast : {26.0, 30.0}) {
      const Error error = spec_error({"m", "macd", "close", {{"fast_period", fast}}});
      CHECK(error.get("key") == "fast_period");
      CHECK_THAT(error.message, Contains("must be less than slow_period (26)"));
    }
  }
  SECTION("the multiplier must be positive") {
    for (const double bad : {0.0, -1.0, kNaN}) {
      const Error error = spec_error({"b", "bbands", "close", {{"multiplier", bad}}});
      CHECK(error.get("key") == "multiplier");
      CHECK_THAT(error.message, Contains("multiplier must be a finite number > 0"));
    }
  }
  SECTION("unknown source") {
    const Error error = spec_error({"r", "rsi", "vwap"});
    CHECK(error.get("key") == "source");
    CHECK_THAT(error.message,
               Contains("\"vwap\"") && Contains("close, open, high, low, hl2, hlc3, ohlc4"));
    CHECK_THAT(spec_error({"r", "rsi", "Close"}).message, Contains("unknown source"));
  }
  SECTION("a source on an indicator that reads several prices") {
    const Error error = spec_error({"a", "atr", "open"});
    CHECK(error.get("key") == "source");
    CHECK_THAT(error.message, Contains("\"a\" (atr): source \"open\" does not apply"));
  }
  SECTION("no id") {
    auto made = make_indicator({"", "rsi"});
    REQUIRE_FALSE(made.ok());
    CHECK(made.error().code == ErrorCode::kInvalidArgument);
    CHECK(made.error().get("key") == "id");
  }
}

TEST_CASE("outputs are NaN from the first non-finite input on", "[training][indicator]") {
  BarSeries bars = closes({1, 2, 3, 4, 5, 6});
  bars.append({bars.timestamps().back() + std::chrono::hours(1), 7, kNaN, 7, 7, 1000});
  bars.append({bars.timestamps().back() + std::chrono::hours(1), 8, 8, 8, 8, 1000});
  check_values(compute({"s", "sma", "close", {{"period", 2}}}, bars).at("s"),
               {kNaN, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5});  // the close is finite
  check_values(compute({"s", "sma", "hl2", {{"period", 2}}}, bars).at("s"),
               {kNaN, 1.5, 2.5, 3.5, 4.5, 5.5, kNaN, kNaN});
  for (const auto& type : kFourteenTypes) {
    INFO(type);
    const IndicatorSpec spec = spec_with_periods(type, 2);
    const bool reads_high = type == "atr" || type == "adx" || type == "stochastic" ||
                            type == "williams_r" || type == "cci" || type == "mfi";
    for (const auto& [name, values] : compute(spec, bars)) {
      INFO(name);
      CHECK(std::isnan(values[6]) == reads_high);
      CHECK(std::isnan(values[7]) == reads_high);
      CHECK_FALSE(std::isnan(values[5]));
    }
  }
}

TEST_CASE("compute() stops on a cancelled token", "[training][indicator]") {
  const BarSeries bars = closes({1, 2, 3});
  CancellationSource source;
  source.cancel(CancelReason::kUser, "stop");
  for (const auto& type : kFourteenTypes) {
    INFO(type);
    const IndicatorSpec spec = spec_with_periods(type, 2);
    try {
      make(spec)->compute(bars, source.token());
      FAIL("not cancelled");
    } catch (const CancelledError& error) {
      CHECK(error.reason() == CancelReason::kUser);
      CHECK(error.error().get("where") == "indicator x_" + type);
    }
  }
}

TEST_CASE("the cancellation poll looks at the token every 10,000 bars", "[training][indicator]") {
  CancellationSource source;
  const indicators::CancelPoll poll(source.token(), "here");
  source.cancel();
  CHECK_NOTHROW(poll.at(1));
  CHECK_NOTHROW(poll.at(9'999));
  CHECK_THROWS_AS(poll.at(10'000), CancelledError);
  CHECK_THROWS_AS(poll.at(20'000), CancelledError);
}

TEST_CASE("long windows over long series stay linear", "[training][indicator]") {
  // 400,000 bars with 100,000-bar windows: an O(n·period) loop would take minutes.
  std::vector<double> values(400'000);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = 100 + 10 * std::sin(static_cast<double>(i) / 997.0);
  }
  const BarSeries bars = closes(values);
  for (const auto& type : kFourteenTypes) {
    INFO(type);
    for (const auto& output :
         make(spec_with_periods(type, 100'000))->compute(bars, CancellationToken())) {
      CHECK_FALSE(std::isnan(output.values.back()));
    }
  }
}
