#include "tws/tws_time.hpp"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <system_error>

#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr::data::tws {
namespace {

using std::chrono::days;
using std::chrono::local_days;
using std::chrono::local_seconds;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::year_month_day;

struct ZoneAlias {
  std::string_view ib_name;
  std::string_view iana_name;
};

constexpr ZoneAlias kZoneAliases[] = {
    {"EST", "Etc/GMT+5"},
    {"EDT", "Etc/GMT+4"},
    {"Greenwich Mean Time", "Etc/GMT"},
    {"US/Eastern", "America/New_York"},
    {"US/Central", "America/Chicago"},
    {"US/Mountain", "America/Denver"},
    {"US/Pacific", "America/Los_Angeles"},
};

constexpr std::size_t kCompactDateLength = 8;  // "20250131"
constexpr std::size_t kDashedDateLength = 10;  // "2025-01-31"
constexpr std::size_t kClockLength = 8;        // "21:00:00"

bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

bool all_digits(std::string_view text) noexcept {
  for (const char c : text) {
    if (!is_digit(c)) return false;
  }
  return !text.empty();
}

// The number written by text[pos, pos + width) when those are all digits.
std::optional<unsigned> digits(std::string_view text, std::size_t pos, std::size_t width) {
  if (pos + width > text.size()) return std::nullopt;
  unsigned value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (!is_digit(text[i])) return std::nullopt;
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return value;
}

bool char_at(std::string_view text, std::size_t pos, char c) noexcept {
  return pos < text.size() && text[pos] == c;
}

// "yyyymmdd" or, when `dashed`, "yyyy-mm-dd" at the front of `text`.
std::optional<year_month_day> read_date(std::string_view text, bool dashed) {
  const std::size_t month_at = dashed ? 5 : 4;
  const std::size_t day_at = dashed ? 8 : 6;
  if (dashed && !(char_at(text, 4, '-') && char_at(text, 7, '-'))) return std::nullopt;
  const auto year = digits(text, 0, 4);
  const auto month = digits(text, month_at, 2);
  const auto day = digits(text, day_at, 2);
  if (!year || !month || !day) return std::nullopt;
  const year_month_day date{std::chrono::year{static_cast<int>(*year)}, std::chrono::month{*month},
                            std::chrono::day{*day}};
  if (!date.ok()) return std::nullopt;
  return date;
}

// "hh:mm:ss" with an optional fraction (dropped) at text[pos]; moves `pos` past it.
std::optional<seconds> read_clock(std::string_view text, std::size_t& pos) {
  const auto hour = digits(text, pos, 2);
  const auto minute = digits(text, pos + 3, 2);
  const auto second = digits(text, pos + 6, 2);
  if (!hour || !minute || !second || !char_at(text, pos + 2, ':') || !char_at(text, pos + 5, ':') ||
      *hour > 23 || *minute > 59 || *second > 59) {
    return std::nullopt;
  }
  pos += kClockLength;
  if (char_at(text, pos, '.')) {
    const std::size_t fraction = ++pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos == fraction) return std::nullopt;
  }
  return std::chrono::hours{*hour} + std::chrono::minutes{*minute} + seconds{*second};
}

Error unreadable(std::string_view text, std::string_view why) {
  return Error::parse("unreadable TWS time \"" + std::string(text) + "\": " + std::string(why),
                      {{"value", std::string(text)}});
}

// A date alone or epoch seconds: `text` is all digits.
Result<sys_seconds> parse_digits(std::string_view text) {
  if (text.size() == kCompactDateLength) {
    const auto date = read_date(text, /*dashed=*/false);
    if (!date) return unreadable(text, "not a valid date yyyymmdd");
    return sys_seconds{sys_days{*date}};
  }
  std::int64_t epoch = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), epoch);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    return unreadable(text, "epoch seconds out of range");
  }
  return sys_seconds{seconds{epoch}};
}

// A date and a wall clock, with a zone, in UTC, or in `zoneless_zone`.
Result<sys_seconds> parse_date_time(std::string_view text, const TimeZone& zoneless_zone) {
  const bool dashed = char_at(text, 4, '-');
  const auto date = read_date(text, dashed);
  if (!date) return unreadable(text, "expected a date yyyymmdd or yyyy-mm-dd");
  std::size_t pos = dashed ? kDashedDateLength : kCompactDateLength;
  const bool utc_dash = !dashed && char_at(text, pos, '-');
  if (utc_dash) {
    ++pos;
  } else if (char_at(text, pos, ' ')) {
    ++pos;
    if (!dashed && char_at(text, pos, ' ')) ++pos;  // the older two-space form
  } else {
    return unreadable(text, "expected '-' or ' ' after the date");
  }
  const auto clock = read_clock(text, pos);
  if (!clock) return unreadable(text, "expected a time hh:mm:ss after the date");
  const local_seconds local = local_days{*date} + *clock;
  if (pos == text.size()) {
    if (utc_dash || dashed) return sys_seconds{local.time_since_epoch()};
    return zoneless_zone.to_sys(local);
  }
  if (utc_dash || !char_at(text, pos, ' ') || pos + 1 == text.size()) {
    return unreadable(text, "unexpected text after the time");
  }
  Result<TimeZone> zone = resolve_tws_zone(text.substr(pos + 1));
  if (!zone.ok()) return unreadable(text, zone.error().message);
  return zone->to_sys(local);
}

}  // namespace

Result<TimeZone> resolve_tws_zone(std::string_view name) {
  for (const ZoneAlias& alias : kZoneAliases) {
    if (alias.ib_name == name) return TimeZone::named(alias.iana_name);
  }
  return TimeZone::named(name);
}

Result<sys_seconds> parse_tws_time(std::string_view text, const TimeZone& zoneless_zone) {
  Result<sys_seconds> time =
      all_digits(text) ? parse_digits(text) : parse_date_time(text, zoneless_zone);
  if (time.ok() && !is_supported_time(*time)) {
    return Error::invalid_argument("TWS time \"" + std::string(text) +
                                       "\" lies outside the supported range " +
                                       supported_time_range(),
                                   {{"value", std::string(text)}});
  }
  return time;
}

std::string format_end_date_time(sys_seconds time) {
  const sys_days day = std::chrono::floor<days>(time);
  const year_month_day date{day};
  const std::chrono::hh_mm_ss clock{time - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02u%02u-%02d:%02d:%02d", static_cast<int>(date.year()),
                static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return text;
}

}  // namespace ktrdr::data::tws
