#include "synthetic_provider.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <string>
#include <vector>

#include "ib_error.hpp"
#include "instrument.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "quality_checker.hpp"

using namespace ktrdr;
using namespace ktrdr::data;
using namespace std::chrono_literals;
using std::chrono::days;
using std::chrono::sys_seconds;

namespace {

sys_seconds at(const char* iso) {
  return std::chrono::time_point_cast<std::chrono::seconds>(parse_iso8601(iso).value());
}

BarSeries generate(const SyntheticProvider& provider, std::string_view symbol, Timeframe tf,
                   const char* from, const char* to) {
  Result<BarSeries> bars = provider.generate(symbol, tf, at(from), at(to));
  REQUIRE(bars.ok());
  return std::move(bars).value();
}

// The bars of `a` whose open times `b` also has, and b's bars at those times.
void check_common_bars_equal(const BarSeries& a, const BarSeries& b) {
  std::size_t common = 0;
  for (std::size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    if (a.timestamps()[i] < b.timestamps()[j]) {
      ++i;
    } else if (b.timestamps()[j] < a.timestamps()[i]) {
      ++j;
    } else {
      INFO(to_iso8601(a.timestamps()[i]));
      CHECK(a[i] == b[j]);
      ++common;
      ++i;
      ++j;
    }
  }
  CHECK(common > 0);
}

std::size_t bars_on(const BarSeries& series, const char* day) {
  const sys_seconds from = at(day);
  return series.slice(from, from + days{1}).size();
}

std::chrono::weekday weekday_of(sys_seconds t) {
  return std::chrono::weekday{std::chrono::floor<days>(t)};
}

}  // namespace

TEST_CASE("synthetic bars depend only on seed, symbol, timeframe and open time",
          "[data][providers][synthetic]") {
  SyntheticProvider provider;

  SECTION("overlapping generated ranges agree bar for bar") {
    for (const Timeframe tf : {Timeframe::k1m, Timeframe::k1h, Timeframe::k1d, Timeframe::k1w}) {
      INFO(to_string(tf));
      check_common_bars_equal(
          generate(provider, "AAPL", tf, "2024-01-01T00:00:00Z", "2024-03-01T00:00:00Z"),
          generate(provider, "AAPL", tf, "2024-02-01T13:37:00Z", "2024-04-01T00:00:00Z"));
    }
    check_common_bars_equal(generate(provider, "EURUSD", Timeframe::k5m, "2024-03-01T00:00:00Z",
                                     "2024-03-08T00:00:00Z"),
                            generate(provider, "EURUSD", Timeframe::k5m, "2024-03-05T07:00:00Z",
                                     "2024-03-12T00:00:00Z"));
  }

  SECTION("overlapping historical requests agree bar for bar") {
    Result<BarSeries> first = provider.historical(
        {"BTCUSDT", Timeframe::k1h, at("2024-03-01T00:00:00Z"), at("2024-03-20T00:00:00Z")}, {});
    Result<BarSeries> second = provider.historical(
        {"BTCUSDT", Timeframe::k1h, at("2024-03-10T05:00:00Z"), at("2024-03-30T00:00:00Z")}, {});
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    check_common_bars_equal(*first, *second);
    CHECK(second->timestamps().front() == at("2024-03-10T05:00:00Z"));
  }

  SECTION("the same seed gives the same bars; another seed or symbol gives others") {
    const BarSeries a =
        generate(provider, "MSFT", Timeframe::k1h, "2024-03-01T00:00:00Z", "2024-03-08T00:00:00Z");
    CHECK(a == generate(SyntheticProvider({.seed = 42}), "MSFT", Timeframe::k1h,
                        "2024-03-01T00:00:00Z", "2024-03-08T00:00:00Z"));
    const BarSeries other_seed = generate(SyntheticProvider({.seed = 7}), "MSFT", Timeframe::k1h,
                                          "2024-03-01T00:00:00Z", "2024-03-08T00:00:00Z");
    REQUIRE(other_seed.size() == a.size());
    CHECK(other_seed.timestamps()[0] == a.timestamps()[0]);
    CHECK(other_seed.closes()[0] != a.closes()[0]);
    const BarSeries other_symbol =
        generate(provider, "NVDA", Timeframe::k1h, "2024-03-01T00:00:00Z", "2024-03-08T00:00:00Z");
    CHECK(other_symbol.closes()[0] != a.closes()[0]);
  }
}

TEST_CASE("synthetic bars follow the instrument's trading calendar",
          "[data][providers][synthetic]") {
  const SyntheticProvider provider;

  SECTION("stocks: NYSE sessions, an IB-style partial first bar, no weekends or holidays") {
    // 2024-07-01 … 07-08: July 3 closes early (13:00 New York), July 4 is a holiday.
    const BarSeries bars =
        generate(provider, "AAPL", Timeframe::k1h, "2024-06-29T00:00:00Z", "2024-07-09T00:00:00Z");
    CHECK(bars_on(bars, "2024-06-29") == 0);
    CHECK(bars_on(bars, "2024-06-30") == 0);
    CHECK(bars_on(bars, "2024-07-01") == 7);  // 13:30Z (half bar), 14:00Z … 19:00Z
    CHECK(bars_on(bars, "2024-07-03") == 4);  // 13:30Z, 14:00Z … 16:00Z
    CHECK(bars_on(bars, "2024-07-04") == 0);
    CHECK(bars_on(bars, "2024-07-05") == 7);
    CHECK(bars.timestamps().front() == at("2024-07-01T13:30:00Z"));
    CHECK(bars.timestamps()[1] == at("2024-07-01T14:00:00Z"));
    const TradingCalendar calendar = TradingCalendar::create(Market::kUsEquity).value();
    for (const sys_seconds t : bars.timestamps()) CHECK(calendar.is_open(t));
  }

  SECTION("forex: Sunday 17:00 to Friday 17:00 New York, nothing over the weekend") {
    const BarSeries bars = generate(provider, "EURUSD", Timeframe::k1h, "2024-03-01T00:00:00Z",
                                    "2024-03-09T00:00:00Z");
    // The week's session: 2024-03-03T22:00Z (17:00 EST Sunday) to 2024-03-08T22:00Z.
    CHECK(bars.slice(at("2024-03-01T22:00:00Z"), at("2024-03-03T22:00:00Z")).empty());
    CHECK(bars.slice(at("2024-03-03T22:00:00Z"), at("2024-03-08T22:00:00Z")).size() == 120);
    CHECK(bars.slice(at("2024-03-08T22:00:00Z"), at("2024-03-09T00:00:00Z")).empty());
    for (const sys_seconds t : bars.timestamps()) CHECK(weekday_of(t) != std::chrono::Saturday);
  }

  SECTION("crypto: every hour of every day") {
    const BarSeries hours = generate(provider, "BTCUSDT", Timeframe::k1h, "2024-03-02T00:00:00Z",
                                     "2024-03-09T00:00:00Z");
    CHECK(hours.size() == 7 * 24);
    CHECK(bars_on(hours, "2024-03-02") == 24);  // a Saturday
    CHECK(bars_on(hours, "2024-03-03") == 24);  // a Sunday
    CHECK(generate(provider, "BTCUSDT", Timeframe::k1m, "2024-03-03T00:00:00Z",
                   "2024-03-04T00:00:00Z")
              .size() == 1440);
  }

  SECTION("1d bars at 00:00Z on trading dates, 1w bars on each week's first trading date") {
    const BarSeries daily =
        generate(provider, "AAPL", Timeframe::k1d, "2024-07-01T00:00:00Z", "2024-07-09T00:00:00Z");
    CHECK(std::vector<sys_seconds>(daily.timestamps().begin(), daily.timestamps().end()) ==
          std::vector<sys_seconds>{at("2024-07-01"), at("2024-07-02"), at("2024-07-03"),
                                   at("2024-07-05"), at("2024-07-08")});
    // January 1, January 15 (MLK) and February 19 (Presidents' Day) 2024 are Monday holidays.
    const BarSeries weekly =
        generate(provider, "AAPL", Timeframe::k1w, "2024-01-01T00:00:00Z", "2024-02-27T00:00:00Z");
    CHECK(std::vector<sys_seconds>(weekly.timestamps().begin(), weekly.timestamps().end()) ==
          std::vector<sys_seconds>{at("2024-01-02"), at("2024-01-08"), at("2024-01-16"),
                                   at("2024-01-22"), at("2024-01-29"), at("2024-02-05"),
                                   at("2024-02-12"), at("2024-02-20"), at("2024-02-26")});
    // A range starting mid-week holds only the weeks that open inside it.
    CHECK(generate(provider, "AAPL", Timeframe::k1w, "2024-01-03T00:00:00Z", "2024-01-10T00:00:00Z")
              .timestamps()
              .front() == at("2024-01-08"));
  }
}

TEST_CASE("synthetic bars are valid OHLCV for every instrument and timeframe",
          "[data][providers][synthetic]") {
  const SyntheticProvider provider;
  for (const char* symbol : {"AAPL", "EURUSD", "USDJPY", "BTCUSDT", "ETH-USD"}) {
    for (const Timeframe tf : kAllTimeframes) {
      INFO(symbol << " " << to_string(tf));
      const sys_seconds from = at("2021-06-01T00:00:00Z");
      Result<BarSeries> bars =
          provider.generate(symbol, tf, from, from + ib_max_request_duration(tf));
      REQUIRE(bars.ok());
      REQUIRE(bars->size() > 0);
      for (std::size_t i = 0; i < bars->size(); ++i) {
        const Bar bar = (*bars)[i];
        if (i > 0 && bar.timestamp <= bars->timestamps()[i - 1]) FAIL("not strictly ascending");
        const bool valid = std::isfinite(bar.open) && std::isfinite(bar.close) &&
                           std::isfinite(bar.high) && std::isfinite(bar.low) && bar.low > 0.0 &&
                           bar.high >= std::max(bar.open, bar.close) &&
                           bar.low <= std::min(bar.open, bar.close) && bar.volume > 0.0;
        if (!valid) FAIL("invalid bar at " << to_iso8601(bar.timestamp));
      }
    }
  }
}

TEST_CASE("the quality checker finds nothing wrong with synthetic series",
          "[data][providers][synthetic]") {
  const SyntheticProvider provider;
  for (const char* symbol : {"AAPL", "EURUSD", "BTCUSDT"}) {
    for (const Timeframe tf : {Timeframe::k1m, Timeframe::k1h, Timeframe::k1d}) {
      INFO(symbol << " " << to_string(tf));
      const Instrument instrument = infer_instrument(symbol);
      const QualityChecker checker({}, GapFinder(calendar_of(instrument).value()));
      const sys_seconds from = at("2022-01-03T00:00:00Z");
      const QualityReport report = checker.check(
          provider.generate(symbol, tf, from, from + days{tf == Timeframe::k1m ? 10 : 400})
              .value());
      CHECK(report.errors == 0);
      CHECK(report.warnings == 0);
      for (const QualityIssue& issue : report.issues)
        UNSCOPED_INFO(issue.check << ": " << issue.message);
      REQUIRE(report.gap_report.has_value());
      CHECK(report.gap_report->gaps.empty());
      CHECK(report.gap_report->unexpected_bars == 0);
    }
  }
}

TEST_CASE("synthetic provider answers like IB", "[data][providers][synthetic]") {
  SyntheticProvider provider;
  CHECK(provider.name() == "synthetic");

  SECTION("any valid symbol has a contract with every timeframe") {
    Result<ContractInfo> info = provider.contract("EURUSD", {});
    REQUIRE(info.ok());
    CHECK(info->instrument == Instrument::kForex);
    CHECK(info->timeframes == std::vector<Timeframe>(kAllTimeframes.begin(), kAllTimeframes.end()));
    CHECK(provider.contract("ANYTHING.X", {})->instrument == Instrument::kStock);
    CHECK(provider.contract("no/good", {}).error().get("field") == "symbol");
  }

  SECTION("the head timestamp is the first bar at or after the configured head") {
    CHECK(provider.head_timestamp("AAPL", Timeframe::k1h, {}).value() ==
          at("2000-01-03T14:30:00Z"));
    CHECK(provider.head_timestamp("AAPL", Timeframe::k1d, {}).value() == at("2000-01-03"));
    CHECK(provider.head_timestamp("BTCUSDT", Timeframe::k1m, {}).value() == at("2000-01-03"));
    SyntheticProvider later({.head = at("2020-01-04T00:00:00Z")});  // a Saturday
    CHECK(later.head_timestamp("AAPL", Timeframe::k1w, {}).value() == at("2020-01-06"));
    CHECK(later.head_timestamp("EURUSD", Timeframe::k1h, {}).value() == at("2020-01-05T22:00:00Z"));
  }

  SECTION("ranges before the head or without trading are IB 162; bad ranges IB 321") {
    SyntheticProvider later({.head = at("2020-01-06T00:00:00Z")});
    Result<BarSeries> before = later.historical(
        {"AAPL", Timeframe::k1h, at("2019-12-01T00:00:00Z"), at("2019-12-20T00:00:00Z")}, {});
    REQUIRE_FALSE(before.ok());
    CHECK(ib_error_kind(before.error()) == IbErrorKind::kNoData);
    Result<BarSeries> straddling = later.historical(
        {"AAPL", Timeframe::k1h, at("2019-12-20T00:00:00Z"), at("2020-01-10T00:00:00Z")}, {});
    REQUIRE(straddling.ok());
    CHECK(straddling->timestamps().front() == at("2020-01-06T14:30:00Z"));

    CHECK(provider
              .historical(
                  {"AAPL", Timeframe::k1h, at("2024-03-02T00:00:00Z"), at("2024-03-04T00:00:00Z")},
                  {})
              .error()
              .get("ib_code") == "162");
    Result<BarSeries> too_long = provider.historical(
        {"AAPL", Timeframe::k1m, at("2024-03-04T00:00:00Z"), at("2024-03-05T00:00:01Z")}, {});
    REQUIRE_FALSE(too_long.ok());
    CHECK(too_long.error().get("ib_code") == "321");
    CHECK(too_long.error().get("max_days") == "1");
    CHECK(provider
              .historical(
                  {"AAPL", Timeframe::k1m, at("2024-03-04T00:00:00Z"), at("2024-03-04T00:00:00Z")},
                  {})
              .error()
              .get("ib_code") == "321");
  }

  SECTION("generate has no request-length limit") {
    Result<BarSeries> year = provider.generate("AAPL", Timeframe::k1m, at("2023-01-01T00:00:00Z"),
                                               at("2024-01-01T00:00:00Z"));
    REQUIRE(year.ok());
    CHECK(year->size() == 250 * 390 - 2 * 180);  // 250 sessions, 2 early closes (13:00)
  }

  SECTION("pacing limits, health and cancellation") {
    CHECK(provider.pacing_limits({}).value().is_unlimited());
    SyntheticProvider ib({.pacing = PacingLimits::interactive_brokers()});
    CHECK(ib.pacing_limits({}).value() == PacingLimits::interactive_brokers());
    const Json health = provider.health();
    CHECK(health.get_bool("ok") == true);
    CHECK(health.get_int("seed") == 42);

    CancellationSource source;
    source.cancel();
    CHECK(provider
              .historical(
                  {"AAPL", Timeframe::k1h, at("2024-03-04T00:00:00Z"), at("2024-03-05T00:00:00Z")},
                  source.token())
              .error()
              .code == ErrorCode::kCancelled);
    CHECK(provider.contract("AAPL", source.token()).error().code == ErrorCode::kCancelled);
  }
}
