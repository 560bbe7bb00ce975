#include "ktrdr/sdk/csv_bar_store.hpp"

#include <unistd.h>

#include <atomic>
#include <bit>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <latch>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "ktrdr/sdk/time_format.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using ktrdr::Bar;
using ktrdr::BarSeries;
using ktrdr::CsvBarStore;
using ktrdr::ErrorCode;
using ktrdr::Timeframe;
using ktrdr::test::TempDir;

namespace {

const fs::path kSharedData = KTRDR_SHARED_DATA_DIR;
constexpr const char* kHeader = "timestamp,open,high,low,close,volume\n";

std::chrono::sys_seconds ts(const char* iso) {
  return std::chrono::time_point_cast<std::chrono::seconds>(
      ktrdr::parse_iso8601(iso).value_or_throw());
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

BarSeries sample(std::size_t n, double base = 100.0) {
  BarSeries s("AAPL", Timeframe::k1h);
  for (std::size_t i = 0; i < n; ++i) {
    const double p = base + static_cast<double>(i) * 0.25;
    s.append(Bar{ts("2024-01-02T14:30:00Z") + std::chrono::hours(i), p, p + 1.5, p - 0.75,
                 p + 0.125, 1000.0 + static_cast<double>(i)});
  }
  return s;
}

// Each value's bits, so -0.0 and 0.0 differ.
bool all_printable(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

bool bit_identical(const BarSeries& a, const BarSeries& b) {
  if (a.symbol() != b.symbol() || a.timeframe() != b.timeframe() || a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    const Bar x = a[i];
    const Bar y = b[i];
    if (x.timestamp != y.timestamp) return false;
    const double xs[] = {x.open, x.high, x.low, x.close, x.volume};
    const double ys[] = {y.open, y.high, y.low, y.close, y.volume};
    for (int k = 0; k < 5; ++k) {
      if (std::bit_cast<std::uint64_t>(xs[k]) != std::bit_cast<std::uint64_t>(ys[k])) return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("paths are <data_dir>/<SYMBOL>_<TF>.csv and built only from valid symbols",
          "[sdk][data][store]") {
  const CsvBarStore store("/data");
  CHECK(store.path_for("AAPL", Timeframe::k1h).value() == fs::path("/data/AAPL_1h.csv"));
  CHECK(store.path_for("BRK.B", Timeframe::k1d).value() == fs::path("/data/BRK.B_1d.csv"));
  for (const char* bad : {"../etc", "a/b", "", "..", "/etc/passwd"}) {
    INFO(bad);
    auto path = store.path_for(bad, Timeframe::k1h);
    REQUIRE_FALSE(path.ok());
    CHECK(path.error().code == ErrorCode::kInvalidArgument);
    CHECK_FALSE(store.exists(bad, Timeframe::k1h));
    CHECK(store.read(bad, Timeframe::k1h).error().code == ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("every real file in shared/data loads with its PROVENANCE row count and range",
          "[sdk][data][store]") {
  struct Case {
    const char* file;
    const char* symbol;
    Timeframe timeframe;
    std::size_t rows;
    const char* first;
    const char* last;
  };
  const Case cases[] = {
      {"AAPL_1h.csv", "AAPL", Timeframe::k1h, 3299, "2024-01-02T14:30:00Z", "2025-11-19T17:30:00Z"},
      {"MSFT_1h.csv", "MSFT", Timeframe::k1h, 1740, "2025-05-30T13:30:00Z", "2026-05-29T20:00:00Z"},
      {"NVDA_1h.csv", "NVDA", Timeframe::k1h, 1740, "2025-05-30T13:30:00Z", "2026-05-29T20:00:00Z"},
      {"EURUSD_1h.csv", "EURUSD", Timeframe::k1h, 45779, "2015-03-09T12:00:00Z",
       "2022-07-19T19:00:00Z"},
      {"BTCUSDT_1h.csv", "BTCUSDT", Timeframe::k1h, 33364, "2019-09-08T17:00:00Z",
       "2023-06-29T20:00:00Z"},
      {"SPY_1d.csv", "SPY", Timeframe::k1d, 6308, "2000-01-03T00:00:00Z", "2025-01-30T00:00:00Z"},
      {"anomalies/SPY_1h__gcfc.csv", "SPY", Timeframe::k1h, 8820, "2022-07-28T21:00:00Z",
       "2024-08-30T23:00:00Z"},
      {"anomalies/MSFT_1h__gcfc.csv", "MSFT", Timeframe::k1h, 8354, "2022-08-31T08:00:00Z",
       "2024-08-30T23:00:00Z"},
      {"anomalies/AAPL_1h__Tanushree28.csv", "AAPL", Timeframe::k1h, 1077, "2025-06-26T14:30:00Z",
       "2025-09-26T14:30:00Z"},
  };
  for (const auto& c : cases) {
    INFO(c.file);
    const fs::path path = kSharedData / c.file;
    const auto before = fs::last_write_time(path);
    auto series = CsvBarStore::read_file(path, c.symbol, c.timeframe);
    REQUIRE(series.ok());
    CHECK(series->symbol() == c.symbol);
    CHECK(series->timeframe() == c.timeframe);
    REQUIRE(series->size() == c.rows);
    CHECK(series->timestamps().front() == ts(c.first));
    CHECK(series->timestamps().back() == ts(c.last));
    CHECK(series->is_sorted());
    CHECK(fs::last_write_time(path) == before);
  }
}

TEST_CASE("the store reads shared/data by symbol and lists its series", "[sdk][data][store]") {
  const CsvBarStore store(kSharedData);
  CHECK(store.exists("EURUSD", Timeframe::k1h));
  CHECK_FALSE(store.exists("EURUSD", Timeframe::k1d));
  auto eurusd = store.read("EURUSD", Timeframe::k1h);
  REQUIRE(eurusd.ok());
  CHECK(eurusd->size() == 45779);
  CHECK(eurusd->opens()[0] == 1.08603);
  CHECK(eurusd->volumes()[0] == 4992.0);

  auto missing = store.read("ZZZZ", Timeframe::k1h);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::kNotFound);
  CHECK_THAT(missing.error().message, Catch::Contains("ZZZZ_1h.csv"));

  auto listed = store.list();
  REQUIRE(listed.ok());
  std::vector<std::string> names;
  for (const auto& s : *listed) {
    names.push_back(s.symbol + "_" + std::string(ktrdr::to_string(s.timeframe)));
    CHECK(s.path == kSharedData / (names.back() + ".csv"));
  }
  CHECK(names == std::vector<std::string>{"AAPL_1h", "BTCUSDT_1h", "EURUSD_1h", "MSFT_1h",
                                          "NVDA_1h", "SPY_1d"});
}

TEST_CASE("anomalies are data: duplicates, disorder and zero volume load as they are",
          "[sdk][data][store]") {
  SECTION("the real anomaly files keep their duplicated rows and zero volumes") {
    auto spy =
        CsvBarStore::read_file(kSharedData / "anomalies/SPY_1h__gcfc.csv", "SPY", Timeframe::k1h);
    REQUIRE(spy.ok());
    const auto times = spy->timestamps();
    const auto repeats = std::adjacent_find(times.begin(), times.end());
    CHECK(repeats != times.end());
    CHECK(std::count(spy->volumes().begin(), spy->volumes().end(), 0.0) == 5117);
    BarSeries deduped("SPY", Timeframe::k1h);
    REQUIRE(deduped.merge(*spy).ok());
    CHECK(deduped.size() == 8760);
  }
  SECTION("a hand-written file with every anomaly") {
    TempDir dir;
    const std::string text = std::string(kHeader) +
                             "2024-01-02T15:30:00Z,10,11,9,10.5,0\n"
                             "2024-01-02T14:30:00Z,10,11,9,10.5,100\n"
                             "2024-01-02T14:30:00Z,10,11,9,10.6,200\n"
                             "2024-01-02T16:30:00Z,-1,500,0,10,1e9\n";
    write_file(dir.path() / "AAPL_1h.csv", text);
    auto series = CsvBarStore(dir.path()).read("AAPL", Timeframe::k1h);
    REQUIRE(series.ok());
    REQUIRE(series->size() == 4);
    CHECK_FALSE(series->is_sorted());
    CHECK(series->closes()[2] == 10.6);
    CHECK(series->volumes()[0] == 0.0);
    CHECK(series->highs()[3] == 500.0);
    CHECK(read_bytes(dir.path() / "AAPL_1h.csv") == text);
  }
}

TEST_CASE("lenient spellings are read: CRLF, blank lines, BOM, no final newline, dates, gaps",
          "[sdk][data][store]") {
  TempDir dir;
  const CsvBarStore store(dir.path());
  SECTION("CRLF endings, a BOM, blank lines and a missing final newline") {
    write_file(dir.path() / "X_1h.csv",
               "\xEF\xBB\xBFtimestamp,open,high,low,close,volume\r\n"
               "2024-01-02T14:30:00Z,1,2,0.5,1.5,10\r\n\r\n"
               "2024-01-02T15:30:00Z,1.5,2,1,1.25,20");
    auto series = store.read("X", Timeframe::k1h);
    REQUIRE(series.ok());
    REQUIRE(series->size() == 2);
    CHECK(series->volumes()[1] == 20.0);
  }
  SECTION("daily files may carry dates alone") {
    write_file(dir.path() / "SPY_1d.csv", std::string(kHeader) +
                                              "2000-01-03,94.49,94.49,91.7,92.69,8164300\n"
                                              "2000-01-04T00:00:00Z,91.48,91.82,89,89.07,1\n");
    auto series = store.read("SPY", Timeframe::k1d);
    REQUIRE(series.ok());
    CHECK(series->timestamps()[0] == ts("2000-01-03T00:00:00Z"));
    CHECK(series->timestamps()[1] == ts("2000-01-04T00:00:00Z"));
  }
  SECTION("an empty value reads as NaN, a missing value for the quality checks") {
    write_file(dir.path() / "X_1h.csv",
               std::string(kHeader) + "2024-01-02T14:30:00Z,1,,0.5,1.5,\n");
    auto series = store.read("X", Timeframe::k1h);
    REQUIRE(series.ok());
    CHECK(std::isnan(series->highs()[0]));
    CHECK(std::isnan(series->volumes()[0]));
    CHECK(series->lows()[0] == 0.5);
  }
  SECTION("a header alone is an empty series") {
    write_file(dir.path() / "X_1h.csv", kHeader);
    auto series = store.read("X", Timeframe::k1h);
    REQUIRE(series.ok());
    CHECK(series->empty());
  }
}

TEST_CASE("corrupt CSVs are parse errors naming file, line and fault, leaving the file untouched",
          "[sdk][data][store]") {
  struct Case {
    const char* name;
    std::string text;
    Timeframe timeframe;
    int line;
    const char* column;  // nullptr: no column context
    std::vector<std::string> message_parts;
  };
  const std::string good_row = "2024-01-02T14:30:00Z,1,2,0.5,1.5,10\n";
  const Case cases[] = {
      {"bad number",
       std::string(kHeader) + good_row + "2024-01-02T15:30:00Z,1,2,0.5,1.2.3,10\n",
       Timeframe::k1h,
       3,
       "close",
       {"line 3", "bad number \"1.2.3\"", "column close"}},
      {"text for a number",
       std::string(kHeader) + "2024-01-02T15:30:00Z,abc,2,0.5,1,10\n",
       Timeframe::k1h,
       2,
       "open",
       {"line 2", "\"abc\"", "column open"}},
      {"missing column",
       std::string(kHeader) + good_row + good_row + "2024-01-02T16:30:00Z,1,2,0.5,1.5\n",
       Timeframe::k1h,
       4,
       "volume",
       {"line 4", "missing column volume", "found 5"}},
      {"too many columns",
       std::string(kHeader) + "2024-01-02T16:30:00Z,1,2,0.5,1.5,10,7\n",
       Timeframe::k1h,
       2,
       nullptr,
       {"line 2", "too many columns", "found 7"}},
      {"wrong header",
       "stamp,open,high,low,close,volume\n" + good_row,
       Timeframe::k1h,
       1,
       "timestamp",
       {"line 1", "wrong header",
        "expected \"timestamp,open,high,low,close,volume\", found "
        "\"stamp,open,high,low,close,volume\"",
        "column 1, \"stamp\", is not a bar field"}},
      {"a column named twice",
       "Date,Open,High,Low,Close,close\n" + good_row,
       Timeframe::k1h,
       1,
       "close",
       {"line 1", "wrong header", "close twice"}},
      {"a header without volume",
       "timestamp,open,high,low,close\n" + good_row,
       Timeframe::k1h,
       1,
       "volume",
       {"line 1", "wrong header", "no volume column"}},
      {"an extra column",
       "Date,Open,High,Low,Close,Adj Close,Volume\n" + good_row,
       Timeframe::k1h,
       1,
       "volume",
       {"line 1", "column 6, \"Adj Close\", is not a bar field"}},
      {"a bad number in a reordered file names its column",
       "Date,Volume,Close,Open,High,Low\n2024-01-02 14:30:00,10,1.5,1,2,x\n",
       Timeframe::k1h,
       2,
       "low",
       {"line 2", "bad number \"x\" in column low"}},
      {"a short row in a reordered file names the missing column",
       "Date,Volume,Close,Open,High,Low\n2024-01-02 14:30:00,10,1.5,1\n",
       Timeframe::k1h,
       2,
       "high",
       {"line 2", "missing column high"}},
      {"an offset without minutes",
       std::string(kHeader) + "2024-01-02T14:30:00+02,1,2,0.5,1.5,10\n",
       Timeframe::k1h,
       2,
       "timestamp",
       {"line 2", "bad timestamp \"2024-01-02T14:30:00+02\""}},
      {"an offset of 24 hours",
       std::string(kHeader) + "2024-01-02T14:30:00+24:00,1,2,0.5,1.5,10\n",
       Timeframe::k1h,
       2,
       "timestamp",
       {"bad timestamp \"2024-01-02T14:30:00+24:00\""}},
      {"bad month",
       std::string(kHeader) + "2024-13-02T14:30:00Z,1,2,0.5,1.5,10\n",
       Timeframe::k1h,
       2,
       "timestamp",
       {"line 2", "bad timestamp \"2024-13-02T14:30:00Z\""}},
      {"a time without seconds",
       std::string(kHeader) + "2024-01-02 14:30,1,2,0.5,1.5,10\n",
       Timeframe::k1h,
       2,
       "timestamp",
       {"bad timestamp \"2024-01-02 14:30\""}},
      {"date alone in an hourly file",
       std::string(kHeader) + "2024-01-02,1,2,0.5,1.5,10\n",
       Timeframe::k1h,
       2,
       "timestamp",
       {"bad timestamp \"2024-01-02\""}},
      {"30 February",
       std::string(kHeader) + "2024-02-30,1,2,0.5,1.5,10\n",
       Timeframe::k1d,
       2,
       "timestamp",
       {"bad timestamp \"2024-02-30\""}},
      {"empty file", "", Timeframe::k1h, 1, nullptr, {"line 1", "empty file"}},
  };
  for (const auto& c : cases) {
    INFO(c.name);
    TempDir dir;
    const CsvBarStore store(dir.path());
    const fs::path path = *store.path_for("AAPL", c.timeframe);
    write_file(path, c.text);
    auto series = store.read("AAPL", c.timeframe);
    REQUIRE_FALSE(series.ok());
    const auto& error = series.error();
    CHECK(error.code == ErrorCode::kParse);
    CHECK_THAT(error.message, Catch::Contains(path.string()));
    for (const auto& part : c.message_parts) CHECK_THAT(error.message, Catch::Contains(part));
    CHECK(error.get("file") == path.string());
    CHECK(error.get("line") == std::to_string(c.line));
    if (c.column != nullptr) CHECK(error.get("column") == std::string(c.column));
    CHECK(read_bytes(path) == c.text);
    CHECK(names_in(dir.path()) == std::vector<std::string>{path.filename().string()});
  }
}

TEST_CASE("timestamps outside the supported range are parse errors naming it, never loaded",
          "[sdk][data][store]") {
  struct Case {
    const char* timestamp;
    Timeframe timeframe;
  };
  const std::string good_row = "2024-01-02T14:30:00Z,1,2,0.5,1.5,10\n";
  for (const Case c :
       {Case{"2300-01-02T14:30:00Z", Timeframe::k1h}, Case{"9999-12-31T00:00:00Z", Timeframe::k1h},
        Case{"1677-09-20T00:00:00Z", Timeframe::k1h}, Case{"1600-01-03", Timeframe::k1d}}) {
    INFO(c.timestamp);
    TempDir dir;
    const CsvBarStore store(dir.path());
    const fs::path path = *store.path_for("AAPL", c.timeframe);
    write_file(path, std::string(kHeader) + good_row + c.timestamp + ",1,2,0.5,1.5,10\n");
    auto series = store.read("AAPL", c.timeframe);
    REQUIRE_FALSE(series.ok());
    const auto& error = series.error();
    CHECK(error.code == ErrorCode::kParse);
    CHECK(error.get("file") == path.string());
    CHECK(error.get("line") == "3");
    CHECK(error.get("column") == "timestamp");
    CHECK(error.get("value") == c.timestamp);
    CHECK_THAT(error.message,
               Catch::Contains(c.timestamp) &&
                   Catch::Contains("supported range 1678-01-01T00:00:00Z to 2261-12-31T23:59:59Z"));
  }
  SECTION("nor saved, so that every saved file reads back") {
    TempDir dir;
    BarSeries late("AAPL", Timeframe::k1h);
    late.append(Bar{ts("2261-12-31T23:00:00Z"), 1, 2, 0.5, 1.5, 10});
    const CsvBarStore store(dir.path());
    REQUIRE(store.save(late).ok());
    CHECK(store.read("AAPL", Timeframe::k1h).value() == late);
    late.append(Bar{ts("2261-12-31T23:00:00Z") + std::chrono::hours(1), 1, 2, 0.5, 1.5, 10});
    auto saved = store.save(late);
    REQUIRE_FALSE(saved.ok());
    CHECK(saved.error().code == ErrorCode::kInvalidArgument);
    CHECK_THAT(saved.error().message, Catch::Contains("supported range"));
  }
}

TEST_CASE("a parse error quotes at most 40 printable bytes of the file, naming file, line, column",
          "[sdk][data][store]") {
  TempDir dir;
  const CsvBarStore store(dir.path());
  const fs::path path = *store.path_for("AAPL", Timeframe::k1h);
  SECTION("a series file that is a symlink to some other file") {
    const std::string secret_line = "root:x:0:0:SECRET-" + std::string(200, 'S') + "\x1b[2J";
    write_file(dir.path() / "passwd", secret_line + "\ndaemon:x:1:1:SECOND-LINE\n");
    fs::create_symlink(dir.path() / "passwd", path);
    auto series = store.read("AAPL", Timeframe::k1h);
    REQUIRE_FALSE(series.ok());
    const auto& error = series.error();
    INFO(error.message);
    CHECK(error.code == ErrorCode::kParse);
    CHECK(error.get("file") == path.string());
    CHECK(error.get("line") == "1");
    CHECK(error.get("column") == "timestamp");
    CHECK_THAT(error.message, Catch::Contains(path.string()) && Catch::Contains("line 1") &&
                                  Catch::Contains("\"" + secret_line.substr(0, 40) + "...\""));
    CHECK_THAT(error.message,
               !Catch::Contains(secret_line.substr(0, 41)) && !Catch::Contains("SECOND-LINE"));
    CHECK(all_printable(error.message));
  }
  SECTION("a huge field with control bytes in it") {
    const std::string field = "1\x1b]0;owned\x07" + std::string(100'000, '9') + "\"";
    write_file(path, std::string(kHeader) + "2024-01-02T14:30:00Z,1,2,0.5,1.5,10\n" +
                         "2024-01-02T15:30:00Z," + field + ",2,0.5,1.5,10\n");
    auto series = store.read("AAPL", Timeframe::k1h);
    REQUIRE_FALSE(series.ok());
    const auto& error = series.error();
    INFO(error.message);
    CHECK(error.code == ErrorCode::kParse);
    CHECK(error.get("line") == "3");
    CHECK(error.get("column") == "open");
    CHECK_THAT(error.message, Catch::Contains(path.string()) && Catch::Contains("line 3") &&
                                  Catch::Contains("column open") &&
                                  Catch::Contains("\"1\\x1b]0;owned\\x07999"));
    CHECK(error.message.size() < path.string().size() + 200);
    CHECK(all_printable(error.message));
    const std::string value = error.get("value").value_or("");
    CHECK(value.starts_with("1\\x1b]0;owned\\x07999"));
    CHECK(value.ends_with("..."));
    CHECK(value.size() <= 4 * 40 + 3);
    CHECK(all_printable(value));
  }
}

TEST_CASE("save then read gives back the same bars bit for bit", "[sdk][data][store]") {
  TempDir dir;
  const CsvBarStore store(dir.path() / "nested" / "store");
  SECTION("a real series") {
    auto btc = CsvBarStore::read_file(kSharedData / "BTCUSDT_1h.csv", "BTCUSDT", Timeframe::k1h);
    REQUIRE(btc.ok());
    REQUIRE(store.save(*btc).ok());
    auto back = store.read("BTCUSDT", Timeframe::k1h);
    REQUIRE(back.ok());
    CHECK(bit_identical(*back, *btc));
    const std::string text = read_bytes(*store.path_for("BTCUSDT", Timeframe::k1h));
    CHECK(text.starts_with(std::string(kHeader) +
                           "2019-09-08T17:00:00Z,10000,10000,10000,10000,0.002\n"));
  }
  SECTION("random doubles of every magnitude, signed zeros and old or daily timestamps") {
    std::mt19937_64 rng(7);
    BarSeries s("RND", Timeframe::k1d);
    const double specials[] = {
        0.0,  -0.0,        5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, 0.1, 1.0 / 3.0,
        1e22, 123456789.0, -42.5};
    std::int64_t seconds = -2208988800;  // 1900-01-01
    for (int i = 0; i < 2000; ++i) {
      double v[5];
      for (double& x : v) {
        do {
          x = std::bit_cast<double>(rng());
        } while (!std::isfinite(x));
        if (i < 10) x = specials[i];
      }
      s.append(Bar{std::chrono::sys_seconds(std::chrono::seconds(seconds)), v[0], v[1], v[2], v[3],
                   v[4]});
      seconds += 86400 * 7 + static_cast<std::int64_t>(rng() % 86400);
    }
    REQUIRE(store.save(s).ok());
    auto back = store.read("RND", Timeframe::k1d);
    REQUIRE(back.ok());
    CHECK(bit_identical(*back, s));
  }
  SECTION("saving again replaces the file and leaves no temp file") {
    REQUIRE(store.save(sample(10)).ok());
    REQUIRE(store.save(sample(3, 50.0)).ok());
    CHECK(store.read("AAPL", Timeframe::k1h).value() == sample(3, 50.0));
    CHECK(names_in(store.data_dir()) == std::vector<std::string>{"AAPL_1h.csv"});
  }
}

TEST_CASE("other tools' CSV shapes are read as UTC bars, naive timestamps reported",
          "[sdk][data][store]") {
  // One bar, 2024-01-02 14:30 UTC, as each shape writes it.
  const Bar expected{ts("2024-01-02T14:30:00Z"), 1, 2, 0.5, 1.5, 10};
  struct Shape {
    const char* name;
    std::string text;
    bool naive;
  };
  const Shape shapes[] = {
      {"the store's own", std::string(kHeader) + "2024-01-02T14:30:00Z,1,2,0.5,1.5,10\n", false},
      {"pandas with a UTC index: unnamed first column, +00:00",
       ",open,high,low,close,volume\n2024-01-02 14:30:00+00:00,1,2,0.5,1.5,10\n", false},
      {"another offset, converted to UTC",
       "timestamp,open,high,low,close,volume\n2024-01-02T09:30:00-05:00,1,2,0.5,1.5,10\n",
       false},
      {"an offset east of UTC", std::string(kHeader) + "2024-01-02T16:30:00+02:00,1,2,0.5,1.5,10\n",
       false},
      {"capitalised names with Date", "Date,Open,High,Low,Close,Volume\n2024-01-02 14:30:00,1,2,0.5,1.5,10\n",
       true},
      {"Timestamp and a T, naive", "Timestamp,Open,High,Low,Close,Volume\n2024-01-02T14:30:00,1,2,0.5,1.5,10\n",
       true},
      {"columns in another order", "Volume,Close,Low,High,Open,datetime\n10,1.5,0.5,2,1,2024-01-02 14:30:00Z\n",
       false},
  };
  for (const Shape& shape : shapes) {
    INFO(shape.name);
    ktrdr::CsvReadInfo info;
    info.naive_timestamps = !shape.naive;  // must be overwritten
    auto series = CsvBarStore::parse(shape.text, "shape.csv", "AAPL", Timeframe::k1h, {}, &info);
    REQUIRE(series.ok());
    REQUIRE(series->size() == 1);
    CHECK((*series)[0] == expected);
    CHECK(info.naive_timestamps == shape.naive);
    // Saved, it is the store's canonical form.
    TempDir dir;
    REQUIRE(CsvBarStore(dir.path()).save(*series).ok());
    CHECK(read_bytes(dir.path() / "AAPL_1h.csv") ==
          std::string(kHeader) + "2024-01-02T14:30:00Z,1,2,0.5,1.5,10\n");
  }
  SECTION("one naive row among zoned ones makes the file naive") {
    ktrdr::CsvReadInfo info;
    auto series = CsvBarStore::parse(std::string(kHeader) +
                                         "2024-01-02T14:30:00Z,1,2,0.5,1.5,10\n"
                                         "2024-01-02T15:30:00,1,2,0.5,1.5,10\n",
                                     "mixed.csv", "AAPL", Timeframe::k1h, {}, &info);
    REQUIRE(series.ok());
    CHECK(series->timestamps()[1] == ts("2024-01-02T15:30:00Z"));
    CHECK(info.naive_timestamps);
  }
  SECTION("an offset that moves a bar out of the supported range is refused") {
    auto series = CsvBarStore::parse(std::string(kHeader) + "2261-12-31T23:30:00-01:00,1,2,0.5,1.5,10\n",
                                     "edge.csv", "AAPL", Timeframe::k1h);
    REQUIRE_FALSE(series.ok());
    CHECK(series.error().code == ErrorCode::kParse);
    CHECK(series.error().get("column") == "timestamp");
  }
}

TEST_CASE("a read names each row's line, blank lines counted", "[sdk][data][store]") {
  ktrdr::CsvReadInfo info;
  auto series = CsvBarStore::parse(std::string(kHeader) +
                                       "\n"
                                       "2024-01-02T14:30:00Z,1,2,0.5,1.5,10\n"
                                       "2024-01-02T15:30:00Z,1,2,0.5,1.5,10\n"
                                       "\n\n"
                                       "2024-01-02T16:30:00Z,1,2,0.5,1.5,10\n",
                                   "blank.csv", "AAPL", Timeframe::k1h, {}, &info);
  REQUIRE(series.ok());
  REQUIRE(series->size() == 3);
  CHECK_FALSE(info.naive_timestamps);
  CHECK(info.line_of(0) == 3);
  CHECK(info.line_of(1) == 4);
  CHECK(info.line_of(2) == 7);
}

TEST_CASE("a big naive-timestamp file parses fast, in parts as whole", "[sdk][data][store]") {
  // 200,000 rows of a pandas export (unnamed index column, naive times, another column order):
  // over 8 MiB, so split between threads on two or more cores; every row takes the general path.
  constexpr std::size_t kRows = 200'000;
  std::string text = ",Open,High,Low,Close,Volume\n";
  text.reserve(kRows * 48);
  BarSeries expected("SYN", Timeframe::k1m);
  const auto start = ts("2021-03-01T00:00:00Z");
  for (std::size_t i = 0; i < kRows; ++i) {
    if (i == 1000 || i == 150'000) text += "\n";  // blank lines, one in each half
    const auto t = start + std::chrono::minutes(i);
    const auto cents = static_cast<int>(10'000 + i % 997);  // prices exact to the cent
    std::string stamp = ktrdr::to_iso8601(t);
    stamp[10] = ' ';
    stamp.pop_back();  // no Z: naive
    char row[128];
    const int n = std::snprintf(row, sizeof row, "%s,%d.%02d,%d.%02d,%d.%02d,%d.%02d,%zu\n",
                                stamp.c_str(), cents / 100, cents % 100, cents / 100 + 1,
                                cents % 100, cents / 100 - 1, cents % 100, cents / 100,
                                cents % 100, i);
    text.append(row, static_cast<std::size_t>(n));
    const double price = cents / 100.0;
    expected.append(Bar{t, price, (cents + 100) / 100.0, (cents - 100) / 100.0, price,
                        static_cast<double>(i)});
  }
  REQUIRE(text.size() > (std::size_t{8} << 20));
  ktrdr::CsvReadInfo info;
  const auto began = std::chrono::steady_clock::now();
  auto whole = CsvBarStore::parse(text, "naive.csv", "SYN", Timeframe::k1m, {}, &info);
  const auto took = std::chrono::steady_clock::now() - began;
  REQUIRE(whole.ok());
  CHECK(took < std::chrono::seconds(3));  // under ASan too; the release build takes ~50 ms
  CHECK(*whole == expected);
  CHECK(info.naive_timestamps);
  REQUIRE(info.rows_before_blank_lines == std::vector<std::size_t>{1000, 150'000});
  CHECK(info.line_of(999) == 1001);
  CHECK(info.line_of(1000) == 1003);
  CHECK(info.line_of(150'000) == 150'004);
  CHECK(info.line_of(kRows - 1) == kRows + 3);
}

TEST_CASE("a file large enough to be parsed in parts reads like one parsed whole",
          "[sdk][data][store]") {
  // Over 8 MiB: on two or more cores the parser splits it between threads.
  std::mt19937_64 rng(3);
  BarSeries big("SYN", Timeframe::k1m);
  const auto start = ts("2021-03-01T00:00:00Z");
  double price = 100.0;
  for (std::int64_t i = 0; i < 200'000; ++i) {
    const double open = price;
    price = std::round((price + static_cast<double>(rng() % 201) / 1000.0 - 0.1) * 1000.0) / 1000.0;
    big.append(Bar{start + std::chrono::minutes(i), open, std::max(open, price) + 0.01,
                   std::min(open, price) - 0.01, price, static_cast<double>(rng() % 100000)});
  }
  TempDir dir;
  const CsvBarStore store(dir.path());
  REQUIRE(store.save(big).ok());
  std::string text = read_bytes(*store.path_for("SYN", Timeframe::k1m));
  REQUIRE(text.size() > (std::size_t{8} << 20));
  auto whole = CsvBarStore::parse(text, "big.csv", "SYN", Timeframe::k1m);
  REQUIRE(whole.ok());
  CHECK(bit_identical(*whole, big));

  // A fault near the end is reported at its own line, as a single-threaded parse would.
  const std::size_t line = 190'000;  // the header is line 1, bar i is on line i + 2
  std::size_t at = 0;
  for (std::size_t n = 1; n < line; ++n) at = text.find('\n', at) + 1;
  text.replace(text.find(',', at) + 1, 0, "x");
  auto broken = CsvBarStore::parse(text, "big.csv", "SYN", Timeframe::k1m);
  REQUIRE_FALSE(broken.ok());
  CHECK(broken.error().code == ErrorCode::kParse);
  CHECK(broken.error().get("line") == std::to_string(line));
}

TEST_CASE("reads and saves with a cancelled token stop with kCancelled and change nothing",
          "[sdk][data][store][cancel]") {
  TempDir dir;
  const CsvBarStore store(dir.path());
  REQUIRE(store.save(sample(20)).ok());
  const fs::path path = *store.path_for("AAPL", Timeframe::k1h);
  const std::string before = read_bytes(path);
  ktrdr::CancellationSource source;
  source.cancel(ktrdr::CancelReason::kUser, "test");

  auto read = store.read("AAPL", Timeframe::k1h, source.token());
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == ErrorCode::kCancelled);
  CHECK(read.error().get("file") == path.string());
  auto parsed = CsvBarStore::parse(before, "in-memory", "AAPL", Timeframe::k1h, source.token());
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == ErrorCode::kCancelled);

  auto saved = store.save(sample(30, 7.0), source.token());
  REQUIRE_FALSE(saved.ok());
  CHECK(saved.error().code == ErrorCode::kCancelled);
  CHECK(read_bytes(path) == before);
  CHECK(names_in(dir.path()) == std::vector<std::string>{"AAPL_1h.csv"});

  // A default-constructed token never cancels.
  CHECK(store.read("AAPL", Timeframe::k1h, ktrdr::CancellationToken()).value() == sample(20));
}

TEST_CASE("a read of a big file cancelled from another thread stops with kCancelled",
          "[sdk][data][store][cancel]") {
  // 2,500,000 rows (about 100 MB; one bar repeated, duplicates being data): parsed in parts on
  // several threads where there are cores, and long enough to parse that the cancel lands while
  // the read is under way.
  constexpr std::size_t kRows = 2'500'000;
  const std::string row = "2024-01-02T14:30:00Z,1.10012,1.10031,1.09987,1.10025,1234\n";
  std::string text = kHeader;
  text.reserve(text.size() + kRows * row.size());
  for (std::size_t i = 0; i < kRows; ++i) text += row;
  TempDir dir;
  const CsvBarStore store(dir.path());
  write_file(*store.path_for("BIG", Timeframe::k1m), text);
  text = std::string();

  ktrdr::CancellationSource source;
  std::latch reading(1);
  std::optional<ktrdr::Result<BarSeries>> result;
  std::thread reader([&] {
    reading.count_down();
    result = store.read("BIG", Timeframe::k1m, source.token());
  });
  reading.wait();
  source.cancel(ktrdr::CancelReason::kUser, "test");
  reader.join();
  REQUIRE(result.has_value());
  // The error, not the series: the parse stopped before the end.
  REQUIRE_FALSE(result->ok());
  CHECK(result->error().code == ErrorCode::kCancelled);
  CHECK(result->error().get("file") == store.path_for("BIG", Timeframe::k1m).value().string());
}

TEST_CASE("a save that fails midway leaves the old file byte-identical and no temp file",
          "[sdk][data][store]") {
  TempDir dir;
  CsvBarStore store(dir.path());
  REQUIRE(store.save(sample(20)).ok());
  const fs::path path = *store.path_for("AAPL", Timeframe::k1h);
  const std::string before = read_bytes(path);

  SECTION("the write fails after some bytes") {
    const std::size_t limit =
        GENERATE(std::size_t{0}, std::size_t{1}, std::size_t{100}, std::size_t{4000});
    INFO("fail after " << limit << " bytes");
    store.fail_writes_after_for_testing(limit);
    auto saved = store.save(sample(200, 300.0));
    REQUIRE_FALSE(saved.ok());
    CHECK(saved.error().code == ErrorCode::kIo);
    CHECK_THAT(saved.error().message, Catch::Contains(path.string()));
    CHECK(saved.error().get("file") == path.string());
    CHECK(read_bytes(path) == before);
    CHECK(names_in(dir.path()) == std::vector<std::string>{"AAPL_1h.csv"});

    store.fail_writes_after_for_testing(std::nullopt);
    REQUIRE(store.save(sample(200, 300.0)).ok());
    CHECK(store.read("AAPL", Timeframe::k1h).value() == sample(200, 300.0));
  }
  SECTION("the rename fails because the target is a directory") {
    const CsvBarStore other(dir.path());
    BarSeries msft("MSFT", Timeframe::k1h);
    fs::create_directory(dir.path() / "MSFT_1h.csv");
    auto saved = other.save(msft);
    REQUIRE_FALSE(saved.ok());
    CHECK(saved.error().code == ErrorCode::kIo);
    CHECK_THAT(saved.error().message, Catch::Contains("MSFT_1h.csv"));
    CHECK(names_in(dir.path()) == std::vector<std::string>{"AAPL_1h.csv", "MSFT_1h.csv"});
    CHECK(read_bytes(path) == before);
  }
}

TEST_CASE("a temp file left by a crash is ignored by read and list", "[sdk][data][store]") {
  TempDir dir;
  const CsvBarStore store(dir.path());
  REQUIRE(store.save(sample(5)).ok());
  write_file(dir.path() / "AAPL_1h.csv.tmp.99999", std::string(kHeader) + "2024-01-02T14:3");
  write_file(dir.path() / "notes.txt", "hello");
  write_file(dir.path() / "SPY_1h__gcfc.csv", kHeader);
  write_file(dir.path() / "SPY_2h.csv", kHeader);
  CHECK(store.read("AAPL", Timeframe::k1h).value() == sample(5));
  auto listed = store.list();
  REQUIRE(listed.ok());
  REQUIRE(listed->size() == 1);
  CHECK((*listed)[0] == ktrdr::StoredSeries{"AAPL", Timeframe::k1h, dir.path() / "AAPL_1h.csv"});
  CHECK(CsvBarStore(dir.path() / "absent").list().value().empty());
}

TEST_CASE("saving refuses unsafe symbols before touching the disk", "[sdk][data][store]") {
  TempDir dir;
  const CsvBarStore store(dir.path() / "store");
  for (const char* bad : {"../evil", "a/b", ".", ""}) {
    INFO(bad);
    auto saved = store.save(BarSeries(bad, Timeframe::k1h));
    REQUIRE_FALSE(saved.ok());
    CHECK(saved.error().code == ErrorCode::kInvalidArgument);
  }
  CHECK(names_in(dir.path()).empty());
}

TEST_CASE("parse throughput on EURUSD_1h and a generated 1,000,000-row file",
          "[sdk][data][store][.bench]") {
  using Clock = std::chrono::steady_clock;
  auto measure = [](const fs::path& path, const char* symbol, Timeframe tf) {
    const double megabytes = static_cast<double>(fs::file_size(path)) / 1e6;
    double best = 1e9;
    std::size_t rows = 0;
    for (int run = 0; run < 5; ++run) {
      const auto start = Clock::now();
      auto series = CsvBarStore::read_file(path, symbol, tf);
      const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      REQUIRE(series.ok());
      rows = series->size();
      best = std::min(best, seconds);
    }
    WARN(path.filename().string() << ": " << rows << " bars, " << megabytes << " MB in "
                                  << best * 1e3 << " ms = " << static_cast<double>(rows) / best
                                  << " bars/s, " << megabytes / best << " MB/s");
  };
  measure(kSharedData / "EURUSD_1h.csv", "EURUSD", Timeframe::k1h);

  TempDir dir;
  std::mt19937_64 rng(1);
  std::normal_distribution<double> step(0.0, 0.0005);
  BarSeries big("SYN", Timeframe::k1m);
  big.reserve(1'000'000);
  double price = 1.1;
  const auto start = ts("2020-01-01T00:00:00Z");
  for (std::int64_t i = 0; i < 1'000'000; ++i) {
    const double open = price;
    price = std::round((price + step(rng)) * 1e5) / 1e5;
    big.append(Bar{start + std::chrono::minutes(i), open, std::max(open, price) + 0.0001,
                   std::min(open, price) - 0.0001, price, static_cast<double>(rng() % 5000)});
  }
  REQUIRE(CsvBarStore(dir.path()).save(big).ok());
  measure(dir.path() / "SYN_1m.csv", "SYN", Timeframe::k1m);
}
