// ISO-8601 UTC formatting and parsing, on Howard Hinnant's date library.
#include "ktrdr/sdk/time_format.hpp"

#include <date/date.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <sstream>

namespace ktrdr {

namespace {

constexpr int year_of(std::chrono::sys_seconds t) noexcept {
  return static_cast<int>(
      std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(t)}.year());
}

// Both ends are New Year's midnights, so the supported times are exactly those of these years.
constexpr int kFirstSupportedYear = year_of(kEarliestSupportedTime);
constexpr int kSupportedYearsEnd = year_of(kSupportedTimeEnd);
static_assert(kEarliestSupportedTime ==
              std::chrono::sys_days{std::chrono::year{kFirstSupportedYear} / 1 / 1});
static_assert(kSupportedTimeEnd ==
              std::chrono::sys_days{std::chrono::year{kSupportedYearsEnd} / 1 / 1});

// The year `text` opens with, read as %F reads it (a sign, one to four digits, then '-');
// nullopt when it opens otherwise, which the parse then refuses.
std::optional<int> leading_year(std::string_view text) {
  const bool signed_year = !text.empty() && (text[0] == '-' || text[0] == '+');
  const std::size_t first = signed_year ? 1 : 0;
  const std::size_t dash = text.find('-', first);
  if (dash == std::string_view::npos || dash == first || dash - first > 4) return std::nullopt;
  int year = 0;
  const char* const end = text.data() + dash;
  const auto [ptr, ec] = std::from_chars(text.data() + first, end, year);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return text[0] == '-' ? -year : year;
}

// True when `body` (no trailing Z) is digits where ISO-8601 has them: YYYY-MM-DD, optionally
// THH:MM, :SS and a fraction. The date library reads garbage for a malformed field ("14:30:~1"),
// so nothing else reaches it.
bool has_iso8601_shape(std::string_view body) {
  const auto digits = [&](std::size_t at, std::size_t count) {
    if (body.size() < at + count) return false;
    return std::all_of(body.begin() + static_cast<std::ptrdiff_t>(at),
                       body.begin() + static_cast<std::ptrdiff_t>(at + count),
                       [](char c) { return c >= '0' && c <= '9'; });
  };
  const auto is = [&](std::size_t at, char c) { return body.size() > at && body[at] == c; };
  if (!digits(0, 4) || !is(4, '-') || !digits(5, 2) || !is(7, '-') || !digits(8, 2)) return false;
  if (body.size() == 10) return true;
  if (!is(10, 'T') || !digits(11, 2) || !is(13, ':') || !digits(14, 2)) {
    return false;
  }
  if (body.size() == 16) return true;
  if (!is(16, ':') || !digits(17, 2)) return false;
  if (body.size() == 19) return true;
  return is(19, '.') && body.size() > 20 && digits(20, body.size() - 20);
}

}  // namespace

std::string supported_time_range() {
  return to_iso8601(kEarliestSupportedTime) + " to " +
         to_iso8601(kSupportedTimeEnd - std::chrono::seconds(1));
}

std::string to_iso8601(SystemTime t, bool millis) {
  if (millis) return date::format("%FT%TZ", date::floor<std::chrono::milliseconds>(t));
  return date::format("%FT%TZ", date::floor<std::chrono::seconds>(t));
}

Result<SystemTime> parse_iso8601(std::string_view text) {
  // Most specific first; each must consume the whole text. %S reads an optional fraction.
  static constexpr std::array<const char*, 3> kFormats{"%FT%H:%M:%S", "%FT%H:%M", "%F"};
  std::string_view body = text;
  if (!body.empty() && (body.back() == 'Z' || body.back() == 'z')) body.remove_suffix(1);
  // Refused before parsing: the parse counts nanoseconds in 64 bits and would wrap.
  if (const auto year = leading_year(body);
      year && (*year < kFirstSupportedYear || *year >= kSupportedYearsEnd)) {
    return Error::invalid_argument("time \"" + std::string(text) +
                                       "\" is outside the supported range " +
                                       supported_time_range(),
                                   {{"value", std::string(text)}});
  }
  for (const char* format : kFormats) {
    if (!has_iso8601_shape(body)) break;  // the same for every format
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
