#include "ktrdr/sdk/time_zone.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

#include "ktrdr/sdk/time_format.hpp"

using ktrdr::ErrorCode;
using ktrdr::TimeZone;
using std::chrono::sys_seconds;
using namespace std::chrono_literals;

namespace {

sys_seconds at(const char* iso) {
  return std::chrono::time_point_cast<std::chrono::seconds>(ktrdr::parse_iso8601(iso).value());
}

TimeZone athens() {
  ktrdr::Result<TimeZone> zone = TimeZone::named("Europe/Athens");
  REQUIRE(zone.ok());
  return std::move(zone).value();
}

}  // namespace

TEST_CASE("Athens midnight on a winter Sunday is the FX week's open", "[sdk][time_zone]") {
  const TimeZone zone = athens();
  CHECK(zone.name() == "Europe/Athens");
  // 2024-01-07: New York 17:00 EST and Athens 00:00 EET are both 22:00Z.
  CHECK(zone.midnight_at_or_after(at("2024-01-07T12:00:00Z")) == at("2024-01-07T22:00:00Z"));
  CHECK(zone.midnight_at_or_after(at("2024-01-07T21:59:59Z")) == at("2024-01-07T22:00:00Z"));
}

TEST_CASE("Athens midnight is an hour after the New York open when their DST disagrees",
          "[sdk][time_zone]") {
  // 2024-03-10: New York is on EDT (17:00 = 21:00Z), Athens still on EET until 2024-03-31.
  CHECK(athens().midnight_at_or_after(at("2024-03-10T21:00:00Z")) == at("2024-03-10T22:00:00Z"));
  // Summer: both on daylight time again, 00:00 EEST = 21:00Z.
  CHECK(athens().midnight_at_or_after(at("2024-07-07T21:00:00Z")) == at("2024-07-07T21:00:00Z"));
}

TEST_CASE("a local midnight is its own next midnight; a second later the next day's is",
          "[sdk][time_zone]") {
  const TimeZone zone = athens();
  CHECK(zone.midnight_at_or_after(at("2024-01-07T22:00:00Z")) == at("2024-01-07T22:00:00Z"));
  CHECK(zone.midnight_at_or_after(at("2024-01-07T22:00:01Z")) == at("2024-01-08T22:00:00Z"));
  // Across Athens' spring-forward night (03:00 → 04:00 on 2024-03-31) the day is 23 hours long.
  CHECK(zone.midnight_at_or_after(at("2024-03-30T22:00:01Z")) == at("2024-03-31T21:00:00Z"));
}

TEST_CASE("a midnight that DST skips resolves to the start of the local day", "[sdk][time_zone]") {
  // Santiago moves from 00:00 -04 to 01:00 -03 on 2024-09-08: the day starts at 04:00Z.
  ktrdr::Result<TimeZone> santiago = TimeZone::named("America/Santiago");
  REQUIRE(santiago.ok());
  CHECK(santiago->midnight_at_or_after(at("2024-09-07T12:00:00Z")) == at("2024-09-08T04:00:00Z"));
  CHECK(santiago->midnight_at_or_after(at("2024-09-08T04:00:00Z")) == at("2024-09-08T04:00:00Z"));
}

TEST_CASE("a local wall-clock time converts to its instant, DST gaps and repeats included",
          "[sdk][time_zone]") {
  ktrdr::Result<TimeZone> new_york = TimeZone::named("America/New_York");
  REQUIRE(new_york.ok());
  using std::chrono::local_days;
  using std::chrono::local_seconds;
  const auto local = [](std::chrono::year_month_day day, int hour, int minute) {
    return local_seconds{local_days{day}} + std::chrono::hours{hour} + std::chrono::minutes{minute};
  };
  SECTION("winter and summer times use EST and EDT") {
    CHECK(new_york->to_sys(local(2025y / 1 / 31, 16, 0)) == at("2025-01-31T21:00:00Z"));
    CHECK(new_york->to_sys(local(2024y / 7 / 1, 9, 30)) == at("2024-07-01T13:30:00Z"));
  }
  SECTION("a time the spring-forward gap skips lands as far past the transition") {
    // 2024-03-10: 02:00 EST becomes 03:00 EDT (07:00Z); 02:30 is read as EST.
    CHECK(new_york->to_sys(local(2024y / 3 / 10, 2, 30)) == at("2024-03-10T07:30:00Z"));
    CHECK(new_york->to_sys(local(2024y / 3 / 10, 3, 0)) == at("2024-03-10T07:00:00Z"));
  }
  SECTION("a time the fall-back repeats resolves to its first, daylight-time instant") {
    // 2024-11-03: 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    CHECK(new_york->to_sys(local(2024y / 11 / 3, 1, 30)) == at("2024-11-03T05:30:00Z"));
    CHECK(new_york->to_sys(local(2024y / 11 / 3, 2, 0)) == at("2024-11-03T07:00:00Z"));
  }
  SECTION("a fixed-offset zone is a plain shift") {
    ktrdr::Result<TimeZone> utc_minus_5 = TimeZone::named("Etc/GMT+5");
    REQUIRE(utc_minus_5.ok());
    CHECK(utc_minus_5->to_sys(local(2024y / 7 / 1, 9, 30)) == at("2024-07-01T14:30:00Z"));
  }
}

TEST_CASE("an unknown zone is an invalid argument naming it", "[sdk][time_zone]") {
  const ktrdr::Result<TimeZone> zone = TimeZone::named("Mars/Olympus_Mons");
  REQUIRE_FALSE(zone.ok());
  CHECK(zone.error().code == ErrorCode::kInvalidArgument);
  CHECK(zone.error().message.find("Mars/Olympus_Mons") != std::string::npos);
  CHECK(zone.error().get("zone") == "Mars/Olympus_Mons");
}
