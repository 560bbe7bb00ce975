#include "ktrdr/sdk/bar_series.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <random>
#include <string>

using ktrdr::Bar;
using ktrdr::BarSeries;
using ktrdr::Timeframe;

namespace {

std::chrono::sys_seconds at(std::int64_t seconds) {
  return std::chrono::sys_seconds(std::chrono::seconds(seconds));
}

// A bar whose prices all equal `price`, so tests can tell bars apart by one number.
Bar bar(std::int64_t seconds, double price) {
  return Bar{at(seconds), price, price, price, price, price * 10};
}

BarSeries series(std::initializer_list<Bar> bars, std::string symbol = "AAPL") {
  BarSeries s(std::move(symbol), Timeframe::k1h);
  for (const Bar& b : bars) s.append(b);
  return s;
}

std::vector<std::int64_t> times_of(const BarSeries& s) {
  std::vector<std::int64_t> out;
  for (auto t : s.timestamps()) out.push_back(t.time_since_epoch().count());
  return out;
}

std::vector<double> closes_of(const BarSeries& s) { return {s.closes().begin(), s.closes().end()}; }

}  // namespace

TEST_CASE("a bar series stores bars column by column", "[sdk][data][bars]") {
  BarSeries s("EURUSD", Timeframe::k1h);
  CHECK(s.empty());
  s.append(Bar{at(3600), 1.0, 2.0, 0.5, 1.5, 100.0});
  s.append(Bar{at(7200), 1.5, 2.5, 1.0, 2.0, 0.0});
  REQUIRE(s.size() == 2);
  CHECK(s.symbol() == "EURUSD");
  CHECK(s.timeframe() == Timeframe::k1h);
  CHECK(s[1] == Bar{at(7200), 1.5, 2.5, 1.0, 2.0, 0.0});
  CHECK(s.opens()[0] == 1.0);
  CHECK(s.highs()[1] == 2.5);
  CHECK(s.lows()[0] == 0.5);
  CHECK(s.closes()[1] == 2.0);
  CHECK(s.volumes()[0] == 100.0);
  CHECK(s.is_sorted());
}

TEST_CASE("is_sorted allows equal timestamps but not a step back", "[sdk][data][bars]") {
  CHECK(series({}).is_sorted());
  CHECK(series({bar(1, 1), bar(1, 2), bar(2, 3)}).is_sorted());
  CHECK_FALSE(series({bar(2, 1), bar(1, 2)}).is_sorted());
}

TEST_CASE("slice keeps the bars from `from` up to but excluding `to`", "[sdk][data][bars]") {
  SECTION("sorted series use the half-open range") {
    const BarSeries s = series({bar(10, 1), bar(20, 2), bar(30, 3), bar(40, 4)});
    const BarSeries part = s.slice(at(20), at(40));
    CHECK(times_of(part) == std::vector<std::int64_t>{20, 30});
    CHECK(part.symbol() == "AAPL");
    CHECK(part.timeframe() == Timeframe::k1h);
    CHECK(s.slice(at(0), at(100)) == s);
    CHECK(s.slice(at(25), at(25)).empty());
    CHECK(s.slice(at(40), at(10)).empty());
  }
  SECTION("unsorted series are scanned and keep their order") {
    const BarSeries s = series({bar(30, 3), bar(10, 1), bar(20, 2), bar(40, 4)});
    CHECK(times_of(s.slice(at(10), at(31))) == std::vector<std::int64_t>{30, 10, 20});
  }
}

TEST_CASE("merge keeps ascending order and the newer bar on equal timestamps",
          "[sdk][data][bars]") {
  SECTION("overlapping sorted series") {
    BarSeries old = series({bar(1, 1), bar(2, 2), bar(3, 3)});
    REQUIRE(old.merge(series({bar(3, 30), bar(4, 40)})).ok());
    CHECK(times_of(old) == std::vector<std::int64_t>{1, 2, 3, 4});
    CHECK(closes_of(old) == std::vector<double>{1, 2, 30, 40});
    CHECK(old[2] == bar(3, 30));
  }
  SECTION("interleaved sorted series") {
    BarSeries old = series({bar(1, 1), bar(3, 3), bar(5, 5)});
    REQUIRE(old.merge(series({bar(2, 20), bar(3, 30), bar(6, 60)})).ok());
    CHECK(times_of(old) == std::vector<std::int64_t>{1, 2, 3, 5, 6});
    CHECK(closes_of(old) == std::vector<double>{1, 20, 30, 5, 60});
  }
  SECTION("duplicates inside one series collapse to the later row") {
    BarSeries old = series({bar(1, 1), bar(1, 11), bar(2, 2)});
    REQUIRE(old.merge(series({bar(2, 20), bar(2, 21)})).ok());
    CHECK(times_of(old) == std::vector<std::int64_t>{1, 2});
    CHECK(closes_of(old) == std::vector<double>{11, 21});
  }
  SECTION("unsorted input is sorted and deduplicated") {
    BarSeries old = series({bar(3, 3), bar(1, 1), bar(2, 2), bar(1, 12)});
    REQUIRE(old.merge(series({bar(2, 20), bar(0, 0)})).ok());
    CHECK(times_of(old) == std::vector<std::int64_t>{0, 1, 2, 3});
    CHECK(closes_of(old) == std::vector<double>{0, 12, 20, 3});
  }
  SECTION("empty sides") {
    BarSeries old = series({});
    REQUIRE(old.merge(series({bar(1, 1)})).ok());
    CHECK(old == series({bar(1, 1)}));
    REQUIRE(old.merge(series({})).ok());
    CHECK(old == series({bar(1, 1)}));
  }
  SECTION("a series merged with itself is unchanged when sorted and unique") {
    BarSeries s = series({bar(1, 1), bar(2, 2)});
    REQUIRE(s.merge(s).ok());
    CHECK(s == series({bar(1, 1), bar(2, 2)}));
  }
}

TEST_CASE("merge refuses another symbol or timeframe and leaves the series unchanged",
          "[sdk][data][bars]") {
  BarSeries s = series({bar(1, 1)});
  auto other_symbol = s.merge(series({bar(2, 2)}, "MSFT"));
  REQUIRE_FALSE(other_symbol.ok());
  CHECK(other_symbol.error().code == ktrdr::ErrorCode::kInvalidArgument);
  BarSeries daily("AAPL", Timeframe::k1d);
  daily.append(bar(2, 2));
  CHECK(s.merge(daily).error().code == ktrdr::ErrorCode::kInvalidArgument);
  CHECK(s == series({bar(1, 1)}));
}

TEST_CASE("merge agrees with a last-writer-wins map on random series", "[sdk][data][bars]") {
  std::mt19937_64 rng(42);
  std::uniform_int_distribution<std::int64_t> time(0, 200);
  for (int round = 0; round < 50; ++round) {
    const bool sorted = round % 2 == 0;
    BarSeries a("X", Timeframe::k1h);
    BarSeries b("X", Timeframe::k1h);
    std::map<std::int64_t, double> expected;
    std::vector<std::int64_t> ta(100);
    std::vector<std::int64_t> tb(60);
    for (auto& t : ta) t = time(rng);
    for (auto& t : tb) t = time(rng);
    if (sorted) {
      std::sort(ta.begin(), ta.end());
      std::sort(tb.begin(), tb.end());
    }
    double price = 0;
    for (auto t : ta) {
      a.append(bar(t, ++price));
      expected[t] = price;
    }
    for (auto t : tb) {
      b.append(bar(t, ++price));
      expected[t] = price;
    }
    REQUIRE(a.merge(b).ok());
    std::vector<std::int64_t> want_times;
    std::vector<double> want_closes;
    for (const auto& [t, p] : expected) {
      want_times.push_back(t);
      want_closes.push_back(p);
    }
    INFO("round " << round);
    CHECK(times_of(a) == want_times);
    CHECK(closes_of(a) == want_closes);
  }
}

TEST_CASE("symbols are letters, digits, dots and dashes, 1 to 20 of them", "[sdk][data][bars]") {
  SECTION("valid symbols") {
    for (const char* ok :
         {"AAPL", "BRK.B", "EUR-USD", "btcusdt", "A", "ES-2024.12", "ABCDEFGHIJKLMNOPQRST"}) {
      INFO(ok);
      CHECK(ktrdr::validate_symbol(ok).ok());
    }
  }
  SECTION("path tricks and bad shapes are rejected naming the symbol and the reason") {
    struct Case {
      const char* symbol;
      const char* why;
    };
    const Case cases[] = {
        {"../etc", "'/'"},
        {"a/b", "'/'"},
        {"a\\b", "'\\'"},
        {"", "empty"},
        {"ABCDEFGHIJKLMNOPQRSTU", "21 characters"},
        {".", "start with '.'"},
        {".hidden", "start with '.'"},
        {"A..B", "\"..\""},
        {"AAPL 1", "' '"},
        {"AAPL_1h", "'_'"},
    };
    for (const auto& c : cases) {
      INFO(c.symbol);
      auto result = ktrdr::validate_symbol(c.symbol);
      REQUIRE_FALSE(result.ok());
      CHECK(result.error().code == ktrdr::ErrorCode::kInvalidArgument);
      CHECK(result.error().get("value") == std::string(c.symbol));
      CHECK_THAT(result.error().message,
                 Catch::Contains("\"" + std::string(c.symbol) + "\"") && Catch::Contains(c.why));
    }
  }
}
