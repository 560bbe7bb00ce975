// TradingCalendar on Howard Hinnant's tz library (system tzdata) and the cached NYSE years.
#include "ktrdr/sdk/trading_calendar.hpp"

#include <date/tz.h>

#include <algorithm>
#include <exception>
#include <map>
#include <string>

#include "ktrdr/sdk/nyse_holidays.hpp"

namespace ktrdr {
namespace {

using namespace std::chrono_literals;
using std::chrono::days;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::year_month_day;

constexpr seconds kDay = days{1};
constexpr seconds kFxRollover = 17h;  // New York time at which the FX day ends

// America/New_York from the system tz database; throws std::runtime_error when it is missing.
const date::time_zone& new_york() {
  static const date::time_zone* const zone = date::locate_zone("America/New_York");
  return *zone;
}

// `time_of_day` New York time on `day`, in UTC. The times used here never fall in a DST gap.
sys_seconds new_york_to_utc(year_month_day day, seconds time_of_day) {
  const date::local_seconds local{seconds{sys_days{day}.time_since_epoch()} + time_of_day};
  return new_york().to_sys(local, date::choose::earliest);
}

// The New York calendar date of `instant` and the time of day there.
std::pair<year_month_day, seconds> new_york_local(sys_seconds instant) {
  const seconds local = new_york().to_local(instant).time_since_epoch();
  const days day = std::chrono::floor<days>(local);
  return {year_month_day{sys_days{day}}, local - day};
}

bool is_weekday(year_month_day day) {
  const std::chrono::weekday w{sys_days{day}};
  return w != std::chrono::Saturday && w != std::chrono::Sunday;
}

// x mod m in [0, m), for m > 0.
seconds positive_mod(seconds x, seconds m) {
  const seconds r = x % m;
  return r < seconds::zero() ? r + m : r;
}

// The first instant >= t at which (t − offset) is a multiple of step.
sys_seconds grid_ceil(sys_seconds t, seconds step, seconds offset) {
  const seconds r = positive_mod(t.time_since_epoch() - offset, step);
  return r == seconds::zero() ? t : t + (step - r);
}

// The most common key (the smallest on a tie) and its count; {0, 0} when empty.
std::pair<seconds, std::size_t> mode(const std::map<seconds::rep, std::size_t>& histogram) {
  std::pair<seconds, std::size_t> best{seconds::zero(), 0};
  for (const auto& [key, count] : histogram) {
    if (count > best.second) best = {seconds{key}, count};
  }
  return best;
}

}  // namespace

Result<TradingCalendar> TradingCalendar::create(Market market, SessionHours hours) {
  try {
    static_cast<void>(new_york());
  } catch (const std::exception& e) {
    return Error::unavailable(
        std::string("time zone America/New_York unavailable (is tzdata installed?): ") + e.what(),
        {{"zone", "America/New_York"}});
  }
  return TradingCalendar(market, hours);
}

bool TradingCalendar::is_trading_day(year_month_day day) const {
  if (!day.ok()) return false;
  switch (market_) {
    case Market::kUsEquity:
      return is_weekday(day) && !is_nyse_holiday(day);
    case Market::kFx:
      return is_weekday(day);
    case Market::kCrypto:
      return true;
  }
  return false;
}

std::optional<Session> TradingCalendar::session(year_month_day day) const {
  if (!is_trading_day(day)) return std::nullopt;
  switch (market_) {
    case Market::kUsEquity: {
      const bool early = is_nyse_early_close(day);
      const bool extended = hours_ == SessionHours::kExtended;
      const seconds open = extended ? seconds{4h} : seconds{9h + 30min};
      const seconds close = extended ? (early ? seconds{17h} : seconds{20h})
                                     : (early ? seconds{13h} : seconds{16h});
      return Session{new_york_to_utc(day, open), new_york_to_utc(day, close), early};
    }
    case Market::kFx: {
      const year_month_day before{sys_days{day} - days{1}};
      return Session{new_york_to_utc(before, kFxRollover), new_york_to_utc(day, kFxRollover)};
    }
    case Market::kCrypto: {
      const sys_seconds open{sys_days{day}};
      return Session{open, open + kDay};
    }
  }
  return std::nullopt;
}

std::optional<Session> TradingCalendar::session_at(sys_seconds instant) const {
  year_month_day day;
  if (market_ == Market::kCrypto) {
    day = year_month_day{std::chrono::floor<days>(instant)};
  } else {
    const auto [local_day, time_of_day] = new_york_local(instant);
    day = local_day;
    if (market_ == Market::kFx && time_of_day >= kFxRollover) {
      day = year_month_day{sys_days{day} + days{1}};
    }
  }
  std::optional<Session> s = session(day);
  if (s && instant >= s->open && instant < s->close) return s;
  return std::nullopt;
}

bool TradingCalendar::is_open(sys_seconds instant) const {
  return session_at(instant).has_value();
}

Result<std::vector<sys_seconds>> TradingCalendar::expected_bars(sys_seconds from, sys_seconds to,
                                                                 seconds timeframe,
                                                                 const BarAlignment& alignment) const {
  if (timeframe <= seconds::zero() || timeframe > kDay) {
    return Error::invalid_argument(
        "timeframe must be positive and at most one day, got " +
            std::to_string(timeframe.count()) + "s",
        {{"timeframe_seconds", std::to_string(timeframe.count())}});
  }
  if (alignment.offset < seconds::zero() || alignment.offset >= timeframe) {
    return Error::invalid_argument(
        "bar alignment offset must lie in [0, timeframe), got " +
            std::to_string(alignment.offset.count()) + "s",
        {{"offset_seconds", std::to_string(alignment.offset.count())}});
  }
  std::vector<sys_seconds> bars;
  if (from >= to) return bars;

  if (timeframe == kDay) {
    const days first = std::chrono::floor<days>(from.time_since_epoch() - alignment.offset);
    const days last = std::chrono::floor<days>(to.time_since_epoch() - seconds{1} - alignment.offset);
    for (days d = first; d <= last; d += days{1}) {
      const sys_seconds t = sys_seconds{d} + alignment.offset;
      if (t >= from && t < to && is_trading_day(year_month_day{sys_days{d}})) bars.push_back(t);
    }
    return bars;
  }

  if (market_ != Market::kUsEquity) {
    bars.reserve(static_cast<std::size_t>((to - from) / timeframe) + 2);
  }
  // A session of date D lies within UTC dates D−1 .. D+1; the day before seeds `previous_close`.
  const sys_days first_day = std::chrono::floor<days>(from) - days{1};
  const sys_days last_day = std::chrono::floor<days>(to) + days{1};
  std::optional<sys_seconds> previous_close;
  if (const auto s = session(year_month_day{first_day - days{1}})) previous_close = s->close;
  for (sys_days d = first_day; d <= last_day; d += days{1}) {
    const std::optional<Session> s = session(year_month_day{d});
    if (!s) continue;
    const bool contiguous = previous_close == s->open;
    previous_close = s->close;
    if (s->close <= from || s->open >= to) continue;

    sys_seconds first = alignment.anchor == BarAlignment::Anchor::kSessionOpen
                            ? s->open + alignment.offset
                            : grid_ceil(s->open, timeframe, alignment.offset);
    if (first != s->open && !contiguous && s->open >= from) bars.push_back(s->open);
    if (first < from) first += (from - first + timeframe - seconds{1}) / timeframe * timeframe;
    const sys_seconds end = std::min(s->close, to);
    for (sys_seconds t = first; t < end; t += timeframe) bars.push_back(t);
  }
  return bars;
}

Result<BarAlignment> TradingCalendar::infer_alignment(std::span<const sys_seconds> timestamps,
                                                      seconds timeframe) const {
  if (timeframe <= seconds::zero()) {
    return Error::invalid_argument(
        "timeframe must be positive, got " + std::to_string(timeframe.count()) + "s",
        {{"timeframe_seconds", std::to_string(timeframe.count())}});
  }
  if (timestamps.empty()) {
    return Error::invalid_argument("cannot infer a bar alignment from an empty series");
  }
  std::map<seconds::rep, std::size_t> clock_offsets;
  if (timeframe >= kDay) {
    for (const sys_seconds t : timestamps) ++clock_offsets[positive_mod(t.time_since_epoch(), kDay).count()];
    return BarAlignment{BarAlignment::Anchor::kClock, mode(clock_offsets).first};
  }

  std::map<seconds::rep, std::size_t> session_offsets;
  std::optional<Session> current;
  for (const sys_seconds t : timestamps) {
    if (!current || t < current->open || t >= current->close) current = session_at(t);
    if (!current || t == current->open) continue;  // outside, or explained by both anchors
    ++clock_offsets[positive_mod(t.time_since_epoch(), timeframe).count()];
    ++session_offsets[positive_mod(t - current->open, timeframe).count()];
  }
  const auto [clock_offset, clock_count] = mode(clock_offsets);
  const auto [session_offset, session_count] = mode(session_offsets);
  // Hourly bars of a whole-hour-DST zone fit both anchors equally; the zero offset names them.
  const bool tie = session_count == clock_count;
  const bool prefer_session =
      session_count > clock_count ||
      (tie && (session_offset == seconds::zero()) != (clock_offset == seconds::zero())
           ? session_offset == seconds::zero()
           : tie && market_ == Market::kUsEquity);
  if (prefer_session) return BarAlignment{BarAlignment::Anchor::kSessionOpen, session_offset};
  return BarAlignment{BarAlignment::Anchor::kClock, clock_offset};
}

}  // namespace ktrdr
