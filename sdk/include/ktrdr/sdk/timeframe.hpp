// Timeframe: the bar sizes ktrdr knows (1m 5m 15m 30m 1h 4h 1d 1w), their text form, their length,
// and IB's maximum duration per historical-data request for each. Plain values; thread-safe.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string_view>

#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

enum class Timeframe : std::uint8_t {
  k1m = 1,
  k5m = 2,
  k15m = 3,
  k30m = 4,
  k1h = 5,
  k4h = 6,
  k1d = 7,
  k1w = 8,
};

// Every timeframe, shortest first.
inline constexpr std::array<Timeframe, 8> kAllTimeframes{
    Timeframe::k1m, Timeframe::k5m, Timeframe::k15m, Timeframe::k30m,
    Timeframe::k1h, Timeframe::k4h, Timeframe::k1d,  Timeframe::k1w};

// "1m", "5m", "15m", "30m", "1h", "4h", "1d", "1w" (the store's file-name suffix and the API form).
std::string_view to_string(Timeframe tf) noexcept;

// Inverse of to_string; exact, case-sensitive. On failure an ErrorCode::kInvalidArgument error
// naming the text and listing the valid timeframes, context {"field": "timeframe", "value": text}.
Result<Timeframe> parse_timeframe(std::string_view text);

// The length of one bar (1w = 7 days).
std::chrono::seconds duration(Timeframe tf) noexcept;

// True for 1d and 1w: bars stamped at 00:00 UTC on their date.
bool is_daily_or_longer(Timeframe tf) noexcept;

// The longest range IB serves in one historical-data request for this bar size, with months and
// years as fixed day counts: 1m → 1 day, 5m → 7 days, 15m → 14 days, 30m and 1h → 30 days
// (1 month), 4h → 120 days (4 months), 1d → 365 days (1 year), 1w → 730 days (2 years).
std::chrono::days ib_max_request_duration(Timeframe tf) noexcept;

}  // namespace ktrdr
