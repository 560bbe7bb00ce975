// build_features and concat_symbols: column names and order, memberships, lags, dropped rows
// (warm-up, history, unlabelled tail), higher timeframes aligned without look-ahead, labels,
// errors, cancellation, progress, and the time-ordered union of symbols.
#include "feature_builder.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>

#include "zigzag_labeler.hpp"

using namespace ktrdr;
using namespace ktrdr::training;
using namespace std::chrono_literals;
using Catch::Matchers::Contains;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
const std::chrono::sys_seconds kDay0{std::chrono::sys_days{std::chrono::year{2024} / 1 / 1}};

// Bars of `tf` opening at the given offsets from kDay0, closes 100 + index.
BarSeries bars_at(Timeframe tf, const std::vector<std::chrono::seconds>& offsets,
                  std::string symbol = "AAPL") {
  BarSeries bars(std::move(symbol), tf);
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    const double close = 100.0 + static_cast<double>(i);
    bars.append({kDay0 + offsets[i], close, close, close, close, 1.0});
  }
  return bars;
}

// `n` consecutive bars of `tf` from kDay0.
BarSeries consecutive(Timeframe tf, std::size_t n, std::string symbol = "AAPL") {
  std::vector<std::chrono::seconds> offsets;
  for (std::size_t i = 0; i < n; ++i) offsets.push_back(duration(tf) * static_cast<long>(i));
  return bars_at(tf, offsets, std::move(symbol));
}

// A triangular set on `input` that maps [0, top] linearly onto [0, 1].
FuzzySet ramp(std::string input, std::string name, double top) {
  return FuzzySet::create({std::move(input),
                           std::move(name),
                           MembershipShape::kTriangular,
                           {0.0, top, top + 1.0}})
      .value_or_throw();
}

FeatureSettings settings(Timeframe base, int lookback = 0, int lookahead = 1, int history = 0) {
  FeatureSettings s;
  s.base_timeframe = base;
  s.lookback_periods = lookback;
  s.history_required = history;
  s.labels = {"zigzag", 0.03, lookahead, LabelMethod::kFirstTouch};
  return s;
}

std::vector<double> iota_values(std::size_t n, double from = 0.0) {
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = from + static_cast<double>(i);
  return out;
}

Error build_error(std::span<const TimeframeInput> inputs, std::span<const FuzzySet> sets,
                  const FeatureSettings& s) {
  auto built = build_features(inputs, sets, s, CancellationToken());
  REQUIRE_FALSE(built.ok());
  CHECK(built.error().code == ErrorCode::kInvalidArgument);
  return built.error();
}

}  // namespace

TEST_CASE("base-timeframe features are memberships named <input>_<set>", "[training][features]") {
  const BarSeries bars = consecutive(Timeframe::k1h, 6);
  const std::vector<IndicatorOutput> outputs{{"rsi", {0, 10, 20, 30, 40, 50}},
                                             {"sma", {100, 100, 100, 100, 100, 100}}};
  const std::vector<FuzzySet> sets{ramp("rsi", "up", 100), ramp("sma", "level", 200)};
  const std::vector<TimeframeInput> inputs{{bars, outputs}};
  const FeatureMatrix m =
      build_features(inputs, sets, settings(Timeframe::k1h), CancellationToken()).value();
  CHECK(m.feature_names == std::vector<std::string>{"rsi_up", "sma_level"});
  CHECK(m.symbols == std::vector<std::string>{"AAPL"});
  REQUIRE(m.rows() == 5);  // the last bar has no label
  for (std::size_t r = 0; r < m.rows(); ++r) {
    CHECK(m.row(r)[0] == Approx(static_cast<double>(r) * 0.1));
    CHECK(m.row(r)[1] == Approx(0.5));
    CHECK(m.timestamps[r] == bars.timestamps()[r]);
    CHECK(m.symbol_index[r] == 0);
  }
  CHECK(m.values.size() == 10);
}

TEST_CASE("a set with a close price_ratio reads the timeframe's close / the output (KTRDR's MAs)",
          "[training][features]") {
  const BarSeries hourly = consecutive(Timeframe::k1h, 48);  // closes 100, 101, …
  const BarSeries daily = consecutive(Timeframe::k1d, 2);    // closes 100, 101
  const std::vector<IndicatorOutput> hourly_sma{{"sma", std::vector<double>(48, 110.0)}};
  const std::vector<IndicatorOutput> daily_sma{{"sma", {80.0, 80.0}}};
  FuzzySetSpec spec{"sma", "above", MembershipShape::kTriangular, {0.0, 2.0, 4.0}};
  spec.price_ratio = "close";
  const std::vector<FuzzySet> sets{FuzzySet::create(spec).value_or_throw()};
  const std::vector<TimeframeInput> inputs{{hourly, hourly_sma}, {daily, daily_sma}};
  const FeatureMatrix m =
      build_features(inputs, sets, settings(Timeframe::k1h), CancellationToken()).value();
  REQUIRE(m.feature_names == std::vector<std::string>{"sma_above", "1d:sma_above"});
  REQUIRE(m.rows() > 0);
  for (std::size_t r = 0; r < m.rows(); ++r) {
    const auto bar = static_cast<std::size_t>((m.timestamps[r] - kDay0) / 1h);
    const double ratio = (100.0 + static_cast<double>(bar)) / 110.0;  // below the peak at 2
    CHECK(m.row(r)[0] == Approx(ratio / 2.0).epsilon(1e-6));
    CHECK(m.row(r)[1] == Approx(100.0 / 80.0 / 2.0));  // the first daily bar: close 100 / 80
  }
}

TEST_CASE("lags follow the features, k bars back, and their warm-up drops rows",
          "[training][features]") {
  const BarSeries bars = consecutive(Timeframe::k1h, 8);
  const std::vector<IndicatorOutput> outputs{{"x", iota_values(8)}};
  const std::vector<FuzzySet> sets{ramp("x", "a", 100), ramp("x", "b", 10)};
  const std::vector<TimeframeInput> inputs{{bars, outputs}};
  const FeatureMatrix m =
      build_features(inputs, sets, settings(Timeframe::k1h, 2), CancellationToken()).value();
  CHECK(m.feature_names ==
        std::vector<std::string>{"x_a", "x_b", "x_a_lag1", "x_b_lag1", "x_a_lag2", "x_b_lag2"});
  // Bars 2 … 6: bars 0 and 1 lack lag 2, bar 7 has no label.
  REQUIRE(m.rows() == 5);
  for (std::size_t r = 0; r < m.rows(); ++r) {
    const double bar = static_cast<double>(r + 2);
    CHECK(m.timestamps[r] == bars.timestamps()[r + 2]);
    CHECK(m.row(r)[0] == Approx(bar / 100));
    CHECK(m.row(r)[1] == Approx(bar / 10));
    CHECK(m.row(r)[2] == Approx((bar - 1) / 100));
    CHECK(m.row(r)[3] == Approx((bar - 1) / 10));
    CHECK(m.row(r)[4] == Approx((bar - 2) / 100));
    CHECK(m.row(r)[5] == Approx((bar - 2) / 10));
  }
}

TEST_CASE("rows with a NaN feature, within history_required or unlabelled are dropped",
          "[training][features]") {
  const BarSeries bars = consecutive(Timeframe::k1h, 12);
  std::vector<double> x = iota_values(12, 1.0);
  x[0] = x[1] = x[2] = kNaN;  // warm-up
  x[6] = kNaN;                // a hole
  const std::vector<IndicatorOutput> outputs{{"x", x}};
  const std::vector<FuzzySet> sets{ramp("x", "a", 100)};
  const std::vector<TimeframeInput> inputs{{bars, outputs}};
  const auto times_of = [&](const FeatureMatrix& m) {
    std::vector<std::size_t> bar_indices;
    for (const auto t : m.timestamps)
      bar_indices.push_back(static_cast<std::size_t>((t - kDay0) / 1h));
    return bar_indices;
  };
  // Lookahead 2: bars 10 and 11 have no label.
  CHECK(times_of(build_features(inputs, sets, settings(Timeframe::k1h, 0, 2), CancellationToken())
                     .value()) == std::vector<std::size_t>{3, 4, 5, 7, 8, 9});
  // Lag 1 also drops the bar after each NaN.
  CHECK(times_of(build_features(inputs, sets, settings(Timeframe::k1h, 1, 2), CancellationToken())
                     .value()) == std::vector<std::size_t>{4, 5, 8, 9});
  // history_required skips the first bars even where features exist.
  CHECK(
      times_of(build_features(inputs, sets, settings(Timeframe::k1h, 0, 2, 5), CancellationToken())
                   .value()) == std::vector<std::size_t>{5, 7, 8, 9});
  // Nothing left.
  CHECK(build_features(inputs, sets, settings(Timeframe::k1h, 0, 20), CancellationToken())
            .value()
            .rows() == 0);
}

TEST_CASE("labels are the zigzag labels of the base closes at each row's bar",
          "[training][features]") {
  BarSeries bars("AAPL", Timeframe::k1h);
  const std::vector<double> closes{110, 108, 106, 104, 102, 100, 102, 104, 106, 108, 110};
  for (std::size_t i = 0; i < closes.size(); ++i) {
    bars.append({kDay0 + 1h * static_cast<long>(i), closes[i], closes[i], closes[i], closes[i], 1});
  }
  std::vector<double> x = iota_values(closes.size());
  x[0] = kNaN;
  const std::vector<IndicatorOutput> outputs{{"x", x}};
  const std::vector<FuzzySet> sets{ramp("x", "a", 100)};
  const std::vector<TimeframeInput> inputs{{bars, outputs}};
  const FeatureMatrix m =
      build_features(inputs, sets, settings(Timeframe::k1h, 0, 3), CancellationToken()).value();
  const std::vector<Label> expected =
      ZigZagLabeler::create({"zigzag", 0.03, 3, LabelMethod::kFirstTouch})
          .value()
          .label(closes)
          .value()
          .labels;
  REQUIRE(m.rows() == expected.size() - 1);
  for (std::size_t r = 0; r < m.rows(); ++r) {
    CHECK(m.labels[r] == static_cast<std::int64_t>(expected[r + 1]));
  }
  CHECK(m.labels == std::vector<std::int64_t>{2, 2, 2, 1, 0, 0, 0});
}

TEST_CASE("segment labels label every bar, with the bar each label reads up to",
          "[training][features]") {
  BarSeries bars("AAPL", Timeframe::k1h);
  const std::vector<double> closes{100, 101, 103, 102, 104, 100, 99, 101, 98, 103};
  for (std::size_t i = 0; i < closes.size(); ++i) {
    bars.append({kDay0 + 1h * static_cast<long>(i), closes[i], closes[i], closes[i], closes[i], 1});
  }
  const std::vector<IndicatorOutput> outputs{{"x", iota_values(closes.size())}};
  const std::vector<FuzzySet> sets{ramp("x", "a", 100)};
  const std::vector<TimeframeInput> inputs{{bars, outputs}};
  FeatureSettings s = settings(Timeframe::k1h);
  s.labels.method = LabelMethod::kSegments;
  const FeatureMatrix m = build_features(inputs, sets, s, CancellationToken()).value();
  REQUIRE(m.rows() == closes.size());
  CHECK(m.labels == std::vector<std::int64_t>{1, 0, 0, 0, 1, 2, 2, 2, 1, 1});
  const std::vector<int> reads_to{2, 5, 5, 5, 5, 9, 9, 9, 9, 9};
  for (std::size_t r = 0; r < m.rows(); ++r) {
    CHECK(m.label_ends[r] == kDay0 + 1h * reads_to[r]);
  }
}

TEST_CASE("a daily bar is visible only to hourly rows whose bar closes after it closed",
          "[training][features][alignment]") {
  const BarSeries hourly = consecutive(Timeframe::k1h, 72);
  const BarSeries daily = consecutive(Timeframe::k1d, 3);
  const std::vector<IndicatorOutput> hourly_out{{"x", std::vector<double>(72, 5.0)}};
  const std::vector<IndicatorOutput> daily_out{{"x", {1, 2, 3}}};
  const std::vector<FuzzySet> sets{ramp("x", "level", 10)};
  const std::vector<TimeframeInput> inputs{{daily, daily_out}, {hourly, hourly_out}};
  const FeatureMatrix m =
      build_features(inputs, sets, settings(Timeframe::k1h), CancellationToken()).value();
  CHECK(m.feature_names == std::vector<std::string>{"x_level", "1d:x_level"});
  // Day 0 closes at 24:00, with the hourly bar opening at 23:00: the first row.
  REQUIRE(m.rows() == 72 - 23 - 1);
  CHECK(m.timestamps.front() == kDay0 + 23h);
  const auto daily_at = [&](std::chrono::hours offset) {
    for (std::size_t r = 0; r < m.rows(); ++r) {
      if (m.timestamps[r] == kDay0 + offset) return static_cast<double>(m.row(r)[1]);
    }
    FAIL("no row at +" << offset.count() << "h");
    return 0.0;
  };
  CHECK(daily_at(23h) == Approx(0.1));
  CHECK(daily_at(46h) == Approx(0.1));  // day 1 still open
  CHECK(daily_at(47h) == Approx(0.2));
  CHECK(daily_at(70h) == Approx(0.2));  // day 2 closes with the 71h bar, which has no label
}

TEST_CASE("no row ever sees a higher bar that had not closed", "[training][features][alignment]") {
  // 15-minute base bars over 20 days with random gaps; 1h, 4h and 1d bars with gaps too. Each
  // higher output is its bar's open time in hours, mapped linearly onto [0, 1].
  std::mt19937_64 random(11);
  std::bernoulli_distribution keep(0.8);
  const auto thinned = [&](Timeframe tf, std::chrono::seconds span) {
    std::vector<std::chrono::seconds> offsets;
    for (std::chrono::seconds t{0}; t < span; t += duration(tf)) {
      if (keep(random)) offsets.push_back(t);
    }
    return bars_at(tf, offsets);
  };
  const std::chrono::seconds span = 24h * 20;
  const double top = 24.0 * 20;
  const BarSeries base = thinned(Timeframe::k15m, span);
  const std::vector<BarSeries> higher{thinned(Timeframe::k1h, span), thinned(Timeframe::k4h, span),
                                      thinned(Timeframe::k1d, span)};
  const auto open_hours = [](const BarSeries& bars) {
    std::vector<double> out;
    for (const auto t : bars.timestamps()) out.push_back(static_cast<double>((t - kDay0) / 1h));
    return out;
  };
  const std::vector<IndicatorOutput> base_out{{"t", open_hours(base)}};
  std::vector<std::vector<IndicatorOutput>> higher_out;
  for (const BarSeries& bars : higher) higher_out.push_back({{"t", open_hours(bars)}});
  std::vector<TimeframeInput> inputs{{base, base_out}};
  for (std::size_t k = 0; k < higher.size(); ++k) inputs.push_back({higher[k], higher_out[k]});
  const std::vector<FuzzySet> sets{ramp("t", "open", top)};

  const FeatureMatrix m =
      build_features(inputs, sets, settings(Timeframe::k15m, 1), CancellationToken()).value();
  CHECK(m.feature_names == std::vector<std::string>{"t_open", "1h:t_open", "4h:t_open", "1d:t_open",
                                                    "t_open_lag1", "1h:t_open_lag1",
                                                    "4h:t_open_lag1", "1d:t_open_lag1"});
  REQUIRE(m.rows() > 1000);
  for (std::size_t r = 0; r < m.rows(); ++r) {
    const auto row_close = m.timestamps[r] + 15min;
    for (std::size_t k = 0; k < higher.size(); ++k) {
      const auto hours = std::lround(static_cast<double>(m.row(r)[k + 1]) * top);
      const std::chrono::sys_seconds open = kDay0 + std::chrono::hours(hours);
      const auto length = duration(higher[k].timeframe());
      CHECK(open <= m.timestamps[r]);
      CHECK(open + length <= row_close);
      // And it is the latest such bar: the next one had not closed.
      const auto times = higher[k].timestamps();
      const auto it = std::upper_bound(times.begin(), times.end(), open);
      REQUIRE(it != times.begin());
      CHECK(*(it - 1) == open);
      if (it != times.end()) CHECK(*it + length > row_close);
    }
  }
}

TEST_CASE("columns follow the base, then the other timeframes in the order given",
          "[training][features]") {
  const BarSeries hourly = consecutive(Timeframe::k1h, 60);
  const BarSeries four = consecutive(Timeframe::k4h, 15);
  const BarSeries daily = consecutive(Timeframe::k1d, 3);
  const std::vector<IndicatorOutput> h{{"x", iota_values(60)}};
  const std::vector<IndicatorOutput> f{{"x", iota_values(15)}};
  const std::vector<IndicatorOutput> d{{"x", iota_values(3)}};
  const std::vector<FuzzySet> sets{ramp("x", "a", 100), ramp("x", "b", 200)};
  const std::vector<TimeframeInput> inputs{{daily, d}, {hourly, h}, {four, f}};
  const FeatureMatrix m =
      build_features(inputs, sets, settings(Timeframe::k1h), CancellationToken()).value();
  CHECK(m.feature_names ==
        std::vector<std::string>{"x_a", "x_b", "1d:x_a", "1d:x_b", "4h:x_a", "4h:x_b"});
}

TEST_CASE("build_features names what is wrong with its inputs", "[training][features]") {
  const BarSeries hourly = consecutive(Timeframe::k1h, 10);
  const BarSeries daily = consecutive(Timeframe::k1d, 2);
  const BarSeries half_hourly = consecutive(Timeframe::k30m, 20);
  const BarSeries other_symbol = consecutive(Timeframe::k1d, 2, "MSFT");
  const BarSeries unsorted = bars_at(Timeframe::k1d, {24h, 0h});
  const std::vector<IndicatorOutput> ten{{"x", iota_values(10)}};
  const std::vector<IndicatorOutput> two{{"x", iota_values(2)}};
  const std::vector<IndicatorOutput> twenty{{"x", iota_values(20)}};
  const std::vector<IndicatorOutput> short_out{{"x", iota_values(1)}};
  const std::vector<IndicatorOutput> other_name{{"y", iota_values(2)}, {"z", iota_values(2)}};
  const std::vector<FuzzySet> sets{ramp("x", "a", 100)};
  const auto s = settings(Timeframe::k1h);

  SECTION("no base timeframe") {
    const std::vector<TimeframeInput> inputs{{daily, two}};
    const Error e = build_error(inputs, sets, s);
    CHECK(e.get("field") == "base_timeframe");
    CHECK_THAT(e.message, Contains("1h"));
  }
  SECTION("a timeframe twice") {
    const std::vector<TimeframeInput> inputs{{hourly, ten}, {daily, two}, {daily, two}};
    const Error e = build_error(inputs, sets, s);
    CHECK(e.get("value") == "1d");
    CHECK_THAT(e.message, Contains("twice"));
  }
  SECTION("a timeframe shorter than the base") {
    const std::vector<TimeframeInput> inputs{{hourly, ten}, {half_hourly, twenty}};
    const Error e = build_error(inputs, sets, s);
    CHECK(e.get("value") == "30m");
    CHECK_THAT(e.message, Contains("not longer"));
  }
  SECTION("bars of another symbol") {
    const std::vector<TimeframeInput> inputs{{hourly, ten}, {other_symbol, two}};
    const Error e = build_error(inputs, sets, s);
    CHECK(e.get("value") == "MSFT");
    CHECK_THAT(e.message, Contains("AAPL"));
  }
  SECTION("bars out of order") {
    const std::vector<TimeframeInput> inputs{{hourly, ten}, {unsorted, two}};
    CHECK_THAT(build_error(inputs, sets, s).message, Contains("not strictly ascending at bar 1"));
  }
  SECTION("an output of the wrong length") {
    const std::vector<TimeframeInput> inputs{{hourly, ten}, {daily, short_out}};
    const Error e = build_error(inputs, sets, s);
    CHECK(e.get("value") == "x");
    CHECK_THAT(e.message, Contains("1 values for 2 bars"));
  }
  SECTION("a fuzzy set input missing on a timeframe") {
    const std::vector<TimeframeInput> inputs{{hourly, ten}, {daily, other_name}};
    const Error e = build_error(inputs, sets, s);
    CHECK(e.get("field") == "fuzzy_sets");
    CHECK_THAT(e.message, Contains("x_a") && Contains("1d") && Contains("y, z"));
  }
  SECTION("bad settings") {
    const std::vector<TimeframeInput> inputs{{hourly, ten}};
    CHECK(build_error(inputs, sets, settings(Timeframe::k1h, -1)).get("field") ==
          "model.lookback_periods");
    CHECK(build_error(inputs, sets, settings(Timeframe::k1h, 0, 1, -3)).get("field") ==
          "history_required");
    CHECK(build_error(inputs, sets, settings(Timeframe::k1h, 0, 0)).get("field") ==
          "labels.label_lookahead");
  }
}

TEST_CASE("build_features stops when cancelled and reports progress", "[training][features]") {
  const std::size_t n = 25'000;
  const BarSeries bars = consecutive(Timeframe::k1m, n);
  const std::vector<IndicatorOutput> outputs{{"x", std::vector<double>(n, 1.0)}};
  const std::vector<FuzzySet> sets{ramp("x", "a", 10)};
  const std::vector<TimeframeInput> inputs{{bars, outputs}};

  std::vector<std::pair<std::size_t, std::size_t>> reports;
  const FeatureMatrix m =
      build_features(
          inputs, sets, settings(Timeframe::k1m), CancellationToken(),
          [&](std::size_t done, std::size_t total) { reports.emplace_back(done, total); })
          .value();
  CHECK(m.rows() == n - 1);
  CHECK(reports == std::vector<std::pair<std::size_t, std::size_t>>{
                       {10'000, n - 1}, {20'000, n - 1}, {n - 1, n - 1}});

  CancellationSource source;
  source.cancel();
  CHECK_THROWS_AS(build_features(inputs, sets, settings(Timeframe::k1m), source.token()),
                  CancelledError);

  // Cancelled while building rows: the check every 10,000 rows sees it.
  CancellationSource later;
  CHECK_THROWS_AS(build_features(inputs, sets, settings(Timeframe::k1m), later.token(),
                                 [&](std::size_t, std::size_t) { later.cancel(); }),
                  CancelledError);
}

TEST_CASE("concat_symbols orders rows by time, ties by symbol", "[training][features]") {
  const auto matrix = [](std::string symbol, std::vector<std::chrono::hours> hours, float base) {
    FeatureMatrix m;
    m.feature_names = {"f"};
    m.symbols = {std::move(symbol)};
    for (std::size_t i = 0; i < hours.size(); ++i) {
      m.timestamps.push_back(kDay0 + hours[i]);
      m.values.push_back(base + static_cast<float>(i));
      m.labels.push_back(static_cast<std::int64_t>(i % kLabelCount));
      m.label_ends.push_back(m.timestamps.back());
      m.symbol_index.push_back(0);
    }
    return m;
  };
  const std::vector<FeatureMatrix> parts{matrix("AAPL", {1h, 3h, 4h}, 10.0f),
                                         matrix("MSFT", {0h, 3h, 5h}, 20.0f)};
  const FeatureMatrix m = concat_symbols(parts).value();
  CHECK(m.symbols == std::vector<std::string>{"AAPL", "MSFT"});
  CHECK(m.feature_names == std::vector<std::string>{"f"});
  CHECK(m.values == std::vector<float>{20, 10, 11, 21, 12, 22});
  CHECK(m.symbol_index == std::vector<std::int32_t>{1, 0, 0, 1, 0, 1});
  CHECK(m.labels == std::vector<std::int64_t>{0, 0, 1, 1, 2, 2});
  std::vector<std::chrono::sys_seconds> expected;
  for (const auto h : {0h, 1h, 3h, 3h, 4h, 5h}) expected.push_back(kDay0 + h);
  CHECK(m.timestamps == expected);

  SECTION("different features name the symbol") {
    std::vector<FeatureMatrix> bad = parts;
    bad[1].feature_names = {"g"};
    const auto out = concat_symbols(bad);
    REQUIRE_FALSE(out.ok());
    CHECK(out.error().get("value") == "MSFT");
    CHECK_THAT(out.error().message, Contains("MSFT") && Contains("column 0 is g"));
  }
  SECTION("a symbol twice") {
    const std::vector<FeatureMatrix> twice{parts[0], parts[0]};
    const auto out = concat_symbols(twice);
    REQUIRE_FALSE(out.ok());
    CHECK_THAT(out.error().message, Contains("AAPL is given twice"));
  }
  SECTION("nothing") { CHECK_FALSE(concat_symbols({}).ok()); }
}

TEST_CASE("raw inputs are the outputs' values, after the memberships of each timeframe",
          "[training][features][alignment]") {
  const BarSeries hourly = consecutive(Timeframe::k1h, 72);
  const BarSeries daily = consecutive(Timeframe::k1d, 3);
  const std::vector<IndicatorOutput> hourly_out{{"x", iota_values(72, 100.0)},
                                                {"y.signal", iota_values(72, -5.0)}};
  const std::vector<IndicatorOutput> daily_out{{"x", {7, 8, 9}}, {"y.signal", {1, 2, 3}}};
  const std::vector<FuzzySet> sets{ramp("x", "level", 10)};
  FeatureSettings s = settings(Timeframe::k1h, 1);
  s.raw_inputs = {{.reference = "x", .output = "x", .normalization = Normalization::kMinMax},
                  {.reference = "y.sig", .output = "y.signal", .timeframes = {Timeframe::k1d}}};
  const std::vector<TimeframeInput> inputs{{hourly, hourly_out}, {daily, daily_out}};
  const FeatureMatrix m = build_features(inputs, sets, s, CancellationToken()).value();
  CHECK(m.feature_names == std::vector<std::string>{"x_level", "x_raw", "1d:x_level", "1d:x_raw",
                                                    "1d:y.sig_raw", "x_level_lag1", "x_raw_lag1",
                                                    "1d:x_level_lag1", "1d:x_raw_lag1",
                                                    "1d:y.sig_raw_lag1"});
  REQUIRE(m.rows() > 0);
  for (std::size_t r = 0; r < m.rows(); ++r) {
    const auto hour = (m.timestamps[r] - kDay0) / 1h;
    const auto closed_days = (hour + 1) / 24;  // daily bars closed when this hourly bar closes
    INFO("row at +" << hour << "h");
    CHECK(m.row(r)[1] == Approx(100.0 + static_cast<double>(hour)));
    CHECK(m.row(r)[3] == Approx(6.0 + static_cast<double>(closed_days)));
    CHECK(m.row(r)[4] == Approx(static_cast<double>(closed_days)));
    CHECK(m.row(r)[6] == Approx(99.0 + static_cast<double>(hour)));
  }

  SECTION("a raw input reading an output a timeframe lacks is an error naming it") {
    s.raw_inputs[1].output = "z";
    const Error error = build_error(inputs, sets, s);
    CHECK(error.get("field") == "nn_inputs");
    CHECK(error.get("value") == "z");
    CHECK_THAT(error.message, Contains("raw input y.sig reads z"));
  }
}
