#include "csv_archive_provider.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "embedded_archive.hpp"
#include "ib_error.hpp"
#include "ktrdr/sdk/csv_bar_store.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "shared_data.hpp"
#include "temp_dir.hpp"

using namespace ktrdr;
using namespace ktrdr::data;
using ktrdr::test::read_shared;
using ktrdr::test::TempDir;
using namespace std::chrono_literals;
using std::chrono::sys_seconds;

namespace {

sys_seconds at(const char* iso) {
  return std::chrono::time_point_cast<std::chrono::seconds>(parse_iso8601(iso).value());
}

CsvArchiveProvider shared_archive() {
  return CsvArchiveProvider({.directory = std::filesystem::path(KTRDR_SHARED_DATA_DIR)});
}

// The IB code an error carries ("162", "200", "321"), or "" when it carries none.
std::string ib_code_of(const Error& error) { return error.get("ib_code").value_or(""); }

bool mentions(const Error& error, std::string_view text) {
  return error.message.find(text) != std::string::npos;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

constexpr const char* kHeader = "timestamp,open,high,low,close,volume\n";

}  // namespace

TEST_CASE("csv-archive serves a directory's AAPL 1h bars of the range as in the file",
          "[data][providers]") {
  CsvArchiveProvider provider = shared_archive();
  const BarSeries file = read_shared("AAPL_1h.csv", "AAPL", Timeframe::k1h);
  const HistoricalRequest request{"AAPL", Timeframe::k1h, at("2024-03-01T00:00:00Z"),
                                  at("2024-03-29T00:00:00Z")};
  Result<BarSeries> bars = provider.historical(request, {});
  REQUIRE(bars.ok());
  CHECK(bars->size() == 140);  // 20 trading days of 7 bars
  CHECK(*bars == file.slice(request.from, request.to));
  CHECK(bars->symbol() == "AAPL");
  CHECK(bars->timeframe() == Timeframe::k1h);
}

TEST_CASE("csv-archive contract and head timestamp come from the files", "[data][providers]") {
  CsvArchiveProvider provider = shared_archive();
  CHECK(provider.name() == "csv-archive");

  Result<ContractInfo> eurusd = provider.contract("EURUSD", {});
  REQUIRE(eurusd.ok());
  CHECK(eurusd->instrument == Instrument::kForex);
  CHECK(eurusd->timeframes == std::vector<Timeframe>{Timeframe::k1h});
  CHECK(eurusd->description.find("EURUSD_1h.csv") != std::string::npos);
  CHECK(provider.contract("SPY", {})->timeframes == std::vector<Timeframe>{Timeframe::k1d});
  CHECK(provider.contract("BTCUSDT", {})->instrument == Instrument::kCrypto);

  Result<sys_seconds> head = provider.head_timestamp("EURUSD", Timeframe::k1h, {});
  REQUIRE(head.ok());
  CHECK(*head == at("2015-03-09T12:00:00Z"));
  CHECK(provider.head_timestamp("SPY", Timeframe::k1d, {}).value() == at("2000-01-03T00:00:00Z"));
}

TEST_CASE("csv-archive answers IB's errors: 200 unknown symbol, 162 no data, 321 bad range",
          "[data][providers]") {
  CsvArchiveProvider provider = shared_archive();

  SECTION("an unknown symbol is IB 200 naming it and the archive") {
    Result<ContractInfo> info = provider.contract("ZZZZ", {});
    REQUIRE_FALSE(info.ok());
    CHECK(ib_code_of(info.error()) == "200");
    CHECK(info.error().code == ErrorCode::kNotFound);
    CHECK(mentions(info.error(), "ZZZZ"));
    CHECK(mentions(info.error(), KTRDR_SHARED_DATA_DIR));
    CHECK(ib_code_of(provider.head_timestamp("ZZZZ", Timeframe::k1h, {}).error()) == "200");
    const HistoricalRequest request{"ZZZZ", Timeframe::k1h, at("2024-03-01T00:00:00Z"),
                                    at("2024-03-02T00:00:00Z")};
    CHECK(ib_code_of(provider.historical(request, {}).error()) == "200");
  }

  SECTION("a timeframe the archive lacks is IB 162 naming it") {
    Result<sys_seconds> head = provider.head_timestamp("AAPL", Timeframe::k1d, {});
    REQUIRE_FALSE(head.ok());
    CHECK(ib_error_kind(head.error()) == IbErrorKind::kNoData);
    CHECK(ib_code_of(head.error()) == "162");
    CHECK(mentions(head.error(), "1d"));
    const HistoricalRequest request{"AAPL", Timeframe::k1d, at("2024-03-01T00:00:00Z"),
                                    at("2024-04-01T00:00:00Z")};
    Result<BarSeries> bars = provider.historical(request, {});
    REQUIRE_FALSE(bars.ok());
    CHECK(ib_code_of(bars.error()) == "162");
    CHECK(mentions(bars.error(), "1d"));
  }

  SECTION("a 1h range over a month, or an empty or inverted one, is IB 321 naming the limit") {
    const HistoricalRequest long_range{"AAPL", Timeframe::k1h, at("2024-03-01T00:00:00Z"),
                                       at("2024-04-01T00:00:00Z")};
    Result<BarSeries> bars = provider.historical(long_range, {});
    REQUIRE_FALSE(bars.ok());
    CHECK(ib_code_of(bars.error()) == "321");
    CHECK(bars.error().code == ErrorCode::kInvalidArgument);
    CHECK(mentions(bars.error(), "30 days"));
    CHECK(bars.error().get("max_days") == "30");
    const HistoricalRequest exactly_30_days{"AAPL", Timeframe::k1h, at("2024-03-01T00:00:00Z"),
                                            at("2024-03-31T00:00:00Z")};
    CHECK(provider.historical(exactly_30_days, {}).ok());

    const HistoricalRequest empty{"AAPL", Timeframe::k1h, at("2024-03-01T00:00:00Z"),
                                  at("2024-03-01T00:00:00Z")};
    CHECK(ib_code_of(provider.historical(empty, {}).error()) == "321");
    const HistoricalRequest inverted{"AAPL", Timeframe::k1h, at("2024-03-02T00:00:00Z"),
                                     at("2024-03-01T00:00:00Z")};
    CHECK(ib_code_of(provider.historical(inverted, {}).error()) == "321");
  }

  SECTION("a range with no bars (a weekend, before the first bar) is IB 162") {
    const HistoricalRequest weekend{"AAPL", Timeframe::k1h, at("2024-03-02T00:00:00Z"),
                                    at("2024-03-04T00:00:00Z")};
    Result<BarSeries> bars = provider.historical(weekend, {});
    REQUIRE_FALSE(bars.ok());
    CHECK(ib_error_kind(bars.error()) == IbErrorKind::kNoData);
    CHECK(mentions(bars.error(), "AAPL 1h [2024-03-02T00:00:00Z, 2024-03-04T00:00:00Z)"));
    const HistoricalRequest before{"AAPL", Timeframe::k1h, at("2023-12-01T00:00:00Z"),
                                   at("2023-12-20T00:00:00Z")};
    CHECK(ib_code_of(provider.historical(before, {}).error()) == "162");
  }

  SECTION("an invalid symbol is the symbol's own error, before anything else") {
    const HistoricalRequest request{"../AAPL", Timeframe::k1h, at("2024-03-01T00:00:00Z"),
                                    at("2025-03-01T00:00:00Z")};
    Result<BarSeries> bars = provider.historical(request, {});
    REQUIRE_FALSE(bars.ok());
    CHECK(bars.error().code == ErrorCode::kInvalidArgument);
    CHECK(bars.error().get("field") == "symbol");
    CHECK(provider.contract("../AAPL", {}).error().get("field") == "symbol");
  }
}

TEST_CASE("csv-archive reports a corrupt file as the store's parse error, naming file and line",
          "[data][providers]") {
  const TempDir dir;
  const std::filesystem::path file =
      dir.write("BAD_1h.csv", std::string(kHeader) +
                                  "2024-03-01T14:30:00Z,10,11,9,10.5,100\n"
                                  "2024-03-01T15:30:00Z,10,eleven,9,10.5,100\n");
  CsvArchiveProvider provider({.directory = dir.path()});
  CHECK(provider.contract("BAD", {}).ok());  // listing does not parse
  const HistoricalRequest request{"BAD", Timeframe::k1h, at("2024-03-01T00:00:00Z"),
                                  at("2024-03-02T00:00:00Z")};
  Result<BarSeries> bars = provider.historical(request, {});
  REQUIRE_FALSE(bars.ok());
  CHECK(bars.error().code == ErrorCode::kParse);
  CHECK(bars.error().get("file") == file.string());
  CHECK(bars.error().get("line") == "3");
  CHECK(mentions(bars.error(), file.string()));
  CHECK(provider.head_timestamp("BAD", Timeframe::k1h, {}).error().code == ErrorCode::kParse);
}

TEST_CASE("csv-archive serves an unsorted file with duplicates sorted, the last row winning",
          "[data][providers]") {
  const TempDir dir;
  dir.write("MIX_1h.csv", std::string(kHeader) +
                              "2024-03-01T16:00:00Z,3,3,3,3,3\n"
                              "2024-03-01T14:00:00Z,1,1,1,1,1\n"
                              "2024-03-01T15:00:00Z,2,2,2,2,2\n"
                              "2024-03-01T14:00:00Z,4,4,4,4,4\n");
  CsvArchiveProvider provider({.directory = dir.path()});
  CHECK(provider.head_timestamp("MIX", Timeframe::k1h, {}).value() == at("2024-03-01T14:00:00Z"));
  Result<BarSeries> bars = provider.historical(
      {"MIX", Timeframe::k1h, at("2024-03-01T00:00:00Z"), at("2024-03-02T00:00:00Z")}, {});
  REQUIRE(bars.ok());
  REQUIRE(bars->size() == 3);
  CHECK((*bars)[0] == Bar{at("2024-03-01T14:00:00Z"), 4, 4, 4, 4, 4});
  CHECK((*bars)[1] == Bar{at("2024-03-01T15:00:00Z"), 2, 2, 2, 2, 2});
  CHECK((*bars)[2] == Bar{at("2024-03-01T16:00:00Z"), 3, 3, 3, 3, 3});
}

TEST_CASE("csv-archive parses each file once: later edits do not change what it serves",
          "[data][providers]") {
  const TempDir dir;
  dir.write("ONE_1h.csv", std::string(kHeader) + "2024-03-01T14:00:00Z,1,1,1,1,1\n");
  CsvArchiveProvider provider({.directory = dir.path()});
  const HistoricalRequest request{"ONE", Timeframe::k1h, at("2024-03-01T00:00:00Z"),
                                  at("2024-03-02T00:00:00Z")};
  REQUIRE(provider.historical(request, {})->size() == 1);
  dir.write("ONE_1h.csv", std::string(kHeader) + "2024-03-01T14:00:00Z,1,1,1,1,1\n" +
                              "2024-03-01T15:00:00Z,2,2,2,2,2\n");
  CHECK(provider.historical(request, {})->size() == 1);
  CHECK(CsvArchiveProvider({.directory = dir.path()}).historical(request, {})->size() == 2);
}

TEST_CASE("csv-archive's concurrent first loads all get the same bars", "[data][providers]") {
  CsvArchiveProvider provider = shared_archive();
  const HistoricalRequest request{"EURUSD", Timeframe::k1h, at("2020-03-01T00:00:00Z"),
                                  at("2020-03-28T00:00:00Z")};
  std::vector<Result<BarSeries>> results(8, Error::internal("not run"));
  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = provider.historical(request, {}); });
  }
  for (std::thread& t : threads) t.join();
  REQUIRE(results[0].ok());
  CHECK(results[0]->size() > 400);
  for (const Result<BarSeries>& r : results) {
    REQUIRE(r.ok());
    CHECK(*r == *results[0]);
  }
}

TEST_CASE("the embedded archive is AAPL_1h.csv of the shared data, byte for byte",
          "[data][providers]") {
  const std::span<const EmbeddedFile> files = embedded_archive();
  REQUIRE(files.size() == 1);
  CHECK(files[0].name == "AAPL_1h.csv");
  CHECK(files[0].content == file_text(std::string(KTRDR_SHARED_DATA_DIR) + "/AAPL_1h.csv"));
}

TEST_CASE("csv-archive's embedded source serves AAPL 1h bar for bar as the shared file",
          "[data][providers]") {
  CsvArchiveProvider provider;
  const BarSeries file = read_shared("AAPL_1h.csv", "AAPL", Timeframe::k1h);
  Result<ContractInfo> info = provider.contract("AAPL", {});
  REQUIRE(info.ok());
  CHECK(info->timeframes == std::vector<Timeframe>{Timeframe::k1h});
  CHECK(provider.head_timestamp("AAPL", Timeframe::k1h, {}).value() == file.timestamps().front());
  CHECK(ib_code_of(provider.contract("EURUSD", {}).error()) == "200");
  CHECK(mentions(provider.contract("EURUSD", {}).error(), "embedded"));

  // The whole file, in IB-sized requests of 30 days.
  BarSeries served("AAPL", Timeframe::k1h);
  const sys_seconds end = file.timestamps().back() + 1h;
  for (sys_seconds from = file.timestamps().front(); from < end; from += std::chrono::days{30}) {
    const HistoricalRequest request{"AAPL", Timeframe::k1h, from,
                                    std::min(end, from + std::chrono::days{30})};
    Result<BarSeries> chunk = provider.historical(request, {});
    if (!chunk.ok()) {
      CHECK(ib_code_of(chunk.error()) == "162");
      continue;
    }
    for (std::size_t i = 0; i < chunk->size(); ++i) served.append((*chunk)[i]);
  }
  CHECK(served.size() == 3299);
  CHECK(served == file);
}

TEST_CASE("CsvBarStore::parse reads text as read_file reads the file", "[data][providers]") {
  const std::string path = std::string(KTRDR_SHARED_DATA_DIR) + "/EURUSD_1h.csv";
  Result<BarSeries> parsed = CsvBarStore::parse(file_text(path), "mem", "EURUSD", Timeframe::k1h);
  REQUIRE(parsed.ok());
  CHECK(*parsed == read_shared("EURUSD_1h.csv", "EURUSD", Timeframe::k1h));
  Result<BarSeries> bad = CsvBarStore::parse("nope\n", "mem", "EURUSD", Timeframe::k1h);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kParse);
  CHECK(bad.error().get("file") == "mem");
  CHECK(CsvBarStore::parse(kHeader, "mem", "a/b", Timeframe::k1h).error().get("field") == "symbol");
}

TEST_CASE("csv-archive health, pacing limits and cancellation", "[data][providers]") {
  SECTION("health names the source and counts its series") {
    const Json shared = shared_archive().health();
    CHECK(shared.get_bool("ok") == true);
    CHECK(shared.get_string("source") == KTRDR_SHARED_DATA_DIR);
    CHECK(shared.get_int("series") == 6);
    const Json embedded = CsvArchiveProvider().health();
    CHECK(embedded.get_bool("ok") == true);
    CHECK(embedded.get_string("source") == "embedded");
    CHECK(embedded.get_int("series") == 1);
    const TempDir dir;
    const Json missing = CsvArchiveProvider({.directory = dir.path() / "absent"}).health();
    CHECK(missing.get_bool("ok") == false);
    CHECK(missing.get_int("series") == 0);
    CHECK(missing.get_string("error").value_or("").find("absent") != std::string::npos);
  }

  SECTION("pacing limits are the configured ones, unlimited by default") {
    CHECK(CsvArchiveProvider().pacing_limits({}).value().is_unlimited());
    CsvArchiveProvider ib({.pacing = PacingLimits::interactive_brokers()});
    CHECK(ib.pacing_limits({}).value() == PacingLimits::interactive_brokers());
  }

  SECTION("a cancelled token cancels every call") {
    CancellationSource source;
    source.cancel();
    CsvArchiveProvider provider = shared_archive();
    const HistoricalRequest request{"AAPL", Timeframe::k1h, at("2024-03-01T00:00:00Z"),
                                    at("2024-03-08T00:00:00Z")};
    CHECK(provider.historical(request, source.token()).error().code == ErrorCode::kCancelled);
    CHECK(provider.contract("AAPL", source.token()).error().code == ErrorCode::kCancelled);
    CHECK(provider.head_timestamp("AAPL", Timeframe::k1h, source.token()).error().code ==
          ErrorCode::kCancelled);
    CHECK(provider.pacing_limits(source.token()).error().code == ErrorCode::kCancelled);
  }
}

TEST_CASE("csv-archive reports each duplicate timestamp of a real vendor file, with its lines",
          "[data][providers][source]") {
  // The SPY 1h anomaly file (PROVENANCE.md): rows that share a timestamp.
  const std::filesystem::path original =
      std::filesystem::path(KTRDR_SHARED_DATA_DIR) / "anomalies" / "SPY_1h__gcfc.csv";
  const TempDir dir;
  std::filesystem::copy_file(original, dir.path() / "SPY_1h.csv");

  // Independently: each timestamp's lines and their texts, straight from the file.
  std::map<std::string, std::vector<std::pair<std::size_t, std::string>>> by_timestamp;
  std::ifstream in(original);
  std::string line;
  std::size_t number = 0;
  std::size_t rows = 0;
  while (std::getline(in, line)) {
    if (++number == 1 || line.empty()) continue;
    ++rows;
    const auto comma = line.find(',');
    by_timestamp[line.substr(0, comma)].emplace_back(number, line.substr(comma));
  }
  std::size_t duplicated = 0, conflicting = 0, dropped = 0;
  std::vector<std::size_t> first_lines;
  for (const auto& [timestamp, found] : by_timestamp) {
    if (found.size() < 2) continue;
    ++duplicated;
    dropped += found.size() - 1;
    conflicting += std::any_of(found.begin(), found.end(),
                               [&](const auto& row) { return row.second != found[0].second; });
    if (first_lines.empty()) {
      for (const auto& row : found) first_lines.push_back(row.first);
    }
  }
  REQUIRE(duplicated > 0);

  CsvArchiveProvider provider({.directory = dir.path()});
  const auto report = provider.source_report("SPY", Timeframe::k1h, {});
  REQUIRE(report.ok());
  REQUIRE(report->has_value());
  const SourceReport& spy = **report;
  CHECK(spy.source == "csv-archive " + (dir.path() / "SPY_1h.csv").string());
  CHECK(spy.rows == rows);
  CHECK(spy.duplicate_timestamps == duplicated);
  CHECK(spy.conflicting_timestamps == conflicting);
  CHECK(spy.rows_dropped == dropped);
  REQUIRE(!spy.duplicates.empty());
  CHECK(spy.duplicates.front().lines == first_lines);
  CHECK(spy.duplicates.front().kept_line == first_lines.back());
  // The bars served are the rows kept.
  const auto head = provider.head_timestamp("SPY", Timeframe::k1h, {});
  REQUIRE(head.ok());
  const auto bars =
      provider.historical({"SPY", Timeframe::k1h, *head, *head + std::chrono::days(30)}, {});
  REQUIRE(bars.ok());
  CHECK(bars->is_sorted());
}

TEST_CASE("csv-archive's report of a clean file finds nothing; an unknown symbol is IB 200",
          "[data][providers][source]") {
  CsvArchiveProvider provider = shared_archive();
  const auto report = provider.source_report("AAPL", Timeframe::k1h, {});
  REQUIRE(report.ok());
  REQUIRE(report->has_value());
  CHECK((*report)->rows == 3299);
  CHECK((*report)->duplicate_timestamps == 0);
  CHECK((*report)->warnings().empty());
  CHECK(ib_code_of(provider.source_report("NOPE", Timeframe::k1h, {}).error()) == "200");
}
