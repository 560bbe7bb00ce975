#include "ktrdr/sdk/timeframe.hpp"

#include <catch2/catch.hpp>
#include <string>

using namespace std::chrono_literals;
using ktrdr::Timeframe;

TEST_CASE("timeframes print and parse back as 1m 5m 15m 30m 1h 4h 1d 1w",
          "[sdk][data][timeframe]") {
  const char* names[] = {"1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w"};
  REQUIRE(ktrdr::kAllTimeframes.size() == std::size(names));
  for (std::size_t i = 0; i < std::size(names); ++i) {
    INFO(names[i]);
    CHECK(ktrdr::to_string(ktrdr::kAllTimeframes[i]) == names[i]);
    auto parsed = ktrdr::parse_timeframe(names[i]);
    REQUIRE(parsed.ok());
    CHECK(*parsed == ktrdr::kAllTimeframes[i]);
  }
}

TEST_CASE("an unknown timeframe is rejected naming the text and the valid ones",
          "[sdk][data][timeframe]") {
  for (const char* bad : {"", "2h", "1H", "60m", "1d ", "daily"}) {
    INFO(bad);
    auto parsed = ktrdr::parse_timeframe(bad);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == ktrdr::ErrorCode::kInvalidArgument);
    CHECK(parsed.error().get("value") == std::string(bad));
    CHECK_THAT(parsed.error().message, Catch::Contains("\"" + std::string(bad) + "\"") &&
                                           Catch::Contains("1m, 5m, 15m, 30m, 1h, 4h, 1d, 1w"));
  }
}

TEST_CASE("each timeframe knows its bar length", "[sdk][data][timeframe]") {
  CHECK(ktrdr::duration(Timeframe::k1m) == 60s);
  CHECK(ktrdr::duration(Timeframe::k5m) == 5min);
  CHECK(ktrdr::duration(Timeframe::k15m) == 15min);
  CHECK(ktrdr::duration(Timeframe::k30m) == 30min);
  CHECK(ktrdr::duration(Timeframe::k1h) == 1h);
  CHECK(ktrdr::duration(Timeframe::k4h) == 4h);
  CHECK(ktrdr::duration(Timeframe::k1d) == 24h);
  CHECK(ktrdr::duration(Timeframe::k1w) == 7 * 24h);
  CHECK(ktrdr::is_daily_or_longer(Timeframe::k1d));
  CHECK(ktrdr::is_daily_or_longer(Timeframe::k1w));
  CHECK_FALSE(ktrdr::is_daily_or_longer(Timeframe::k4h));
}

TEST_CASE("IB's maximum request duration follows the bar size, in fixed day counts",
          "[sdk][data][timeframe]") {
  using std::chrono::days;
  CHECK(ktrdr::ib_max_request_duration(Timeframe::k1m) == days(1));
  CHECK(ktrdr::ib_max_request_duration(Timeframe::k5m) == days(7));
  CHECK(ktrdr::ib_max_request_duration(Timeframe::k15m) == days(14));
  CHECK(ktrdr::ib_max_request_duration(Timeframe::k30m) == days(30));
  CHECK(ktrdr::ib_max_request_duration(Timeframe::k1h) == days(30));
  CHECK(ktrdr::ib_max_request_duration(Timeframe::k4h) == days(120));
  CHECK(ktrdr::ib_max_request_duration(Timeframe::k1d) == days(365));
  CHECK(ktrdr::ib_max_request_duration(Timeframe::k1w) == days(730));
}
