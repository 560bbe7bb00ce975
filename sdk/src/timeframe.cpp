// Timeframe names, lengths and IB request limits.
#include "ktrdr/sdk/timeframe.hpp"

#include <string>

namespace ktrdr {

namespace {

struct TimeframeInfo {
  std::string_view name;
  std::chrono::seconds length;
  std::chrono::days ib_max_request;
};

// Indexed by the enum value minus one.
constexpr std::array<TimeframeInfo, kAllTimeframes.size()> kInfo{{
    {"1m", std::chrono::minutes(1), std::chrono::days(1)},
    {"5m", std::chrono::minutes(5), std::chrono::days(7)},
    {"15m", std::chrono::minutes(15), std::chrono::days(14)},
    {"30m", std::chrono::minutes(30), std::chrono::days(30)},
    {"1h", std::chrono::hours(1), std::chrono::days(30)},
    {"4h", std::chrono::hours(4), std::chrono::days(120)},
    {"1d", std::chrono::days(1), std::chrono::days(365)},
    {"1w", std::chrono::weeks(1), std::chrono::days(730)},
}};

const TimeframeInfo& info(Timeframe tf) noexcept { return kInfo[static_cast<std::size_t>(tf) - 1]; }

}  // namespace

std::string_view to_string(Timeframe tf) noexcept { return info(tf).name; }

Result<Timeframe> parse_timeframe(std::string_view text) {
  for (Timeframe tf : kAllTimeframes) {
    if (info(tf).name == text) return tf;
  }
  std::string valid;
  for (Timeframe tf : kAllTimeframes) {
    if (!valid.empty()) valid += ", ";
    valid += info(tf).name;
  }
  return Error::invalid_argument(
      "unknown timeframe \"" + std::string(text) + "\": valid timeframes are " + valid,
      {{"field", "timeframe"}, {"value", std::string(text)}});
}

std::chrono::seconds duration(Timeframe tf) noexcept { return info(tf).length; }

bool is_daily_or_longer(Timeframe tf) noexcept {
  return tf == Timeframe::k1d || tf == Timeframe::k1w;
}

std::chrono::days ib_max_request_duration(Timeframe tf) noexcept { return info(tf).ib_max_request; }

}  // namespace ktrdr
