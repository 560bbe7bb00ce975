// ISO-8601 UTC formatting and parsing of time points (the store's and the API's time format).
// Stateless; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

using SystemTime = std::chrono::system_clock::time_point;

// "2024-01-02T14:30:00Z", or with milliseconds "2024-01-02T14:30:00.123Z" when `millis`.
std::string to_iso8601(SystemTime t, bool millis = false);
// Accepts "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS[.fff]]" with an optional "Z" (UTC is assumed).
// The error names the text.
Result<SystemTime> parse_iso8601(std::string_view text);

}  // namespace ktrdr
