#include "gap_finder.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "ktrdr/sdk/csv_bar_store.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "shared_data.hpp"

using namespace ktrdr;
using namespace ktrdr::data;
using ktrdr::test::read_shared;
using namespace std::chrono_literals;
using std::chrono::sys_seconds;

namespace {

GapReport find(const BarSeries& series, Market market, GapFinderOptions options = {}) {
  const GapFinder finder(TradingCalendar::create(market).value(), std::move(options));
  Result<GapReport> report = finder.find_gaps(series);
  REQUIRE(report.ok());
  return std::move(report).value();
}

sys_seconds at(const char* iso) {
  return std::chrono::time_point_cast<std::chrono::seconds>(parse_iso8601(iso).value());
}

std::size_t count_class(const std::vector<GapRun>& runs, GapClass gap_class) {
  std::size_t n = 0;
  for (const GapRun& run : runs) n += run.classification == gap_class ? 1 : 0;
  return n;
}

// A regular-hours Yahoo-style 1h series (09:30 … 15:30 New York) over [from, to).
BarSeries yahoo_hours(const char* from, const char* to) {
  const TradingCalendar calendar = TradingCalendar::create(Market::kUsEquity).value();
  const BarAlignment alignment{BarAlignment::Anchor::kSessionOpen, 0s};
  const Result<std::vector<sys_seconds>> opens =
      calendar.expected_bars(at(from), at(to), 1h, alignment);
  REQUIRE(opens.ok());
  BarSeries series("TEST", Timeframe::k1h);
  for (const sys_seconds t : opens.value()) {
    series.append(Bar{t, 10.0, 11.0, 9.0, 10.5, 100.0});
  }
  return series;
}

BarSeries without(const BarSeries& series, sys_seconds from, sys_seconds to) {
  BarSeries out(series.symbol(), series.timeframe());
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (series[i].timestamp < from || series[i].timestamp >= to) out.append(series[i]);
  }
  return out;
}

}  // namespace

TEST_CASE("AAPL 1h has no gaps: its four omitted early-close bars are expected", "[data][gaps]") {
  const GapReport report =
      find(read_shared("AAPL_1h.csv", "AAPL", Timeframe::k1h), Market::kUsEquity);
  CHECK(report.alignment == BarAlignment{BarAlignment::Anchor::kSessionOpen, 0s});
  CHECK(report.gaps.empty());
  CHECK(report.missing_bars == 0);
  CHECK(report.unexpected_bars == 0);
  REQUIRE(report.expected_closures.size() == 4);
  CHECK(count_class(report.expected_closures, GapClass::kEarlyClosePartial) == 4);
  CHECK(report.expected_closures[0].from == at("2024-07-03T16:30:00Z"));
  CHECK(report.expected_closures[1].from == at("2024-11-29T17:30:00Z"));
  CHECK(report.expected_closures[2].from == at("2024-12-24T17:30:00Z"));
  CHECK(report.expected_closures[3].from == at("2025-07-03T16:30:00Z"));
  CHECK(report.present_bars == 3299);
}

TEST_CASE("BTCUSDT 1h is continuous", "[data][gaps]") {
  const GapReport report =
      find(read_shared("BTCUSDT_1h.csv", "BTCUSDT", Timeframe::k1h), Market::kCrypto);
  CHECK(report.gaps.empty());
  CHECK(report.expected_closures.empty());
  CHECK(report.unexpected_bars == 0);
  CHECK(report.expected_bars == 33364);
}

TEST_CASE("EURUSD 1h has one real gap, holidays and late week opens are expected closures",
          "[data][gaps]") {
  const GapReport report =
      find(read_shared("EURUSD_1h.csv", "EURUSD", Timeframe::k1h), Market::kFx);
  REQUIRE(report.gaps.size() == 1);
  CHECK(report.gaps[0] ==
        GapRun{at("2021-01-21T15:00:00Z"), at("2021-01-21T16:00:00Z"), 1, GapClass::kIntraday});
  CHECK(report.unexpected_bars == 0);
  CHECK(count_class(report.expected_closures, GapClass::kVendorWeekOpen) == 25);
  CHECK(count_class(report.expected_closures, GapClass::kFxHoliday) == 14);
  CHECK(report.expected_closures.size() == 39);
  CHECK(report.expected_closure_bars == 332);
  for (const GapRun& run : report.expected_closures) {
    if (run.classification != GapClass::kVendorWeekOpen) continue;
    INFO(to_iso8601(run.from));
    CHECK(run.missing_bars == 1);
    CHECK(std::chrono::weekday{std::chrono::floor<std::chrono::days>(run.from)} ==
          std::chrono::Sunday);
    // New York opens at 21:00Z (EDT) while Athens is still (or again) on EET: 00:00 is 22:00Z.
    CHECK(run.from - std::chrono::floor<std::chrono::days>(run.from) == 21h);
    CHECK(run.to - run.from == 1h);
  }
}

namespace {

bool has_bar(const BarSeries& series, sys_seconds t) {
  return std::find(series.timestamps().begin(), series.timestamps().end(), t) !=
         series.timestamps().end();
}

// The runs of `report` (gaps and expected closures) that start at `from`.
std::vector<GapRun> runs_from(const GapReport& report, sys_seconds from) {
  std::vector<GapRun> out;
  for (const auto* runs : {&report.gaps, &report.expected_closures}) {
    for (const GapRun& run : *runs) {
      if (run.from == from) out.push_back(run);
    }
  }
  return out;
}

}  // namespace

TEST_CASE("EURUSD 1h: a week's missing first bar is a gap unless it precedes 00:00 Athens",
          "[data][gaps]") {
  const BarSeries full = read_shared("EURUSD_1h.csv", "EURUSD", Timeframe::k1h);
  const GapReport clean = find(full, Market::kFx);
  REQUIRE(clean.gaps.size() == 1);

  SECTION("a normal week (17:00 New York = 00:00 Athens): its missing first bar is a real gap") {
    // The week of 2021-01-10 opens at 22:00Z in both zones; the vendor's file has that bar.
    const sys_seconds open = at("2021-01-10T22:00:00Z");
    REQUIRE(has_bar(full, open));
    const GapReport report = find(without(full, open, open + 1h), Market::kFx);
    REQUIRE(report.gaps.size() == 2);
    CHECK(runs_from(report, open) ==
          std::vector<GapRun>{GapRun{open, open + 1h, 1, GapClass::kIntraday}});
    CHECK(report.missing_bars == 2);
    CHECK(count_class(report.expected_closures, GapClass::kVendorWeekOpen) == 25);
    CHECK(report.expected_closure_bars == clean.expected_closure_bars);
  }
  SECTION("a DST-mismatch week: 21:00Z is the vendor's late open, a missing 22:00Z is a gap") {
    // 2021-03-14: New York on EDT opens at 21:00Z, Athens on EET at 22:00Z. The vendor's file
    // lacks 21:00Z and has 22:00Z.
    const sys_seconds ny_open = at("2021-03-14T21:00:00Z");
    const sys_seconds athens_midnight = at("2021-03-14T22:00:00Z");
    REQUIRE_FALSE(has_bar(full, ny_open));
    REQUIRE(has_bar(full, athens_midnight));
    CHECK(runs_from(clean, ny_open) ==
          std::vector<GapRun>{GapRun{ny_open, athens_midnight, 1, GapClass::kVendorWeekOpen}});

    const GapReport report =
        find(without(full, athens_midnight, athens_midnight + 1h), Market::kFx);
    CHECK(runs_from(report, ny_open) ==
          std::vector<GapRun>{GapRun{ny_open, athens_midnight, 1, GapClass::kVendorWeekOpen}});
    REQUIRE(report.gaps.size() == 2);
    CHECK(
        runs_from(report, athens_midnight) ==
        std::vector<GapRun>{GapRun{athens_midnight, athens_midnight + 1h, 1, GapClass::kIntraday}});
    CHECK(count_class(report.expected_closures, GapClass::kVendorWeekOpen) == 25);
  }
  SECTION("an empty zone excuses no late week open: the 25 become gaps") {
    GapFinderOptions options;
    options.vendor_week_open_zone = "";
    const GapReport report = find(full, Market::kFx, options);
    CHECK(count_class(report.expected_closures, GapClass::kVendorWeekOpen) == 0);
    CHECK(count_class(report.expected_closures, GapClass::kFxHoliday) == 14);
    REQUIRE(report.gaps.size() == 26);
    CHECK(report.missing_bars == 26);
    CHECK(report.expected_closure_bars == clean.expected_closure_bars - 25);
    CHECK(runs_from(report, at("2021-03-14T21:00:00Z")) ==
          std::vector<GapRun>{GapRun{at("2021-03-14T21:00:00Z"), at("2021-03-14T22:00:00Z"), 1,
                                     GapClass::kIntraday}});
  }
}

TEST_CASE("an unknown vendor week-open zone fails find_gaps with kInvalidArgument",
          "[data][gaps]") {
  GapFinderOptions options;
  options.vendor_week_open_zone = "Europe/Atlantis";
  const GapFinder finder(TradingCalendar::create(Market::kFx).value(), options);
  BarSeries series("EURUSD", Timeframe::k1h);
  series.append(Bar{at("2024-01-08T10:00:00Z"), 1, 1, 1, 1, 1});
  const Result<GapReport> report = finder.find_gaps(series);
  REQUIRE_FALSE(report.ok());
  CHECK(report.error().code == ErrorCode::kInvalidArgument);
  CHECK(report.error().message.find("Europe/Atlantis") != std::string::npos);
  CHECK(report.error().get("field") == "vendor_week_open_zone");
}

TEST_CASE("MSFT and NVDA 1h: closing-print bars are unexpected, one real hole is a gap",
          "[data][gaps]") {
  for (const char* symbol : {"MSFT", "NVDA"}) {
    INFO(symbol);
    const GapReport report = find(
        read_shared(std::string(symbol) + "_1h.csv", symbol, Timeframe::k1h), Market::kUsEquity);
    CHECK(report.alignment == BarAlignment{BarAlignment::Anchor::kSessionOpen, 0s});
    // The zero-volume bars stamped at the close itself (13:00 on early closes, 16:00 on the
    // last day) lie outside the session: unexpected bars, not gaps.
    CHECK(report.unexpected_bars == 4);
    REQUIRE(report.unexpected_samples.size() == 4);
    CHECK(report.unexpected_samples[0] == at("2025-07-03T17:00:00Z"));
    CHECK(report.unexpected_samples[3] == at("2026-05-29T20:00:00Z"));
    // The rest of 2026-01-30 and the start of 2026-02-02 are absent from the vendor's file.
    REQUIRE(report.gaps.size() == 1);
    CHECK(report.gaps[0].from == at("2026-01-30T16:30:00Z"));
    CHECK(report.gaps[0].missing_bars == 9);
    CHECK(report.gaps[0].classification == GapClass::kMissing);
    CHECK(count_class(report.expected_closures, GapClass::kEarlyClosePartial) == 3);
  }
}

TEST_CASE("SPY daily has no gaps over 25 years of NYSE holidays", "[data][gaps]") {
  const BarSeries series = read_shared("SPY_1d.csv", "SPY", Timeframe::k1d);
  const GapFinder finder(TradingCalendar::create(Market::kUsEquity).value());
  Result<GapReport> report =
      finder.find_gaps(series, BarAlignment{BarAlignment::Anchor::kClock, 0s});
  REQUIRE(report.ok());
  CHECK(report->gaps.empty());
  CHECK(report->expected_closures.empty());
  CHECK(report->unexpected_bars == 0);
  CHECK(report->expected_bars == 6308);
}

TEST_CASE("hand-made series: removed bars are gaps, closed times never are", "[data][gaps]") {
  // 2024-07-01 … 2024-07-09: a weekend and Independence Day (a holiday) with its early close.
  const BarSeries full = yahoo_hours("2024-07-01T00:00:00Z", "2024-07-10T00:00:00Z");
  const GapReport clean = find(full, Market::kUsEquity);
  CHECK(clean.gaps.empty());
  CHECK(clean.expected_closures.empty());
  CHECK(clean.unexpected_bars == 0);

  SECTION("a removed intraday bar is a one-bar intraday gap") {
    const GapReport report = find(
        without(full, at("2024-07-08T15:30:00Z"), at("2024-07-08T16:00:00Z")), Market::kUsEquity);
    REQUIRE(report.gaps.size() == 1);
    CHECK(report.gaps[0] ==
          GapRun{at("2024-07-08T15:30:00Z"), at("2024-07-08T16:30:00Z"), 1, GapClass::kIntraday});
    CHECK(report.missing_bars == 1);
  }
  SECTION("a removed whole day is a session gap") {
    const GapReport report = find(
        without(full, at("2024-07-02T00:00:00Z"), at("2024-07-03T00:00:00Z")), Market::kUsEquity);
    REQUIRE(report.gaps.size() == 1);
    CHECK(report.gaps[0].classification == GapClass::kSession);
    CHECK(report.gaps[0].missing_bars == 7);
  }
  SECTION("the end of one day and the start of the next form one mixed gap") {
    const GapReport report = find(
        without(full, at("2024-07-08T19:00:00Z"), at("2024-07-09T15:00:00Z")), Market::kUsEquity);
    REQUIRE(report.gaps.size() == 1);
    CHECK(report.gaps[0].classification == GapClass::kMissing);
    CHECK(report.gaps[0].missing_bars == 3);
  }
  SECTION("the omitted early-close partial bar is an expected closure") {
    const GapReport report = find(
        without(full, at("2024-07-03T16:30:00Z"), at("2024-07-03T17:00:00Z")), Market::kUsEquity);
    CHECK(report.gaps.empty());
    REQUIRE(report.expected_closures.size() == 1);
    CHECK(report.expected_closures[0].classification == GapClass::kEarlyClosePartial);
  }
  SECTION("a bar on a holiday is unexpected, never a gap") {
    BarSeries with_extra = full;
    with_extra.append(Bar{at("2024-07-04T14:30:00Z"), 10.0, 11.0, 9.0, 10.5, 1.0});
    const GapReport report = find(with_extra, Market::kUsEquity);
    CHECK(report.gaps.empty());
    CHECK(report.unexpected_bars == 1);
    CHECK(report.unexpected_samples == std::vector<sys_seconds>{at("2024-07-04T14:30:00Z")});
  }
  SECTION("an explicit range reports missing bars at its edges") {
    const GapFinder finder(TradingCalendar::create(Market::kUsEquity).value());
    Result<GapReport> report = finder.find_gaps(
        without(full, at("2024-07-09T00:00:00Z"), at("2024-07-10T00:00:00Z")), std::nullopt,
        TimeRange{at("2024-07-01T00:00:00Z"), at("2024-07-10T00:00:00Z")});
    REQUIRE(report.ok());
    REQUIRE(report->gaps.size() == 1);
    CHECK(report->gaps[0].classification == GapClass::kSession);
    CHECK(report->to_json().at("gaps")[0].get_string("classification") == "session");
  }
}

TEST_CASE("gap finding rejects weekly bars and reversed ranges", "[data][gaps]") {
  const GapFinder finder(TradingCalendar::create(Market::kUsEquity).value());
  BarSeries weekly("SPY", Timeframe::k1w);
  weekly.append(Bar{at("2024-01-01T00:00:00Z"), 1, 1, 1, 1, 1});
  REQUIRE_FALSE(finder.find_gaps(weekly).ok());
  CHECK(finder.find_gaps(weekly).error().code == ErrorCode::kInvalidArgument);
  const BarSeries empty("SPY", Timeframe::k1h);
  CHECK(finder.find_gaps(empty).ok());
  CHECK_FALSE(finder
                  .find_gaps(empty, std::nullopt,
                             TimeRange{at("2024-01-02T00:00:00Z"), at("2024-01-01T00:00:00Z")})
                  .ok());
}
