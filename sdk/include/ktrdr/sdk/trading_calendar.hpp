// TradingCalendar: when a market trades (US equities on the NYSE calendar, FX 24/5, crypto 24/7)
// and which bars a series should therefore have. Instants are std::chrono::sys_seconds (UTC);
// days are calendar dates in the market's own time zone. Cheap to copy; const methods are
// thread-safe (time zones come from the system tz database, NYSE years from a shared cache).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "ktrdr/sdk/bar_alignment.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

enum class Market : std::uint8_t {
  // NYSE days and holidays; regular session 09:30–16:00 America/New_York (13:00 on early
  // closes), extended 04:00–20:00 (17:00 on early closes).
  kUsEquity = 0,
  // Sunday 17:00 to Friday 17:00 America/New_York; no FX holidays. The session of date D runs
  // from 17:00 New York on D−1 to 17:00 on D, for D Monday to Friday.
  kFx = 1,
  // Always open; the session of date D is [D 00:00Z, D+1 00:00Z).
  kCrypto = 2,
};

enum class SessionHours : std::uint8_t { kRegular = 0, kExtended = 1 };  // US equities only

struct Session {
  std::chrono::sys_seconds open;   // first instant of the session (UTC)
  std::chrono::sys_seconds close;  // first instant after it
  bool early_close = false;        // an NYSE 13:00 close

  friend bool operator==(const Session&, const Session&) = default;
};

class TradingCalendar {
 public:
  // Fails with kUnavailable when the system tz database (tzdata) cannot provide
  // America/New_York.
  [[nodiscard]] static Result<TradingCalendar> create(Market market,
                                                      SessionHours hours = SessionHours::kRegular);

  Market market() const noexcept { return market_; }
  SessionHours hours() const noexcept { return hours_; }

  // Whether `day` has a session. False for an invalid date.
  bool is_trading_day(std::chrono::year_month_day day) const;
  // The session of `day` in UTC, or nullopt when the market is closed that day.
  std::optional<Session> session(std::chrono::year_month_day day) const;
  // Whether `instant` lies inside a session.
  bool is_open(std::chrono::sys_seconds instant) const;

  // The open times of the bars the calendar expects in [from, to), ascending, for bars of
  // `timeframe` aligned as `alignment`. Intraday timeframes (< 1 day) give each session's bars;
  // a timeframe of exactly one day gives one bar per trading day at 00:00Z + offset. Computed per
  // day (one tz lookup per session), so years of 1-minute bars take milliseconds.
  // Fails with kInvalidArgument for a non-positive timeframe, one over a day, or an offset
  // outside [0, timeframe).
  [[nodiscard]] Result<std::vector<std::chrono::sys_seconds>> expected_bars(
      std::chrono::sys_seconds from, std::chrono::sys_seconds to, std::chrono::seconds timeframe,
      const BarAlignment& alignment) const;

  // The alignment that best explains a stored series' bar open times (any order): the most
  // common offset of the bars from their session open, and from the UTC clock, each scored by
  // how many in-session bars it explains; on a tie the one with a zero offset wins (Yahoo's
  // 09:30 hourly bars: session open; IB's: clock), then the session open for US equities and the
  // clock otherwise. Bars outside every session are ignored. Fails with kInvalidArgument
  // for an empty series or a non-positive timeframe.
  [[nodiscard]] Result<BarAlignment> infer_alignment(
      std::span<const std::chrono::sys_seconds> timestamps, std::chrono::seconds timeframe) const;

 private:
  TradingCalendar(Market market, SessionHours hours) : market_(market), hours_(hours) {}

  // The session containing `instant`, if any.
  std::optional<Session> session_at(std::chrono::sys_seconds instant) const;

  Market market_;
  SessionHours hours_;
};

}  // namespace ktrdr
