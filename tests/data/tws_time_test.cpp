#include "tws/tws_time.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace ktrdr;
using namespace ktrdr::data::tws;
using namespace std::chrono;

namespace {

TimeZone zone(const char* name) { return TimeZone::named(name).value_or_throw(); }

sys_seconds utc(year_month_day day, int hour = 0, int minute = 0, int second = 0) {
  return sys_days{day} + hours{hour} + minutes{minute} + seconds{second};
}

sys_seconds parsed(const char* text, const TimeZone& zoneless = zone("America/New_York")) {
  INFO(text);
  Result<sys_seconds> time = parse_tws_time(text, zoneless);
  if (!time.ok()) FAIL(time.error().message);
  return *time;
}

}  // namespace

TEST_CASE("a date alone is 00:00 UTC of that date", "[data][tws][time]") {
  CHECK(parsed("20231110") == utc(2023y / 11 / 10));
  CHECK(parsed("20240229", zone("Asia/Tokyo")) == utc(2024y / 2 / 29));
}

TEST_CASE("digits of any other length are epoch seconds", "[data][tws][time]") {
  CHECK(parsed("1700069220") == utc(2023y / 11 / 15, 17, 27));
  CHECK(parsed("345479400") == utc(1980y / 12 / 12, 14, 30));
  CHECK(parsed("0") == utc(1970y / 1 / 1));
}

TEST_CASE("a wall clock with a zone name is read in that zone", "[data][tws][time]") {
  CHECK(parsed("20230112 20:19:28 US/Eastern") == utc(2023y / 1 / 13, 1, 19, 28));
  CHECK(parsed("20230712 20:19:28 US/Eastern") == utc(2023y / 7 / 13, 0, 19, 28));
  CHECK(parsed("20250101 23:59:59 America/Chicago") == utc(2025y / 1 / 2, 5, 59, 59));
  CHECK(parsed("20240701 12:00:00 Europe/London") == utc(2024y / 7 / 1, 11));
  CHECK(parsed("20240308 13:30:34 Greenwich Mean Time") == utc(2024y / 3 / 8, 13, 30, 34));
  CHECK(parsed("20230228 17:24:14 EST") == utc(2023y / 2 / 28, 22, 24, 14));
  CHECK(parsed("20230728 17:24:14 EDT") == utc(2023y / 7 / 28, 21, 24, 14));
  CHECK(parsed("20250131 21:00:00 UTC") == utc(2025y / 1 / 31, 21));
  // A time New York's spring-forward skips is read in EST, an hour past the transition.
  CHECK(parsed("20240310 02:30:00 US/Eastern") == utc(2024y / 3 / 10, 7, 30));
}

TEST_CASE("a zone-less wall clock is read in the zone the caller gives", "[data][tws][time]") {
  CHECK(parsed("20230413  16:31:22") == utc(2023y / 4 / 13, 20, 31, 22));
  CHECK(parsed("20230413  16:31:22", zone("Europe/London")) == utc(2023y / 4 / 13, 15, 31, 22));
  CHECK(parsed("20230413 16:31:22") == utc(2023y / 4 / 13, 20, 31, 22));
}

TEST_CASE("the dash form and the dashed date form are UTC without a zone", "[data][tws][time]") {
  CHECK(parsed("20231111-21:34:26") == utc(2023y / 11 / 11, 21, 34, 26));
  CHECK(parsed("2025-01-31 21:00:00") == utc(2025y / 1 / 31, 21));
  CHECK(parsed("2025-01-31 21:00:00.987") == utc(2025y / 1 / 31, 21));
  CHECK(parsed("2025-01-31 16:00:00 US/Eastern") == utc(2025y / 1 / 31, 21));
  CHECK(parsed("2025-01-31 16:00:00.5 US/Eastern") == utc(2025y / 1 / 31, 21));
}

TEST_CASE("other text is a parse error naming it", "[data][tws][time]") {
  const TimeZone new_york = zone("America/New_York");
  for (const char* bad :
       {"", "yesterday", "2023111x", "20231301", "20230229", "20231110 25:00:00 US/Eastern",
        "20231110 10:61:00", "20231110 10:00", "20231110T10:00:00", "0714 09:30:00 US/Eastern",
        "20231110-10:00:00 US/Eastern", "20231110 10:00:00 ", "2025-01-31", "2025-01-31 21:00:00.",
        "2025/01/31 21:00:00", "99999999999999999999", "-1700069220"}) {
    INFO(bad);
    const Result<sys_seconds> time = parse_tws_time(bad, new_york);
    REQUIRE_FALSE(time.ok());
    CHECK(time.error().code == ErrorCode::kParse);
    CHECK(time.error().get("value") == bad);
    CHECK_THAT(time.error().message, Catch::Contains("\"" + std::string(bad) + "\""));
  }
}

TEST_CASE("an unknown zone is named in the error", "[data][tws][time]") {
  const Result<sys_seconds> time =
      parse_tws_time("20231110 10:00:00 Mars/Olympus_Mons", zone("Etc/UTC"));
  REQUIRE_FALSE(time.ok());
  CHECK(time.error().code == ErrorCode::kParse);
  CHECK_THAT(time.error().message, Catch::Contains("Mars/Olympus_Mons"));
}

TEST_CASE("a time outside the supported range is refused, naming the range", "[data][tws][time]") {
  for (const char* beyond : {"99999999999", "16000101", "23000101 00:00:00 US/Eastern"}) {
    INFO(beyond);
    const Result<sys_seconds> time = parse_tws_time(beyond, zone("Etc/UTC"));
    REQUIRE_FALSE(time.ok());
    CHECK(time.error().code == ErrorCode::kInvalidArgument);
    CHECK_THAT(time.error().message, Catch::Contains(beyond) && Catch::Contains("supported"));
  }
}

TEST_CASE("IB zone names resolve to IANA zones", "[data][tws][time]") {
  CHECK(resolve_tws_zone("US/Eastern").value().name() == "America/New_York");
  CHECK(resolve_tws_zone("US/Central").value().name() == "America/Chicago");
  CHECK(resolve_tws_zone("EST").value().name() == "Etc/GMT+5");
  CHECK(resolve_tws_zone("Greenwich Mean Time").value().name() == "Etc/GMT");
  CHECK(resolve_tws_zone("Europe/London").value().name() == "Europe/London");
  const Result<TimeZone> unknown = resolve_tws_zone("Eastern Time (sort of)");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("endDateTime is written as yyyymmdd-hh:mm:ss in UTC and reads back",
          "[data][tws][time]") {
  const sys_seconds end = utc(2025y / 1 / 31, 21);
  CHECK(format_end_date_time(end) == "20250131-21:00:00");
  CHECK(format_end_date_time(utc(1999y / 12 / 31, 23, 59, 59)) == "19991231-23:59:59");
  CHECK(parsed(format_end_date_time(end).c_str()) == end);
}
