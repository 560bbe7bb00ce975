// ISO-8601 UTC formatting and parsing of time points (the store's and the API's time format), and
// the range of times ktrdr accepts from users and files. Stateless; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

using SystemTime = std::chrono::system_clock::time_point;

// The supported times: from kEarliestSupportedTime up to, not including, kSupportedTimeEnd —
// 1678-01-01T00:00:00Z to 2261-12-31T23:59:59Z, the whole years SystemTime holds (it counts
// nanoseconds in 64 bits: 1677-09-21 to 2262-04-11). Times from outside would wrap when
// converted, so every parser of user input (params, CSV files, the wire) refuses them.
inline constexpr std::chrono::sys_seconds kEarliestSupportedTime{
    std::chrono::sys_days{std::chrono::year{1678} / 1 / 1}};
inline constexpr std::chrono::sys_seconds kSupportedTimeEnd{
    std::chrono::sys_days{std::chrono::year{2262} / 1 / 1}};

constexpr bool is_supported_time(std::chrono::sys_seconds t) noexcept {
  return t >= kEarliestSupportedTime && t < kSupportedTimeEnd;
}

// "1678-01-01T00:00:00Z to 2261-12-31T23:59:59Z", for messages.
std::string supported_time_range();

// "2024-01-02T14:30:00Z", or with milliseconds "2024-01-02T14:30:00.123Z" when `millis`.
std::string to_iso8601(SystemTime t, bool millis = false);
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with an optional "Z" (UTC is assumed).
// Errors name the text (context {"value"}): ErrorCode::kParse when it is none of these forms,
// ErrorCode::kInvalidArgument when it is a time outside the supported range (the message names
// the range).
Result<SystemTime> parse_iso8601(std::string_view text);

}  // namespace ktrdr
