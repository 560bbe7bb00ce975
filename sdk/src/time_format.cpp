// ISO-8601 UTC formatting and parsing, on Howard Hinnant's date library.
#include "ktrdr/sdk/time_format.hpp"

#include <date/date.h>

#include <array>
#include <sstream>

namespace ktrdr {

std::string to_iso8601(SystemTime t, bool millis) {
  if (millis) return date::format("%FT%TZ", date::floor<std::chrono::milliseconds>(t));
  return date::format("%FT%TZ", date::floor<std::chrono::seconds>(t));
}

Result<SystemTime> parse_iso8601(std::string_view text) {
  // Most specific first; each must consume the whole text. %S reads an optional fraction.
  static constexpr std::array<const char*, 3> kFormats{"%FT%H:%M:%S", "%FT%H:%M", "%F"};
  std::string_view body = text;
  if (!body.empty() && (body.back() == 'Z' || body.back() == 'z')) body.remove_suffix(1);
  for (const char* format : kFormats) {
    std::istringstream in{std::string(body)};
    date::sys_time<std::chrono::nanoseconds> parsed;
    in >> date::parse(format, parsed);
    if (!in.fail() && in.peek() == std::istringstream::traits_type::eof()) {
      return std::chrono::time_point_cast<SystemTime::duration>(parsed);
    }
  }
  return Error::parse("invalid time \"" + std::string(text) +
                          "\": expected ISO-8601 UTC like 2024-01-02 or 2024-01-02T14:30:00Z",
                      {{"value", std::string(text)}});
}

}  // namespace ktrdr
