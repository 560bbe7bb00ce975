#include "ktrdr/sdk/time_format.hpp"

#include <date/date.h>

#include <catch2/catch.hpp>

using namespace std::chrono_literals;

namespace {

ktrdr::SystemTime at(int y, unsigned m, unsigned d, std::chrono::nanoseconds time_of_day = {}) {
  return date::sys_days(date::year(y) / m / d) + time_of_day;
}

}  // namespace

TEST_CASE("times format as ISO-8601 UTC, optionally with milliseconds", "[sdk][time]") {
  const auto t = at(2024, 1, 2, 14h + 30min + 5s + 123456789ns);
  CHECK(ktrdr::to_iso8601(t) == "2024-01-02T14:30:05Z");
  CHECK(ktrdr::to_iso8601(t, true) == "2024-01-02T14:30:05.123Z");
  CHECK(ktrdr::to_iso8601(at(1969, 12, 31, 23h + 59min + 59s + 500ms), true) ==
        "1969-12-31T23:59:59.500Z");
}

TEST_CASE("parse accepts dates, minutes, seconds and fractions with or without Z", "[sdk][time]") {
  struct Case {
    const char* text;
    ktrdr::SystemTime expected;
  };
  const Case cases[] = {
      {"2024-01-02", at(2024, 1, 2)},
      {"2024-01-02T14:30", at(2024, 1, 2, 14h + 30min)},
      {"2024-01-02T14:30Z", at(2024, 1, 2, 14h + 30min)},
      {"2024-01-02T14:30:05", at(2024, 1, 2, 14h + 30min + 5s)},
      {"2024-01-02T14:30:05Z", at(2024, 1, 2, 14h + 30min + 5s)},
      {"2024-01-02T14:30:05.123Z", at(2024, 1, 2, 14h + 30min + 5s + 123ms)},
      {"2024-01-02T14:30:05.123456", at(2024, 1, 2, 14h + 30min + 5s + 123456us)},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto parsed = ktrdr::parse_iso8601(c.text);
    REQUIRE(parsed.ok());
    CHECK(*parsed == c.expected);
  }
}

TEST_CASE("formatting and parsing round-trip", "[sdk][time]") {
  const auto t = at(2026, 11, 28, 10h + 15min + 42ms);
  auto parsed = ktrdr::parse_iso8601(ktrdr::to_iso8601(t, true));
  REQUIRE(parsed.ok());
  CHECK(*parsed == t);
}

TEST_CASE("invalid times are errors naming the text", "[sdk][time]") {
  // "~01" as seconds made the date library read an uninitialised value (found by fuzzing).
  for (const char* text : {"", "yesterday", "2024-13-01", "2024-01-02T25:00", "2024-01-02 junk",
                           "2024-01-02T14:30:05+02:00", "2024-01-02T14:30:~01Z", "2024-1-02",
                           "2024-01-02T14:30:05."}) {
    INFO(text);
    auto parsed = ktrdr::parse_iso8601(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == ktrdr::ErrorCode::kParse);
    CHECK(parsed.error().get("value") == text);
  }
}

TEST_CASE("times outside the supported range are refused naming the range, never wrapped",
          "[sdk][time]") {
  for (const char* text : {"2300-01-01", "2262-01-01", "2262-04-11T23:47:16Z", "9999-12-31",
                           "1677-12-31T23:59:59Z", "1600-01-01", "0001-01-01", "-0100-01-01"}) {
    INFO(text);
    auto parsed = ktrdr::parse_iso8601(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == ktrdr::ErrorCode::kInvalidArgument);
    CHECK(parsed.error().get("value") == text);
    CHECK_THAT(
        parsed.error().message,
        Catch::Contains(text) && Catch::Contains("1678-01-01T00:00:00Z to 2261-12-31T23:59:59Z"));
  }
  CHECK(ktrdr::supported_time_range() == "1678-01-01T00:00:00Z to 2261-12-31T23:59:59Z");
}

TEST_CASE("the supported range's first and last seconds parse exactly", "[sdk][time]") {
  CHECK(ktrdr::parse_iso8601("1678-01-01").value() == at(1678, 1, 1));
  CHECK(ktrdr::parse_iso8601("2261-12-31T23:59:59Z").value() ==
        at(2261, 12, 31, 23h + 59min + 59s));
  CHECK(ktrdr::kEarliestSupportedTime == at(1678, 1, 1));
  CHECK(ktrdr::kSupportedTimeEnd == at(2262, 1, 1));
  CHECK(ktrdr::is_supported_time(ktrdr::kEarliestSupportedTime));
  CHECK(ktrdr::is_supported_time(ktrdr::kSupportedTimeEnd - 1s));
  CHECK_FALSE(ktrdr::is_supported_time(ktrdr::kEarliestSupportedTime - 1s));
  CHECK_FALSE(ktrdr::is_supported_time(ktrdr::kSupportedTimeEnd));
}
