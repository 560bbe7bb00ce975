// The indicator types added for KTRDR parity, part B — KTRDR's Bollinger Band Width, Volume
// Ratio, Squeeze Intensity and Distance From MA; WMA, HMA, KAMA, TRIX, StochRSI, Ultimate
// Oscillator and Z-score as TA-Lib users expect them: every output against an independent
// reference (reference/*_indicators_b.csv, written by make_indicator_reference_b.py over real AAPL
// and EURUSD bars), worked examples, warm-up, the names KTRDR and TA-Lib give them, bad
// parameters, non-finite input, cancellation and long windows.
#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "indicator.hpp"
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

// The specs make_indicator_reference_b.py computes (its SPECS, in the same order).
const std::vector<IndicatorSpec> kReferenceSpecs{
    {"bbw", "bollinger_band_width"},
    {"bbw_10_hl2", "bollinger_band_width", "hl2", {{"period", 10}, {"multiplier", 1.5}}},
    {"volume_ratio", "volume_ratio"},
    {"volume_ratio_5", "volume_ratio", "close", {{"period", 5}}},
    {"squeeze", "squeeze_intensity"},
    {"squeeze_10_15_hlc3",
     "squeeze_intensity",
     "hlc3",
     {{"bb_period", 10}, {"bb_multiplier", 1.5}, {"kc_period", 15}, {"kc_multiplier", 1.0}}},
    {"dist", "distance_from_ma"},
    {"dist_ema_10_open", "distance_from_ma", "open", {{"period", 10}}, {{"ma_type", "EMA"}}},
    {"wma", "wma"},
    {"wma_7_hl2", "wma", "hl2", {{"period", 7}}},
    {"hma", "hma"},
    {"hma_9_low", "hma", "low", {{"period", 9}}},
    {"kama", "kama"},
    {"kama_10_3_20", "kama", "close", {{"period", 10}, {"fast_period", 3}, {"slow_period", 20}}},
    {"trix", "trix"},
    {"trix_9_ohlc4", "trix", "ohlc4", {{"period", 9}}},
    {"stoch_rsi", "stoch_rsi"},
    {"stoch_rsi_9_3_2_high",
     "stoch_rsi",
     "high",
     {{"period", 9}, {"k_period", 3}, {"d_period", 2}}},
    {"ultosc", "ultimate_oscillator"},
    {"ultosc_14_5_10",
     "ultimate_oscillator",
     "close",
     {{"period1", 14}, {"period2", 5}, {"period3", 10}}},
    {"zscore", "zscore"},
    {"zscore_10_hlc3", "zscore", "hlc3", {{"period", 10}}},
};

// One short-window spec per added type, with its warm-up (and the EMA form of Distance From MA).
const std::vector<std::pair<IndicatorSpec, std::size_t>> kShortSpecs{
    {{"x_bollinger_band_width", "bollinger_band_width", "close", {{"period", 3}}}, 2},
    {{"x_volume_ratio", "volume_ratio", "close", {{"period", 3}}}, 2},
    {{"x_squeeze_intensity", "squeeze_intensity", "close", {{"bb_period", 3}, {"kc_period", 3}}},
     9},
    {{"x_distance_from_ma", "distance_from_ma", "close", {{"period", 3}}}, 2},
    {{"x_distance_from_ema", "distance_from_ma", "close", {{"period", 3}}, {{"ma_type", "EMA"}}},
     0},
    {{"x_wma", "wma", "close", {{"period", 3}}}, 2},
    {{"x_hma", "hma", "close", {{"period", 4}}}, 4},
    {{"x_kama", "kama", "close", {{"period", 3}}}, 3},
    {{"x_trix", "trix", "close", {{"period", 3}}}, 7},
    {{"x_stoch_rsi", "stoch_rsi", "close", {{"period", 3}, {"k_period", 3}, {"d_period", 2}}}, 6},
    {{"x_ultimate_oscillator",
      "ultimate_oscillator",
      "close",
      {{"period1", 2}, {"period2", 3}, {"period3", 4}}},
     4},
    {{"x_zscore", "zscore", "close", {{"period", 3}}}, 2},
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
BarSeries closes(const std::vector<double>& values) {
  std::vector<Ohlcv> rows;
  for (const double c : values) rows.push_back({c, c, c, c, 1000});
  return series(rows);
}

// `count` bars of a wandering price with a range and a changing volume.
BarSeries wandering(std::size_t count) {
  std::vector<Ohlcv> rows;
  for (std::size_t i = 0; i < count; ++i) {
    const double t = static_cast<double>(i);
    const double c = 100 + 5 * std::sin(t / 3) + t / 10;
    rows.push_back({c - 0.3, c + 1 + std::cos(t), c - 1, c, 1000 + 100 * std::sin(t / 2)});
  }
  return series(rows);
}

// Within 1e-9 relative, or 1e-12 of `scale` absolute (a value near 0 that is the difference of
// two near-equal ones, such as StochRSI's RSI − min, carries their rounding).
bool same(double actual, double expected, double scale = 1.0) {
  if (std::isnan(expected) || std::isnan(actual)) return std::isnan(expected) && std::isnan(actual);
  const double error = std::abs(actual - expected);
  return error <= 1e-9 * std::abs(expected) || error <= 1e-12 * scale;
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
                            "_indicators_b.csv");
}

BarSeries read_shared(const std::string& name) {
  auto bars = CsvBarStore::read_file(std::string(KTRDR_SHARED_DATA_DIR) + "/" + name + ".csv",
                                     "TEST", Timeframe::k1h);
  REQUIRE(bars.ok());
  return std::move(bars).value();
}

// Compares every output of every reference spec, computed over the whole file, with the
// reference's rows (the file's first 1500 bars).
void check_against_reference(const std::string& name) {
  const BarSeries bars = read_shared(name);
  const ReferenceCsv reference = read_reference(name);
  REQUIRE(reference.timestamps.size() == 1500);
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
      double scale = 1.0;
      for (const double want : expected->second) {
        if (!std::isnan(want)) scale = std::max(scale, std::abs(want));
      }
      std::size_t mismatches = 0;
      std::size_t defined = 0;
      std::string first;
      for (std::size_t i = 0; i < expected->second.size(); ++i) {
        const double want = expected->second[i];
        if (!std::isnan(want)) ++defined;
        if (!same(values[i], want, scale) && mismatches++ == 0) {
          std::ostringstream text;
          text.precision(17);
          text << "bar " << i << ": " << values[i] << " vs " << want;
          first = text.str();
        }
      }
      INFO("first mismatch " << first);
      CHECK(mismatches == 0);
      CHECK(defined > 1400);
      ++compared;
    }
  }
  CHECK(compared == reference.columns.size());
}

}  // namespace

TEST_CASE("added types: every output matches the reference on AAPL 1h",
          "[training][indicator][added]") {
  check_against_reference("AAPL_1h");
}

TEST_CASE("added types: every output matches the reference on EURUSD 1h",
          "[training][indicator][added]") {
  check_against_reference("EURUSD_1h");
}

TEST_CASE("added types: warmup() is the first bar where every output is defined",
          "[training][indicator][added]") {
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
  for (const auto& [spec, warmup] : kShortSpecs) {
    INFO(spec.id);
    CHECK(make(spec)->warmup() == warmup);
  }
}

TEST_CASE("added types: warm-up and outputs with the defaults", "[training][indicator][added]") {
  const std::vector<std::pair<std::string, std::size_t>> cases{
      {"bollinger_band_width", 19},
      {"volume_ratio", 19},
      {"squeeze_intensity", 19},
      {"distance_from_ma", 19},
      {"wma", 29},
      {"hma", 22},  // 20 + ⌊√20⌋ − 2
      {"kama", 30},
      {"trix", 88},  // 3·29 + 1
      {"stoch_rsi", 20},
      {"ultimate_oscillator", 28},
      {"zscore", 19},
  };
  for (const auto& [type, warmup] : cases) {
    INFO(type);
    const auto indicator = make({"a", type});
    CHECK(indicator->warmup() == warmup);
    const auto names = indicator->output_names();
    CHECK(names == (type == "stoch_rsi" ? std::vector<std::string>{"a", "a.d"}
                                        : std::vector<std::string>{"a"}));
  }
  CHECK(make({"a", "distance_from_ma", "close", {}, {{"ma_type", "EMA"}}})->warmup() == 0);
  const auto types = indicator_types();
  for (const auto& [type, warmup] : cases) {
    CHECK(std::find(types.begin(), types.end(), type) != types.end());
  }
}

TEST_CASE("added types: KTRDR's and TA-Lib's names map to the same indicators",
          "[training][indicator][added]") {
  const BarSeries bars = wandering(60);
  const std::vector<std::pair<std::string, std::string>> names{
      {"BollingerBandWidth", "bollinger_band_width"},
      {"BollingerBandWidthIndicator", "bollinger_band_width"},
      {"bollingerbandwidth", "bollinger_band_width"},
      {"VolumeRatio", "volume_ratio"},
      {"VolumeRatioIndicator", "volume_ratio"},
      {"SqueezeIntensity", "squeeze_intensity"},
      {"squeezeintensity", "squeeze_intensity"},
      {"DistanceFromMA", "distance_from_ma"},
      {"DistanceFromMAIndicator", "distance_from_ma"},
      {"WMA", "wma"},
      {"HMA", "hma"},
      {"KAMA", "kama"},
      {"TRIX", "trix"},
      {"STOCHRSI", "stoch_rsi"},
      {"ULTOSC", "ultimate_oscillator"},
      {"UltimateOscillator", "ultimate_oscillator"},
      {"z_score", "zscore"},
  };
  for (const auto& [alias, type] : names) {
    INFO(alias);
    const auto by_alias = compute({"x", alias}, bars);
    const auto by_type = compute({"x", type}, bars);
    REQUIRE(by_alias.size() == by_type.size());
    for (const auto& [output, values] : by_type) check_values(by_alias.at(output), values);
  }
}

TEST_CASE("Bollinger Band Width, Z-score and Distance From MA worked examples",
          "[training][indicator][added]") {
  // 1, 2, 3: mean 2, sample std 1; 2, 3, 6: mean 11/3, sample std √(39)/3.
  const BarSeries bars = closes({1, 2, 3, 6});
  const double std3 = std::sqrt(39.0) / 3;
  check_values(compute({"w", "bollinger_band_width", "close", {{"period", 3}}}, bars).at("w"),
               {kNaN, kNaN, 4.0 / 2, 4 * std3 / (11.0 / 3)});
  check_values(compute({"z", "zscore", "close", {{"period", 3}}}, bars).at("z"),
               {kNaN, kNaN, 1, (6 - 11.0 / 3) / std3});
  check_values(compute({"d", "distance_from_ma", "close", {{"period", 3}}}, bars).at("d"),
               {kNaN, kNaN, 50, 100 * (6 - 11.0 / 3) / (11.0 / 3)});
  // KTRDR's EMA (adjust=True), alpha 0.5: 1; (2 + 0.5)/1.5; (3 + 1 + 0.25)/1.75.
  check_values(compute({"d", "distance_from_ma", "close", {{"period", 3}}, {{"ma_type", "EMA"}}},
                       closes({1, 2, 3}))
                   .at("d"),
               {0, 100 * (2 - 2.5 / 1.5) / (2.5 / 1.5), 100 * (3 - 4.25 / 1.75) / (4.25 / 1.75)});
  // A flat window: no spread, no score; a middle of 0: width 0 as KTRDR, distance 0.
  check_values(compute({"z", "zscore", "close", {{"period", 3}}}, closes({5, 5, 5})).at("z"),
               {kNaN, kNaN, 0});
  const BarSeries around_zero = closes({-1, 0, 1});
  check_values(
      compute({"w", "bollinger_band_width", "close", {{"period", 3}}}, around_zero).at("w"),
      {kNaN, kNaN, 0});
  check_values(compute({"d", "distance_from_ma", "close", {{"period", 3}}}, around_zero).at("d"),
               {kNaN, kNaN, 0});
}

TEST_CASE("Volume Ratio worked example", "[training][indicator][added]") {
  const BarSeries bars = series({{1, 1, 1, 1, 100},
                                 {1, 1, 1, 1, 200},
                                 {1, 1, 1, 1, 300},
                                 {1, 1, 1, 1, 0},
                                 {1, 1, 1, 1, 0},
                                 {1, 1, 1, 1, 0}});
  // 300 / 200; 0 / (500/3); 0 / 100; then a window of zeros: 1 as KTRDR.
  check_values(compute({"v", "volume_ratio", "close", {{"period", 3}}}, bars).at("v"),
               {kNaN, kNaN, 1.5, 0, 0, 1});
}

TEST_CASE("Squeeze Intensity: bands collapsed inside the channels, and flat bars",
          "[training][indicator][added]") {
  // Close 10 throughout, high 11, low 9: the bands collapse onto 10; the channels are
  // EMA 10 ± 2·ATR 2 = 6 … 14, so the bands sit halfway: min(14 − 10, 10 − 6) / 8 = 0.5.
  std::vector<Ohlcv> rows(12, {10, 11, 9, 10, 1000});
  const auto out = compute({"s", "squeeze_intensity", "close", {{"bb_period", 3}}}, series(rows));
  std::vector<double> expected(12, 0.5);
  std::fill(expected.begin(), expected.begin() + 9, kNaN);
  check_values(out.at("s"), expected);
  // Flat bars: no channel width, no squeeze (KTRDR's 0).
  const auto flat = compute({"s", "squeeze_intensity", "close", {{"bb_period", 3}}},
                            closes(std::vector<double>(12, 10)));
  check_values(flat.at("s"), {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, 0, 0, 0});
}

TEST_CASE("WMA and HMA worked examples", "[training][indicator][added]") {
  check_values(compute({"w", "wma", "close", {{"period", 3}}}, closes({1, 2, 3, 4, 5})).at("w"),
               {kNaN, kNaN, 14.0 / 6, 20.0 / 6, 26.0 / 6});
  check_values(compute({"w", "wma", "close", {{"period", 1}}}, closes({4, 7})).at("w"), {4, 7});
  // On a straight line WMA(n) lags by (n − 1)/3, so 2·WMA(2) − WMA(4) = x + 1/3 and its WMA(2)
  // is x: HMA follows a line without lag.
  check_values(compute({"h", "hma", "close", {{"period", 4}}}, closes({1, 2, 3, 4, 5, 6})).at("h"),
               {kNaN, kNaN, kNaN, kNaN, 5, 6});
}

TEST_CASE("KAMA worked example", "[training][indicator][added]") {
  // Start 2 (the price before bar 2). Bar 2: change 2 over a path of 2, ER 1, sc (2/3)²:
  // 2 + 4/9. Bar 3: change 1 over a path of 1: 22/9 + 4/9·(3 − 22/9) = 218/81.
  const auto spec = IndicatorSpec{"k", "kama", "close", {{"period", 2}}};
  check_values(compute(spec, closes({1, 2, 3, 3})).at("k"), {kNaN, kNaN, 22.0 / 9, 218.0 / 81});
  // ER 0 (back where it was two bars ago): the slowest constant, (2/31)².
  const double slow = 4.0 / 961;
  check_values(compute(spec, closes({1, 2, 1})).at("k"), {kNaN, kNaN, 2 + slow * (1 - 2)});
  // A flat window has no path: ER 1, and KAMA stays on the price.
  check_values(compute(spec, closes({5, 5, 5, 5})).at("k"), {kNaN, kNaN, 5, 5});
}

TEST_CASE("TRIX worked example", "[training][indicator][added]") {
  // With period 1 the three EMAs are the price: TRIX is the one-bar change in percent.
  check_values(compute({"t", "trix", "close", {{"period", 1}}}, closes({2, 4, 3})).at("t"),
               {kNaN, 100, -25});
  // Period 2 (alpha 2/3): E1 = 1.5, 2.5, 3.5, …; E2 from bar 2 = 2, 3, 4; E3 from bar 3
  // = 2.5, 3.5, 4.5.
  check_values(compute({"t", "trix", "close", {{"period", 2}}}, closes({1, 2, 3, 4, 5, 6})).at("t"),
               {kNaN, kNaN, kNaN, kNaN, 100 * (3.5 / 2.5 - 1), 100 * (4.5 / 3.5 - 1)});
}

TEST_CASE("StochRSI worked example and a flat RSI", "[training][indicator][added]") {
  // RSI(2) as the rsi type: 100, 60, 100·1.375/1.625 from bar 2 (see the RSI example), then
  // a fall of 4: gain 0.6875, loss 2.125.
  const BarSeries bars = closes({1, 2, 4, 3, 5, 1});
  const auto out =
      compute({"s", "stoch_rsi", "close", {{"period", 2}, {"k_period", 2}, {"d_period", 2}}}, bars);
  // %K over two RSI values: 60 the low of (100, 60), then the high of (60, 84.6…), then
  // 100·0.6875/2.8125 the low of (84.6…, 24.4…).
  check_values(out.at("s"), {kNaN, kNaN, kNaN, 0, 100, 0});
  check_values(out.at("s.d"), {kNaN, kNaN, kNaN, kNaN, 50, 50});
  // Always rising: RSI 100 throughout, no range, %K 0 (TA-Lib's convention).
  const auto rising =
      compute({"s", "stoch_rsi", "close", {{"period", 2}, {"k_period", 2}, {"d_period", 1}}},
              closes({1, 2, 3, 4, 5}));
  check_values(rising.at("s"), {kNaN, kNaN, kNaN, 0, 0});
}

TEST_CASE("Ultimate Oscillator worked example", "[training][indicator][added]") {
  // (high, low, close): (10,8,9) (11,9,10) (13,10,12) (12,8,9). From bar 1, BP = C − min(L, C₋₁):
  // 1, 2, 1; TR: 2, 3, 4.
  const BarSeries bars =
      series({{9, 10, 8, 9, 100}, {9, 11, 9, 10, 200}, {10, 13, 10, 12, 300}, {12, 12, 8, 9, 400}});
  const auto ultosc = [&](double p1, double p2, double p3) {
    return compute({"u",
                    "ultimate_oscillator",
                    "close",
                    {{"period1", p1}, {"period2", p2}, {"period3", p3}}},
                   bars)
        .at("u");
  };
  // All periods 1: 100·BP/TR.
  check_values(ultosc(1, 1, 1), {kNaN, 50, 200.0 / 3, 25});
  // 1, 2, 3 at bar 3: A₁ = 1/4, A₂ = 3/7, A₃ = 4/9; the shortest weighs 4 whatever the order.
  const double bar3 = 100 * (4 * 0.25 + 2 * 3.0 / 7 + 4.0 / 9) / 7;
  check_values(ultosc(1, 2, 3), {kNaN, kNaN, kNaN, bar3});
  check_values(ultosc(3, 1, 2), {kNaN, kNaN, kNaN, bar3});
  // Flat bars: no true range, every average 0.
  check_values(
      compute(
          {"u", "ultimate_oscillator", "close", {{"period1", 1}, {"period2", 1}, {"period3", 2}}},
          closes({3, 3, 3}))
          .at("u"),
      {kNaN, kNaN, 0});
}

TEST_CASE("added types: a non-finite input ends every output", "[training][indicator][added]") {
  BarSeries clean = wandering(40);
  std::vector<Ohlcv> rows;
  for (std::size_t i = 0; i < clean.size(); ++i) {
    const bool gap = i == 30;
    rows.push_back({gap ? kNaN : clean.opens()[i], gap ? kNaN : clean.highs()[i],
                    gap ? kNaN : clean.lows()[i], gap ? kNaN : clean.closes()[i],
                    gap ? kNaN : clean.volumes()[i]});
  }
  const BarSeries bars = series(rows);
  for (const auto& [spec, warmup] : kShortSpecs) {
    INFO(spec.id);
    const auto with_gap = compute(spec, bars);
    const auto without = compute(spec, clean);
    for (const auto& [name, values] : with_gap) {
      INFO(name);
      for (std::size_t i = warmup; i < 30; ++i) CHECK(same(values[i], without.at(name)[i]));
      for (std::size_t i = 30; i < values.size(); ++i) CHECK(std::isnan(values[i]));
    }
  }
}

TEST_CASE("added types: compute() stops on a cancelled token", "[training][indicator][added]") {
  const BarSeries bars = wandering(20);
  CancellationSource source;
  source.cancel(CancelReason::kUser, "stop");
  for (const auto& [spec, warmup] : kShortSpecs) {
    INFO(spec.id);
    try {
      make(spec)->compute(bars, source.token());
      FAIL("not cancelled");
    } catch (const CancelledError& error) {
      CHECK(error.reason() == CancelReason::kUser);
      CHECK(error.error().get("where") == "indicator " + spec.id);
    }
  }
}

TEST_CASE("added types: bad parameters name the indicator and the field",
          "[training][indicator][added]") {
  struct Case {
    IndicatorSpec spec;
    std::string key;
    std::string says;
  };
  const std::vector<Case> cases{
      {{"w", "bollinger_band_width", "close", {{"period", 1}}},
       "period",
       "period must be an integer from 2"},
      {{"w", "bollinger_band_width", "close", {{"multiplier", 0}}},
       "multiplier",
       "multiplier must be a finite number > 0"},
      {{"z", "zscore", "close", {{"period", 1}}}, "period", "from 2"},
      {{"h", "hma", "close", {{"period", 1}}}, "period", "from 2"},
      {{"s", "squeeze_intensity", "close", {{"bb_period", 1}}}, "bb_period", "from 2"},
      {{"s", "squeeze_intensity", "close", {{"kc_multiplier", -1}}}, "kc_multiplier", "> 0"},
      {{"s", "squeeze_intensity", "close", {{"atr_period", 10}}},
       "atr_period",
       "unknown parameter"},
      {{"k", "kama", "close", {{"fast_period", 30}}},
       "fast_period",
       "fast_period (30) must be less than slow_period (30)"},
      {{"d", "distance_from_ma", "close", {}, {{"ma_type", "WMA"}}},
       "ma_type",
       "ma_type must be one of SMA, EMA"},
      {{"d", "distance_from_ma", "close", {{"ma_type", 1}}}, "ma_type", "must be one of SMA, EMA"},
      {{"r", "stoch_rsi", "close", {{"k_period", 0}}}, "k_period", "k_period must be an integer"},
      {{"u", "ultimate_oscillator", "close", {{"period3", 1.5}}}, "period3", "got 1.5"},
      {{"v", "volume_ratio", "hl2", {}}, "source", "does not apply"},
      {{"t", "trix", "median", {}}, "source", "unknown source"},
      {{"m", "wma", "close", {{"length", 5}}}, "length", "unknown parameter"},
  };
  for (const auto& c : cases) {
    INFO(c.spec.type << " " << c.key);
    const Error error = spec_error(c.spec);
    CHECK(error.get("key") == c.key);
    CHECK_THAT(error.message, Contains("indicator \"" + c.spec.id + "\" (" + c.spec.type + ")"));
    CHECK_THAT(error.message, Contains(c.says));
  }
}

TEST_CASE("added types: long windows over long series stay linear",
          "[training][indicator][added]") {
  // 400,000 bars with 100,000-bar windows: an O(n·period) loop would take minutes.
  std::vector<double> values(400'000);
  for (std::size_t i = 0; i < values.size(); ++i) {
    values[i] = 100 + 10 * std::sin(static_cast<double>(i) / 997.0);
  }
  const BarSeries bars = closes(values);
  const std::vector<IndicatorSpec> specs{
      {"a", "bollinger_band_width", "close", {{"period", 100'000}}},
      {"a", "volume_ratio", "close", {{"period", 100'000}}},
      {"a", "squeeze_intensity", "close", {{"bb_period", 100'000}, {"kc_period", 100'000}}},
      {"a", "distance_from_ma", "close", {{"period", 100'000}}},
      {"a", "wma", "close", {{"period", 100'000}}},
      {"a", "hma", "close", {{"period", 100'000}}},
      {"a", "kama", "close", {{"period", 100'000}, {"slow_period", 100'001}}},
      {"a", "trix", "close", {{"period", 100'000}}},
      {"a", "stoch_rsi", "close", {{"period", 100'000}, {"k_period", 100'000}}},
      {"a",
       "ultimate_oscillator",
       "close",
       {{"period1", 100'000}, {"period2", 100'000}, {"period3", 100'000}}},
      {"a", "zscore", "close", {{"period", 100'000}}},
  };
  for (const auto& spec : specs) {
    INFO(spec.type);
    for (const auto& output : make(spec)->compute(bars, CancellationToken())) {
      CHECK_FALSE(std::isnan(output.values.back()));
    }
  }
}
