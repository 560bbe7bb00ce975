// The indicator types added for KTRDR parity (ZigZag, VWAP, Parabolic SAR, Ichimoku, RVI, Aroon,
// Donchian and Keltner Channels, A/D Line, CMF, SuperTrend, Fisher Transform) and the
// non-default conventions of ATR and Bollinger Bands: every output against an independent
// reference (reference/*_ktrdr_indicators.csv, written by make_ktrdr_indicator_reference.py from
// KTRDR's formulas over real AAPL and EURUSD bars), worked examples, warm-up, KTRDR's names, bad
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
#include "indicators/cancel_poll.hpp"
#include "indicators/zigzag_extremes.hpp"
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

// The specs make_ktrdr_indicator_reference.py computes (its SPECS, in the same order).
const std::vector<IndicatorSpec> kSpecs{
    {"zigzag", "zigzag"},
    {"zigzag_1", "zigzag", "close", {{"threshold", 0.01}}},
    {"zigzag_03", "zigzag", "close", {{"threshold", 0.003}}},
    {"vwap", "vwap"},
    {"vwap_cum", "vwap", "close", {{"period", 0}}},
    {"vwap_10_close", "vwap", "close", {{"period", 10}}, {{"use_typical_price", "false"}}},
    {"psar", "parabolic_sar"},
    {"psar_slow",
     "parabolic_sar",
     "close",
     {{"initial_af", 0.01}, {"step_af", 0.01}, {"max_af", 0.1}}},
    {"ichimoku", "ichimoku"},
    {"ichimoku_5",
     "ichimoku",
     "close",
     {{"tenkan_period", 5}, {"kijun_period", 10}, {"senkou_b_period", 20}}},
    {"rvi", "rvi"},
    {"rvi_4_2", "rvi", "close", {{"period", 4}, {"signal_period", 2}}},
    {"aroon", "aroon"},
    {"aroon_25", "aroon", "close", {{"period", 25}}, {{"include_oscillator", "true"}}},
    {"dc", "donchian_channels"},
    {"dc_5", "donchian_channels", "close", {{"period", 5}}},
    {"kc", "keltner_channels"},
    {"kc_10",
     "keltner_channels",
     "close",
     {{"period", 10}, {"atr_period", 5}, {"multiplier", 1.5}}},
    {"ad", "ad_line"},
    {"ad_sma", "ad_line", "close", {{"smoothing_period", 10}}, {{"use_sma_smoothing", "true"}}},
    {"cmf", "cmf"},
    {"cmf_5", "cmf", "close", {{"period", 5}}},
    {"st", "supertrend"},
    {"st_7", "supertrend", "close", {{"period", 7}, {"multiplier", 2}}},
    {"fisher", "fisher_transform"},
    {"fisher_5_1", "fisher_transform", "close", {{"period", 5}, {"smoothing", 1}}},
    {"atr_wilder", "atr", "close", {}, {{"smoothing", "wilder"}}},
    {"bb_pop", "bbands", "close", {{"period", 10}, {"ddof", 0}}},
};

// The added types, each with small parameters (every output defined from bar 4 at the latest).
const std::vector<IndicatorSpec> kSmallSpecs{
    {"x_zigzag", "zigzag", "close", {{"threshold", 0.01}}},
    {"x_vwap", "vwap", "close", {{"period", 2}}},
    {"x_psar", "parabolic_sar"},
    {"x_ichimoku",
     "ichimoku",
     "close",
     {{"tenkan_period", 2}, {"kijun_period", 2}, {"senkou_b_period", 2}}},
    {"x_rvi", "rvi", "close", {{"period", 4}, {"signal_period", 1}}},
    {"x_aroon", "aroon", "close", {{"period", 2}}, {{"include_oscillator", "true"}}},
    {"x_dc", "donchian_channels", "close", {{"period", 2}}},
    {"x_kc", "keltner_channels", "close", {{"period", 2}, {"atr_period", 2}}},
    {"x_ad", "ad_line", "close", {{"smoothing_period", 2}}, {{"use_sma_smoothing", "true"}}},
    {"x_cmf", "cmf", "close", {{"period", 2}}},
    {"x_st", "supertrend", "close", {{"period", 2}}},
    {"x_fisher", "fisher_transform", "close", {{"period", 2}}},
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

BarSeries closes(const std::vector<double>& values, double volume = 1000) {
  std::vector<Ohlcv> rows;
  for (const double c : values) rows.push_back({c, c, c, c, volume});
  return series(rows);
}

// (open, high, low, close, volume): (9,10,8,9,100) (9,11,9,10,200) (10,13,10,12,300)
// (12,12,8,9,400) (9,15,12,14,500) (14,14,11,12,600).
BarSeries swing_bars() {
  return series({{9, 10, 8, 9, 100},
                 {9, 11, 9, 10, 200},
                 {10, 13, 10, 12, 300},
                 {12, 12, 8, 9, 400},
                 {9, 15, 12, 14, 500},
                 {14, 14, 11, 12, 600}});
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

BarSeries read_shared(const std::string& name) {
  auto bars = CsvBarStore::read_file(std::string(KTRDR_SHARED_DATA_DIR) + "/" + name + ".csv",
                                     "TEST", Timeframe::k1h);
  REQUIRE(bars.ok());
  return std::move(bars).value();
}

// The first `n` bars of `bars`.
BarSeries first_bars(const BarSeries& bars, std::size_t n) {
  BarSeries out(bars.symbol(), bars.timeframe());
  for (std::size_t i = 0; i < n; ++i) {
    out.append({bars.timestamps()[i], bars.opens()[i], bars.highs()[i], bars.lows()[i],
                bars.closes()[i], bars.volumes()[i]});
  }
  return out;
}

// Compares every output of every spec, computed over the reference's bars (the file's first
// 1500: ZigZag's points depend on the bars after them), with the reference.
void check_against_reference(const std::string& name) {
  const BarSeries bars = first_bars(read_shared(name), 1500);
  const ReferenceCsv reference = read_reference_csv(std::string(KTRDR_TRAINING_REFERENCE_DIR) +
                                                    "/" + name + "_ktrdr_indicators.csv");
  const std::size_t rows = reference.rows();
  REQUIRE(rows == 1500);
  for (std::size_t i = 0; i < rows; ++i) {
    REQUIRE(to_iso8601(bars.timestamps()[i]) == reference.timestamps[i]);
  }
  const auto& columns = reference.columns;
  std::size_t compared = 0;
  for (const auto& spec : kSpecs) {
    for (const auto& [output, values] : compute(spec, bars)) {
      INFO(name << " " << output);
      const auto expected = columns.find(output);
      REQUIRE(expected != columns.end());
      std::size_t mismatches = 0;
      std::string first;
      for (std::size_t i = 0; i < rows; ++i) {
        if (!same(values[i], expected->second[i]) && mismatches++ == 0) {
          std::ostringstream text;
          text.precision(17);
          text << "bar " << i << ": " << values[i] << " vs " << expected->second[i];
          first = text.str();
        }
      }
      INFO("first mismatch " << first);
      CHECK(mismatches == 0);
      ++compared;
    }
  }
  CHECK(compared == columns.size());
}

}  // namespace

TEST_CASE("KTRDR parity indicators match the reference on AAPL 1h", "[training][indicator]") {
  check_against_reference("AAPL_1h");
}

TEST_CASE("KTRDR parity indicators match the reference on EURUSD 1h", "[training][indicator]") {
  check_against_reference("EURUSD_1h");
}

TEST_CASE("warmup() is the first bar where every output is defined (ZigZag: sparse points)",
          "[training][indicator]") {
  const BarSeries bars = read_shared("EURUSD_1h");
  const auto defined = [](double v) { return !std::isnan(v); };
  for (const auto& spec : kSpecs) {
    INFO(spec.id);
    const auto indicator = make(spec);
    std::size_t all_defined = 0;
    for (const auto& output : indicator->compute(bars, CancellationToken())) {
      INFO(output.name);
      const auto first = std::find_if(output.values.begin(), output.values.end(), defined);
      if (spec.type != "zigzag") CHECK(std::all_of(first, output.values.end(), defined));
      all_defined = std::max(all_defined, static_cast<std::size_t>(first - output.values.begin()));
    }
    CHECK(indicator->warmup() == all_defined);
  }
}

TEST_CASE("warmup() of each added type with KTRDR's defaults", "[training][indicator]") {
  const std::vector<std::pair<IndicatorSpec, std::size_t>> cases{
      {{"a", "zigzag"}, 0},
      {{"a", "vwap"}, 19},
      {{"a", "vwap", "close", {{"period", 0}}}, 0},
      {{"a", "parabolic_sar"}, 1},
      {{"a", "ichimoku"}, 51},
      {{"a", "rvi"}, 15},
      {{"a", "aroon"}, 13},
      {{"a", "donchian_channels"}, 19},
      {{"a", "keltner_channels"}, 9},
      {{"a", "ad_line"}, 0},
      {{"a", "ad_line", "close", {}, {{"use_sma_smoothing", "true"}}}, 20},
      {{"a", "cmf"}, 20},
      {{"a", "supertrend"}, 9},
      {{"a", "fisher_transform"}, 10},
  };
  for (const auto& [spec, warmup] : cases) {
    INFO(spec.type);
    CHECK(make(spec)->warmup() == warmup);
  }
}

TEST_CASE("KTRDR's output names: the primary is the id, the others id.output",
          "[training][indicator]") {
  using Names = std::vector<std::string>;
  CHECK(make({"z", "zigzag"})->output_names() == Names{"z"});
  CHECK(make({"v", "vwap"})->output_names() == Names{"v"});
  CHECK(make({"p", "parabolic_sar"})->output_names() == Names{"p"});
  CHECK(make({"i", "ichimoku"})->output_names() ==
        Names{"i", "i.kijun", "i.senkou_a", "i.senkou_b", "i.chikou"});
  CHECK(make({"r", "rvi"})->output_names() == Names{"r", "r.signal"});
  CHECK(make({"a", "aroon"})->output_names() == Names{"a", "a.down"});
  CHECK(make({"a", "aroon", "close", {}, {{"include_oscillator", "true"}}})->output_names() ==
        Names{"a", "a.down", "a.oscillator"});
  CHECK(make({"d", "donchian_channels"})->output_names() == Names{"d", "d.middle", "d.lower"});
  CHECK(make({"k", "keltner_channels"})->output_names() == Names{"k", "k.middle", "k.lower"});
  CHECK(make({"l", "ad_line"})->output_names() == Names{"l"});
  CHECK(make({"l", "ad_line", "close", {}, {{"use_sma_smoothing", "true"}}})->output_names() ==
        Names{"l", "l.sma"});
  CHECK(make({"c", "cmf"})->output_names() == Names{"c"});
  CHECK(make({"s", "supertrend"})->output_names() == Names{"s", "s.direction"});
  CHECK(make({"f", "fisher_transform"})->output_names() == Names{"f", "f.signal"});
}

TEST_CASE("KTRDR's type names and aliases", "[training][indicator]") {
  const std::vector<std::pair<std::string, std::string>> names{
      {"ZigZag", "zigzag"},
      {"ZigZagIndicator", "zigzag"},
      {"VWAP", "vwap"},
      {"VWAPIndicator", "vwap"},
      {"ParabolicSAR", "parabolic_sar"},
      {"parabolicsar", "parabolic_sar"},
      {"psar", "parabolic_sar"},
      {"Ichimoku", "ichimoku"},
      {"RVI", "rvi"},
      {"RVIIndicator", "rvi"},
      {"Aroon", "aroon"},
      {"DonchianChannels", "donchian_channels"},
      {"DonchianChannelsIndicator", "donchian_channels"},
      {"KeltnerChannels", "keltner_channels"},
      {"ADLine", "ad_line"},
      {"ADLineIndicator", "ad_line"},
      {"AccumulationDistribution", "ad_line"},
      {"CMF", "cmf"},
      {"ChaikinMoneyFlow", "cmf"},
      {"SuperTrend", "supertrend"},
      {"FisherTransform", "fisher_transform"},
      {"FisherTransformIndicator", "fisher_transform"},
  };
  const BarSeries bars = read_shared("AAPL_1h");
  const std::vector<std::string> types = indicator_types();
  for (const auto& [name, type] : names) {
    INFO(name);
    CHECK(std::find(types.begin(), types.end(), type) != types.end());
    const auto aliased = compute({"x", name}, bars);
    const auto canonical = compute({"x", type}, bars);
    REQUIRE(aliased.size() == canonical.size());
    for (const auto& [output, values] : canonical) check_values(aliased.at(output), values);
  }
}

TEST_CASE("ATR: KTRDR's simple mean by default, Wilder's as smoothing: wilder",
          "[training][indicator]") {
  // True ranges: 2 (bar 0's range), 2, 3, 4, 6, 3.
  const BarSeries bars = swing_bars();
  check_values(compute({"a", "atr", "close", {{"period", 3}}}, bars).at("a"),
               {kNaN, kNaN, 7.0 / 3, 3, 13.0 / 3, 13.0 / 3});
  // Wilder from bar 1: seeded with the mean of 2, 3, 4.
  check_values(
      compute({"a", "atr", "close", {{"period", 3}}, {{"smoothing", "wilder"}}}, bars).at("a"),
      {kNaN, kNaN, kNaN, 3, 4, 11.0 / 3});
}

TEST_CASE("Bollinger Bands: sample std by default, population with ddof 0",
          "[training][indicator]") {
  const BarSeries bars = closes({1, 2, 3, 6});
  check_values(
      compute({"b", "bbands", "close", {{"period", 3}, {"multiplier", 1}}}, bars).at("b.upper"),
      {kNaN, kNaN, 3, 11.0 / 3 + std::sqrt(39.0) / 3});
  check_values(
      compute({"b", "bbands", "close", {{"period", 3}, {"multiplier", 1}, {"ddof", 0}}}, bars)
          .at("b.upper"),
      {kNaN, kNaN, 2 + std::sqrt(2.0 / 3), 11.0 / 3 + std::sqrt(26.0) / 3});
}

TEST_CASE("Stochastic: KTRDR's default smooth_k 3", "[training][indicator]") {
  // Raw %K over 3 bars: 80, 20, 600/7, 400/7; %K their 3-bar means.
  const auto out =
      compute({"s", "stochastic", "close", {{"k_period", 3}, {"d_period", 1}}}, swing_bars());
  check_values(out.at("s"),
               {kNaN, kNaN, kNaN, kNaN, (80 + 20 + 600.0 / 7) / 3, (20 + 1000.0 / 7) / 3});
}

TEST_CASE("ZigZag worked example: points move with the swing (it looks ahead)",
          "[training][indicator]") {
  // 10% threshold: 100 → 111 rises (bar 2 marked), 115 moves the top to bar 3, 103 (−10.4%)
  // turns down, 101 moves the bottom, 112 (+10.9%) turns up.
  const BarSeries bars = closes({100, 105, 111, 115, 110, 103, 101, 112, 108});
  check_values(compute({"z", "zigzag", "close", {{"threshold", 0.1}}}, bars).at("z"),
               {100, kNaN, kNaN, 115, kNaN, kNaN, 101, 112, kNaN});
  // The bar-3 top is only known to be the top once bar 5 has confirmed the fall: over the first
  // three bars, bar 2 is marked instead.
  check_values(
      compute({"z", "zigzag", "close", {{"threshold", 0.1}}}, closes({100, 105, 111})).at("z"),
      {100, kNaN, 111});
  check_values(compute({"z", "zigzag", "hl2", {{"threshold", 0.5}}}, closes({4, 5, 4})).at("z"),
               {4, kNaN, kNaN});
}

TEST_CASE("zigzag_extremes: each extreme and the bar that fixed it", "[training][indicator]") {
  using indicators::ZigZagExtreme;
  const std::vector<double> x{100, 105, 111, 115, 110, 103, 101, 112, 108};
  const auto extremes =
      indicators::zigzag_extremes(x, 0.1, indicators::CancelPoll(CancellationToken(), "test"));
  REQUIRE(extremes.size() == 4);
  const std::vector<std::pair<std::size_t, std::size_t>> expected{
      {0, 2}, {3, 5}, {6, 7}, {7, ZigZagExtreme::kOpen}};
  for (std::size_t k = 0; k < expected.size(); ++k) {
    INFO(k);
    CHECK(extremes[k].at == expected[k].first);
    CHECK(extremes[k].fixed_by == expected[k].second);
  }
  CHECK(indicators::zigzag_extremes({}, 0.1, indicators::CancelPoll(CancellationToken(), "t"))
            .empty());
}

TEST_CASE("VWAP worked example: rolling, cumulative, close, no volume", "[training][indicator]") {
  // Typical prices 9, 10, 35/3, 29/3, 41/3, 37/3 with volumes 100..600.
  const BarSeries bars = swing_bars();
  check_values(compute({"v", "vwap", "close", {{"period", 2}}}, bars).at("v"),
               {kNaN, (900 + 2000) / 300.0, (2000 + 3500) / 500.0, (3500 + 11600.0 / 3) / 700,
                (11600.0 / 3 + 20500.0 / 3) / 900, (20500.0 / 3 + 7400) / 1100});
  check_values(compute({"v", "vwap", "close", {{"period", 0}}}, bars).at("v"),
               {9, 2900 / 300.0, 6400 / 600.0, (6400 + 11600.0 / 3) / 1000,
                (6400 + 32100.0 / 3) / 1500, (6400 + 32100.0 / 3 + 7400) / 2100});
  check_values(
      compute({"v", "vwap", "close", {{"period", 2}}, {{"use_typical_price", "false"}}}, bars)
          .at("v"),
      {kNaN, 2900 / 300.0, 5600 / 500.0, 7200 / 700.0, 10600 / 900.0, 14200 / 1100.0});
  check_values(compute({"v", "vwap", "close", {{"period", 2}}}, closes({1, 2, 3}, 0)).at("v"),
               {kNaN, kNaN, kNaN});
}

TEST_CASE("Parabolic SAR worked example", "[training][indicator]") {
  // Bar 1 closes higher: rising, SAR low₀ = 8, EP high₁ = 11, AF 0.5 (initial and step 0.5, max 1).
  // Bar 2: 8 + 0.5·3 = 9.5 capped at the lows 9, 8 → 8; high 13 → EP 13, AF 1.
  // Bar 3: 8 + 1·5 = 13 ≥ low 8 → reverses: SAR = EP 13, falling, EP 8, AF 0.5.
  // Bar 4: 13 + 0.5·(8 − 13) = 10.5 ≤ high 15 → reverses: SAR 8, rising, EP 15, AF 0.5.
  // Bar 5: 8 + 0.5·7 = 11.5 ≤ low 11? no (11 < 11.5) → reverses: SAR 15, falling, EP 11.
  const auto out = compute(
      {"p", "parabolic_sar", "close", {{"initial_af", 0.5}, {"step_af", 0.5}, {"max_af", 1}}},
      swing_bars());
  check_values(out.at("p"), {kNaN, 8, 8, 13, 8, 15});
}

TEST_CASE("Ichimoku worked example: nothing shifted", "[training][indicator]") {
  const auto out = compute({"i",
                            "ichimoku",
                            "close",
                            {{"tenkan_period", 2}, {"kijun_period", 3}, {"senkou_b_period", 4}}},
                           swing_bars());
  // Midpoints over 2, 3, 4 bars of highs 10, 11, 13, 12, 15, 14 and lows 8, 9, 10, 8, 12, 11.
  check_values(out.at("i"), {kNaN, 9.5, 11, 10.5, 11.5, 13});
  check_values(out.at("i.kijun"), {kNaN, kNaN, 10.5, 10.5, 11.5, 11.5});
  check_values(out.at("i.senkou_a"), {kNaN, kNaN, 10.75, 10.5, 11.5, 12.25});
  check_values(out.at("i.senkou_b"), {kNaN, kNaN, kNaN, 10.5, 11.5, 11.5});
  check_values(out.at("i.chikou"), {9, 10, 12, 9, 14, 12});
}

TEST_CASE("RVI worked example and a flat window", "[training][indicator]") {
  // close − open: 0, 1, 2, −3, 5, −2; high − low: 2, 2, 3, 4, 3, 3.
  // Weighted from bar 3: num (0+2+4−3)/6 = 0.5, (1+4−6+5)/6 = 2/3, (2−6+10−2)/6 = 2/3;
  // den (2+4+6+4)/6 = 8/3, (2+6+8+3)/6 = 19/6, (3+8+6+3)/6 = 10/3.
  const auto out =
      compute({"r", "rvi", "close", {{"period", 4}, {"signal_period", 1}}}, swing_bars());
  CHECK(
      std::all_of(out.at("r").begin(), out.at("r").end(), [](double v) { return std::isnan(v); }));
  std::vector<Ohlcv> rows;
  for (int i = 0; i < 9; ++i) rows.push_back({10, 10, 10, 10, 1});
  check_values(compute({"r", "rvi", "close", {{"period", 4}, {"signal_period", 2}}}, series(rows))
                   .at("r.signal"),
               {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN, 0, 0});
  std::vector<Ohlcv> longer{{9, 10, 8, 9, 1},   {9, 11, 9, 10, 1},  {10, 13, 10, 12, 1},
                            {12, 12, 8, 9, 1},  {9, 15, 12, 14, 1}, {14, 14, 11, 12, 1},
                            {12, 13, 11, 13, 1}};
  // num from bar 3: 0.5, 2/3, 2/3, (−3+10−4+1)/6 = 2/3; den 8/3, 19/6, 10/3, (4+6+6+2)/6 = 3.
  const auto rvi =
      compute({"r", "rvi", "close", {{"period", 4}, {"signal_period", 1}}}, series(longer));
  check_values(rvi.at("r"), {kNaN, kNaN, kNaN, kNaN, kNaN, kNaN,
                             (0.5 + 2.0 / 3 * 3) / (8.0 / 3 + 19.0 / 6 + 10.0 / 3 + 3)});
  check_values(rvi.at("r.signal"), rvi.at("r"));
}

TEST_CASE("Aroon worked example: KTRDR's window, the earliest extreme on ties",
          "[training][indicator]") {
  // Highs 10, 11, 13, 12, 15, 14; lows 8, 9, 10, 8, 12, 11; over 3 bars.
  const auto out = compute(
      {"a", "aroon", "close", {{"period", 3}}, {{"include_oscillator", "true"}}}, swing_bars());
  const double third = 100.0 / 3;
  check_values(out.at("a"), {kNaN, kNaN, 100, 2 * third, 100, 2 * third});
  check_values(out.at("a.down"), {kNaN, kNaN, third, 100, 2 * third, third});
  check_values(out.at("a.oscillator"), {kNaN, kNaN, 2 * third, -third, third, third});
  // A flat window: the earliest bar is the extreme.
  check_values(compute({"a", "aroon", "close", {{"period", 3}}}, closes({5, 5, 5})).at("a"),
               {kNaN, kNaN, third});
}

TEST_CASE("Donchian and Keltner Channels worked examples", "[training][indicator]") {
  const BarSeries bars = swing_bars();
  const auto dc = compute({"d", "donchian_channels", "close", {{"period", 2}}}, bars);
  check_values(dc.at("d"), {kNaN, 11, 13, 13, 15, 15});
  check_values(dc.at("d.lower"), {kNaN, 8, 9, 8, 8, 11});
  check_values(dc.at("d.middle"), {kNaN, 9.5, 11, 10.5, 11.5, 13});
  // EMA(3), alpha 0.5, from close₀ 9: 9, 9.5, 10.75, 9.875, 11.9375, 11.96875; ATR(2) of the
  // true ranges 2, 2, 3, 4, 6, 3: –, 2, 2.5, 3.5, 5, 4.5.
  const auto kc = compute(
      {"k", "keltner_channels", "close", {{"period", 3}, {"atr_period", 2}, {"multiplier", 2}}},
      bars);
  check_values(kc.at("k.middle"), {9, 9.5, 10.75, 9.875, 11.9375, 11.96875});
  check_values(kc.at("k"), {kNaN, 13.5, 15.75, 16.875, 21.9375, 20.96875});
  check_values(kc.at("k.lower"), {kNaN, 5.5, 5.75, 2.875, 1.9375, 2.96875});
}

TEST_CASE("A/D Line and CMF worked examples", "[training][indicator]") {
  // Close location ((c − l) − (h − c))/(h − l): 0, 0, 1/3, −1/2, 1/3, −1/3; times volume:
  // 0, 0, 100, −200, 500/3, −200.
  const BarSeries bars = swing_bars();
  const auto ad = compute(
      {"l", "ad_line", "close", {{"smoothing_period", 2}}, {{"use_sma_smoothing", "true"}}}, bars);
  check_values(ad.at("l"), {0, 0, 100, -100, 200.0 / 3, -400.0 / 3});
  check_values(ad.at("l.sma"), {kNaN, 0, 50, 0, -50.0 / 3, -100.0 / 3});
  check_values(
      compute({"c", "cmf", "close", {{"period", 2}}}, bars).at("c"),
      {kNaN, 0, 100.0 / 500, -100.0 / 700, (-200 + 500.0 / 3) / 900, (500.0 / 3 - 200) / 1100});
  // A bar with no range adds nothing; no volume at all: 0.
  check_values(compute({"c", "cmf", "close", {{"period", 2}}}, closes({1, 2, 3}, 0)).at("c"),
               {kNaN, 0, 0});
}

TEST_CASE("SuperTrend worked example", "[training][indicator]") {
  // ATR(2): 2, 2.5, 3.5, 5, 4.5 from bar 1; hl2 10, 11.5, 10, 13.5, 12.5; multiplier 1.
  // Bar 1: bands 12 / 8, close 10 > 8: up, line 8.
  // Bar 2: basic 14 / 9; upper 14 ≥ 12 and close₁ 10 ≤ 12: stays 12; lower 9 > 8: 9; up (12 > 9).
  // Bar 3: basic 13.5 / 6.5; upper: close₂ 12 > 12? no, 13.5 < 12? no: 12; lower: close₂ 12 < 9?
  //   no, 6.5 > 9? no: 9; close 9 ≤ 9: down, line 12.
  // Bar 4: basic 18.5 / 8.5; upper 12 (close₃ 9 ≤ 12, 18.5 ≥ 12); lower: close₃ 9 < 9? no: 9;
  //   down and close 14 ≥ 12: up, line 9.
  // Bar 5: basic 17 / 8; upper: close₄ 14 > 12: 17; lower 9; close 12 > 9: up, line 9.
  const auto out =
      compute({"s", "supertrend", "close", {{"period", 2}, {"multiplier", 1}}}, swing_bars());
  check_values(out.at("s"), {kNaN, 8, 9, 12, 9, 9});
  check_values(out.at("s.direction"), {kNaN, 1, 1, -1, 1, 1});
}

TEST_CASE("Fisher Transform worked example and a flat window", "[training][indicator]") {
  // Over 2 bars, hl2 9, 10, 11.5, 10, 13.5, 12.5; (HH, LL) from bar 1: (11, 8), (13, 9), (13, 8),
  // (15, 8), (15, 11); x = 1/3, 0.25, 0.2, 4.5/3.5 − 1 → clipped… computed below.
  const BarSeries bars = swing_bars();
  const auto fisher_of = [](double x) {
    x = std::clamp(x, -0.999, 0.999);
    return 0.5 * std::log((1 + x) / (1 - x));
  };
  const std::vector<double> raw{kNaN,
                                fisher_of(2 * (10 - 8) / 3.0 - 1),
                                fisher_of(2 * (11.5 - 9) / 4.0 - 1),
                                fisher_of(2 * (10 - 8) / 5.0 - 1),
                                fisher_of(2 * (13.5 - 8) / 7.0 - 1),
                                fisher_of(2 * (12.5 - 11) / 4.0 - 1)};
  const auto out =
      compute({"f", "fisher_transform", "close", {{"period", 2}, {"smoothing", 1}}}, bars);
  check_values(out.at("f"), raw);
  check_values(out.at("f.signal"), {kNaN, kNaN, raw[1], raw[2], raw[3], raw[4]});
  // smoothing 3: alpha 0.5 from bar 1's raw value.
  const auto smooth = compute({"f", "fisher_transform", "close", {{"period", 2}}}, bars).at("f");
  CHECK(same(smooth[1], raw[1]));
  CHECK(same(smooth[2], (raw[1] + raw[2]) / 2));
  check_values(
      compute({"f", "fisher_transform", "close", {{"period", 2}}}, closes({3, 3, 3})).at("f"),
      {kNaN, 0, 0});
}

TEST_CASE("bad parameters of the added types", "[training][indicator]") {
  SECTION("ZigZag's threshold is a fraction") {
    for (const double bad : {0.0, 1.0, 5.0}) {
      INFO(bad);
      const Error error = spec_error({"z", "zigzag", "close", {{"threshold", bad}}});
      CHECK(error.get("key") == "threshold");
    }
  }
  SECTION("KTRDR's minimum periods") {
    CHECK_THAT(spec_error({"r", "rvi", "close", {{"period", 3}}}).message,
               Contains("\"r\" (rvi): period must be an integer from 4"));
    CHECK_THAT(spec_error({"d", "donchian_channels", "close", {{"period", 1}}}).message,
               Contains("period must be an integer from 2"));
    CHECK_THAT(spec_error({"k", "keltner_channels", "close", {{"atr_period", 1}}}).message,
               Contains("atr_period must be an integer from 2"));
    CHECK_THAT(spec_error({"v", "vwap", "close", {{"period", -1}}}).message,
               Contains("period must be an integer from 0"));
  }
  SECTION("Bollinger's ddof") {
    CHECK(spec_error({"b", "bbands", "close", {{"ddof", 2}}}).get("key") == "ddof");
    CHECK(spec_error({"b", "bbands", "close", {{"period", 1}}}).get("key") == "period");
    CHECK_NOTHROW(make({"b", "bbands", "close", {{"period", 1}, {"ddof", 0}}}));
  }
  SECTION("options take one of their words") {
    const Error error = spec_error({"a", "atr", "close", {}, {{"smoothing", "ema"}}});
    CHECK(error.get("key") == "smoothing");
    CHECK_THAT(error.message, Contains("smoothing must be one of simple, wilder, got \"ema\""));
    CHECK_THAT(spec_error({"a", "aroon", "close", {}, {{"include_oscillator", "yes"}}}).message,
               Contains("include_oscillator must be one of false, true"));
    CHECK_THAT(spec_error({"a", "aroon", "close", {{"include_oscillator", 1}}}).message,
               Contains("include_oscillator must be one of false, true, got 1"));
    CHECK_THAT(spec_error({"a", "atr", "close", {}, {{"period", "fourteen"}}}).message,
               Contains("period must be a number, got \"fourteen\""));
    const Error unknown = spec_error({"a", "atr", "close", {}, {{"method", "sma"}}});
    CHECK(unknown.get("key") == "method");
    CHECK_THAT(unknown.message,
               Contains("unknown parameter \"method\" (valid: period, smoothing)"));
  }
  SECTION("the types that read several prices take no source") {
    CHECK(spec_error({"s", "supertrend", "open"}).get("key") == "source");
    CHECK(spec_error({"v", "vwap", "hl2"}).get("key") == "source");
  }
}

TEST_CASE("added types: NaN from the first non-finite input on", "[training][indicator]") {
  // Eight bars, then one whose high is NaN, then a finite one: every output (the Ichimoku's
  // chikou, a close, included) is NaN from bar 8 on.
  BarSeries bars = swing_bars();
  for (const double high : {13.0, 14.0, kNaN, 13.0}) {
    bars.append({bars.timestamps().back() + std::chrono::hours(1), 12, high, 11, 12, 100});
  }
  for (const auto& spec : kSmallSpecs) {
    INFO(spec.id);
    for (const auto& [name, values] : compute(spec, bars)) {
      INFO(name);
      CHECK(std::isnan(values[8]));
      CHECK(std::isnan(values[9]));
      if (spec.type != "zigzag") CHECK_FALSE(std::isnan(values[7]));
    }
  }
}

TEST_CASE("added types: compute() stops on a cancelled token", "[training][indicator]") {
  const BarSeries bars = closes({1, 2, 3});
  CancellationSource source;
  source.cancel(CancelReason::kUser, "stop");
  for (const auto& spec : kSmallSpecs) {
    INFO(spec.id);
    try {
      make(spec)->compute(bars, source.token());
      FAIL("not cancelled");
    } catch (const CancelledError& error) {
      CHECK(error.error().get("where") == "indicator " + spec.id);
    }
  }
}

TEST_CASE("added types: long windows over long series stay linear", "[training][indicator]") {
  std::vector<Ohlcv> rows(400'000);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double c = 100 + 10 * std::sin(static_cast<double>(i) / 997.0);
    rows[i] = {c, c + 1, c - 1, c + 0.5, 1000};
  }
  const BarSeries bars = series(rows);
  for (auto spec : kSmallSpecs) {
    INFO(spec.id);
    for (auto& [name, value] : spec.params) {
      if (name.ends_with("period")) value = 100'000;
    }
    const auto indicator = make(spec);
    for (const auto& output : indicator->compute(bars, CancellationToken())) {
      INFO(output.name);
      if (spec.type != "zigzag") CHECK_FALSE(std::isnan(output.values.back()));
    }
  }
}
