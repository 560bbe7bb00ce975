#include "quality_checker.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <string>

#include "instrument.hpp"
#include "ktrdr/sdk/csv_bar_store.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "shared_data.hpp"

using namespace ktrdr;
using namespace ktrdr::data;
using ktrdr::test::read_shared;
using namespace std::chrono_literals;
using std::chrono::sys_seconds;

namespace {

QualityChecker checker_for(std::string_view symbol) {
  const Market market = market_of(infer_instrument(symbol));
  return QualityChecker({}, GapFinder(TradingCalendar::create(market).value()));
}

std::size_t count_of(const QualityReport& report, std::string_view check) {
  const QualityIssue* issue = report.find(check);
  return issue == nullptr ? 0 : issue->count;
}

// Within ±30 % of the approximate figure PROVENANCE.md gives.
bool near(std::size_t found, double approx) {
  return std::abs(static_cast<double>(found) - approx) <= 0.3 * approx;
}

sys_seconds at(const char* iso) {
  return std::chrono::time_point_cast<std::chrono::seconds>(parse_iso8601(iso).value());
}

}  // namespace

TEST_CASE("SPY 1h (gcfc) has conflicting duplicates, zero-volume runs and spike bars",
          "[data][quality]") {
  const BarSeries series = read_shared("anomalies/SPY_1h__gcfc.csv", "SPY", Timeframe::k1h);
  const QualityReport report = checker_for("SPY").check(series);
  // 60 extra rows over 28 timestamps, every one with values that disagree.
  CHECK(count_of(report, "duplicate_timestamps") == 28);
  CHECK(count_of(report, "conflicting_duplicates") == 28);
  CHECK(report.find("conflicting_duplicates")->severity == Severity::kError);
  CHECK(report.find("duplicate_timestamps")->message.find("60 extra rows") != std::string::npos);
  CHECK(count_of(report, "zero_volume_bars") == 5100);
  CHECK(near(count_of(report, "zero_volume_bars"), 5117));
  CHECK(count_of(report, "zero_volume_runs") == 527);
  CHECK(count_of(report, "candle_spikes") == 208);
  CHECK(near(count_of(report, "candle_spikes"), 216));
  CHECK(report.find("candle_spikes")->samples.size() == 5);
  CHECK(report.errors >= 1);
}

TEST_CASE("MSFT 1h (gcfc) and AAPL 1h (Tanushree28) have zero-volume runs and spikes",
          "[data][quality]") {
  SECTION("MSFT: zero volume on every pre/post bar, ~161 spikes") {
    const QualityReport report = checker_for("MSFT").check(
        read_shared("anomalies/MSFT_1h__gcfc.csv", "MSFT", Timeframe::k1h));
    CHECK(count_of(report, "zero_volume_bars") == 4852);
    CHECK(count_of(report, "zero_volume_runs") == 503);
    CHECK(count_of(report, "candle_spikes") == 208);
    CHECK(near(count_of(report, "candle_spikes"), 161));
    CHECK(count_of(report, "unexpected_bars") == 4849);
  }
  SECTION("AAPL: 633 zero-volume pre/post bars, 61 bad prints") {
    const QualityReport report = checker_for("AAPL").check(
        read_shared("anomalies/AAPL_1h__Tanushree28.csv", "AAPL", Timeframe::k1h));
    CHECK(count_of(report, "zero_volume_bars") == 633);
    CHECK(count_of(report, "zero_volume_runs") == 63);
    CHECK(count_of(report, "candle_spikes") == 61);
    CHECK(near(count_of(report, "candle_spikes"), 61));
  }
}

TEST_CASE("the clean files yield no errors", "[data][quality]") {
  const auto [file, symbol, tf] = GENERATE(
      table<std::string, std::string, Timeframe>({{"AAPL_1h.csv", "AAPL", Timeframe::k1h},
                                                  {"EURUSD_1h.csv", "EURUSD", Timeframe::k1h},
                                                  {"BTCUSDT_1h.csv", "BTCUSDT", Timeframe::k1h},
                                                  {"SPY_1d.csv", "SPY", Timeframe::k1d}}));
  INFO(file);
  const QualityReport report = checker_for(symbol).check(read_shared(file, symbol, tf));
  INFO(report.to_json().dump_pretty());
  CHECK(report.errors == 0);
  CHECK(report.find("duplicate_timestamps") == nullptr);
  CHECK(report.find("high_low_violation") == nullptr);
  REQUIRE(report.gap_report.has_value());
  CHECK(report.gap_report->gaps.size() == (symbol == "EURUSD" ? 1u : 0u));
}

TEST_CASE("repair dedupes and sorts SPY 1h (gcfc), and says so", "[data][quality]") {
  BarSeries series = read_shared("anomalies/SPY_1h__gcfc.csv", "SPY", Timeframe::k1h);
  const std::size_t rows = series.size();
  const QualityChecker checker = checker_for("SPY");
  const bool was_sorted = series.is_sorted();
  const QualityReport report = checker.repair(series);
  REQUIRE(report.repairs.has_value());
  CHECK(report.repairs->duplicates_removed == 60);
  CHECK(report.repairs->sorted == !was_sorted);
  CHECK(report.repairs->non_positive_dropped == 0);
  CHECK(series.size() == rows - 60);
  CHECK(series.is_sorted());
  CHECK(report.find("duplicate_timestamps") == nullptr);
  CHECK(report.find("conflicting_duplicates") == nullptr);
  CHECK(report.find("unsorted") == nullptr);
  CHECK(report.to_json().at("repairs").get_int("duplicates_removed") == 60);
  const QualityReport again = checker.check(series);
  CHECK(again.find("duplicate_timestamps") == nullptr);
  CHECK(again.find("unsorted") == nullptr);
}

TEST_CASE("row checks find each defect and repairs fix each, counted", "[data][quality]") {
  BarSeries series("TEST", Timeframe::k1h);
  const double nan = std::nan("");
  series.append(Bar{at("2024-01-02T10:00:00Z"), 10, 11, 9, 10.5, 100});
  series.append(Bar{at("2024-01-02T12:00:00Z"), 10, 11, 9, 10.5, 100});
  series.append(Bar{at("2024-01-02T11:00:00Z"), 10, 11, 9, 10.5, 100});    // out of order
  series.append(Bar{at("2024-01-02T11:00:00Z"), 10, 11, 9, 10.5, 300});    // conflicting dup
  series.append(Bar{at("2024-01-02T13:00:00Z"), 10, 10.2, 9, 10.5, 100});  // high < close
  series.append(Bar{at("2024-01-02T14:00:00Z"), 10, 11, 0, 10.5, 100});    // price 0
  series.append(Bar{at("2024-01-02T15:00:00Z"), 10, 11, 9, nan, 100});     // missing close
  for (int h = 16; h < 20; ++h) {
    series.append(Bar{at("2024-01-02T00:00:00Z") + std::chrono::hours{h}, 10, 11, 9, 10.5, 0});
  }
  const QualityChecker checker;
  const QualityReport report = checker.check(series);
  CHECK(count_of(report, "unsorted") == 1);
  CHECK(count_of(report, "conflicting_duplicates") == 1);
  CHECK(count_of(report, "high_low_violation") == 1);
  CHECK(count_of(report, "non_positive_prices") == 1);
  CHECK(count_of(report, "missing_values") == 1);
  CHECK(count_of(report, "zero_volume_runs") == 1);
  CHECK(count_of(report, "zero_volume_bars") == 4);
  CHECK(report.find("gaps") == nullptr);
  CHECK(report.errors == 5);
  CHECK(report.find("unsorted")->samples == std::vector<sys_seconds>{at("2024-01-02T11:00:00Z")});
  const Json json = report.to_json();
  CHECK(json.at("counts").get_int("error") == 5);
  CHECK(json.at("issues").size() == report.issues.size());

  const QualityReport repaired = checker.repair(series);
  REQUIRE(repaired.repairs.has_value());
  CHECK(repaired.repairs->duplicates_removed == 1);
  CHECK(repaired.repairs->sorted);
  CHECK(repaired.repairs->non_positive_dropped == 1);
  CHECK(repaired.repairs->values_filled == 1);
  CHECK(repaired.repairs->bars_clamped == 1);
  CHECK(repaired.errors == 0);
  CHECK(series.size() == 9);
  CHECK(series[1].volume == 300);  // the last row of a duplicated timestamp is kept
}

TEST_CASE("extreme moves, outliers and volume spikes are flagged", "[data][quality]") {
  BarSeries series("TEST", Timeframe::k1h);
  for (int i = 0; i < 60; ++i) {
    const double open = 100.0 + (i % 2 == 0 ? 0.1 : -0.1);
    const double close = i == 30 ? 150.0 : open;
    const double volume = i == 40 ? 50000.0 : 1000.0;
    series.append(Bar{at("2024-01-01T00:00:00Z") + std::chrono::hours{i}, open,
                      std::max(open, close) + 0.2, open - 0.2, close, volume});
  }
  const QualityReport report = QualityChecker().check(series);
  CHECK(count_of(report, "extreme_moves") == 2);
  CHECK(count_of(report, "price_outliers") == 1);
  CHECK(count_of(report, "volume_spikes") == 1);
  CHECK(report.find("price_outliers")->samples ==
        std::vector<sys_seconds>{at("2024-01-02T06:00:00Z")});
  CHECK(report.errors == 0);
}

TEST_CASE("a last bar with a fraction of its neighbours' volume is flagged as partial",
          "[data][quality]") {
  SECTION("SPY daily ends on an intraday bar: 1.8M shares against ~37M") {
    const QualityReport report =
        checker_for("SPY").check(read_shared("SPY_1d.csv", "SPY", Timeframe::k1d));
    const QualityIssue* issue = report.find("partial_last_bar");
    REQUIRE(issue != nullptr);
    CHECK(issue->severity == Severity::kWarning);
    CHECK(issue->count == 1);
    CHECK(issue->samples == std::vector<sys_seconds>{at("2025-01-30T00:00:00Z")});
    CHECK_THAT(issue->message, Catch::Contains("2025-01-30T00:00:00Z"));
  }
  SECTION("a constructed series: only a last bar under 10 % of the median is flagged") {
    const auto series_ending_with = [](double last_volume) {
      BarSeries series("X", Timeframe::k1d);
      for (int i = 0; i < 30; ++i) {
        series.append(Bar{at("2024-01-01T00:00:00Z") + std::chrono::days(i), 10, 11, 9, 10,
                          i == 29 ? last_volume : 1000.0 + i});
      }
      return series;
    };
    const QualityChecker checker;
    CHECK(checker.check(series_ending_with(1500.0)).find("partial_last_bar") == nullptr);
    CHECK(checker.check(series_ending_with(200.0)).find("partial_last_bar") == nullptr);
    const QualityReport cut = checker.check(series_ending_with(50.0));
    REQUIRE(cut.find("partial_last_bar") != nullptr);
    CHECK(cut.find("partial_last_bar")->samples ==
          std::vector<sys_seconds>{at("2024-01-30T00:00:00Z")});
    CHECK(cut.warnings >= 1);
  }
}
