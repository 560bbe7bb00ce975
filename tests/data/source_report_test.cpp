// SourceReport: duplicate and naive timestamps of a source file, with the rows' lines, read from
// real CSV text through the SDK's reader.
#include "source_report.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "ktrdr/sdk/csv_bar_store.hpp"
#include "ktrdr/sdk/time_format.hpp"

using namespace ktrdr;
using namespace ktrdr::data;
using Catch::Matchers::Contains;

namespace {

std::chrono::sys_seconds at(const char* iso) {
  return std::chrono::floor<std::chrono::seconds>(parse_iso8601(iso).value());
}

SourceReport examine(const std::string& text) {
  CsvReadInfo info;
  auto rows = CsvBarStore::parse(text, "MIX_1h.csv", "MIX", Timeframe::k1h, {}, &info);
  REQUIRE(rows.ok());
  return examine_source("test MIX_1h.csv", *rows, info);
}

}  // namespace

TEST_CASE("a source's duplicate timestamps are listed with their lines, conflicts and kept row",
          "[data][source]") {
  // Line 1 is the header; line 5 is blank.
  const SourceReport report = examine(
      "timestamp,open,high,low,close,volume\n"
      "2024-03-01T16:00:00Z,3,3,3,3,3\n"
      "2024-03-01T14:00:00Z,1,1,1,1,1\n"
      "2024-03-01T15:00:00Z,2,2,2,2,2\n"
      "\n"
      "2024-03-01T14:00:00Z,1,1,1,1,9\n"
      "2024-03-01T15:00:00Z,2,2,2,2,2\n"
      "2024-03-01T14:00:00Z,1,1,1,1,1\n");
  CHECK(report.rows == 6);
  CHECK_FALSE(report.naive_timestamps);
  CHECK(report.duplicate_timestamps == 2);
  CHECK(report.conflicting_timestamps == 1);
  CHECK(report.rows_dropped == 3);
  REQUIRE(report.duplicates.size() == 2);
  CHECK(report.duplicates[0] ==
        DuplicateTimestamp{at("2024-03-01T14:00:00Z"), {3, 6, 8}, 8, /*conflicting=*/true});
  CHECK(report.duplicates[1] ==
        DuplicateTimestamp{at("2024-03-01T15:00:00Z"), {4, 7}, 7, /*conflicting=*/false});

  const auto warnings = report.warnings();
  REQUIRE(warnings.size() == 1);
  CHECK_THAT(warnings[0], Contains("test MIX_1h.csv") && Contains("2 timestamp(s)") &&
                              Contains("1 with rows that differ") && Contains("3 row(s) dropped") &&
                              Contains("2024-03-01T14:00:00Z, on lines 3 6 8 (line 8 kept)"));

  const auto round_trip = SourceReport::from_json(report.to_json());
  REQUIRE(round_trip.ok());
  CHECK(*round_trip == report);
}

TEST_CASE("a clean source gives no warning; naive timestamps give one", "[data][source]") {
  const SourceReport clean = examine(
      "timestamp,open,high,low,close,volume\n"
      "2024-03-01T14:00:00Z,1,1,1,1,1\n"
      "2024-03-01T15:00:00Z,2,2,2,2,2\n");
  CHECK(clean.duplicate_timestamps == 0);
  CHECK(clean.duplicates.empty());
  CHECK(clean.warnings().empty());

  const SourceReport naive = examine(
      "Date,Open,High,Low,Close,Volume\n"
      "2024-03-01 14:00:00,1,1,1,1,1\n"
      "2024-03-01 15:00:00,2,2,2,2,2\n");
  CHECK(naive.naive_timestamps);
  REQUIRE(naive.warnings().size() == 1);
  CHECK_THAT(naive.warnings()[0], Contains("test MIX_1h.csv") && Contains("read as UTC"));
}

TEST_CASE("a source with many duplicates lists the first ones and counts them all",
          "[data][source]") {
  std::string text = "timestamp,open,high,low,close,volume\n";
  const std::size_t hours = SourceReport::kMaxListed + 10;
  for (int copy = 0; copy < 2; ++copy) {
    for (std::size_t h = 0; h < hours; ++h) {
      text += to_iso8601(at("2024-03-01T00:00:00Z") + std::chrono::hours(h)) + ",1,1,1,1," +
              std::to_string(copy) + "\n";
    }
  }
  const SourceReport report = examine(text);
  CHECK(report.duplicate_timestamps == hours);
  CHECK(report.conflicting_timestamps == hours);
  CHECK(report.rows_dropped == hours);
  REQUIRE(report.duplicates.size() == SourceReport::kMaxListed);
  CHECK(
      report.duplicates.back().lines ==
      std::vector<std::size_t>{SourceReport::kMaxListed + 1, hours + SourceReport::kMaxListed + 1});
}

TEST_CASE("a malformed source report is refused naming the field", "[data][source]") {
  Json json = Json::object();
  CHECK(SourceReport::from_json(json).error().get("field") == "source");
  json.set("source", "x").set("duplicate_timestamps", 3).set("duplicates", Json::array());
  const auto refused = SourceReport::from_json(json);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kMalformedResponse);
  CHECK(refused.error().get("field") == "duplicates");
}
