// BarAlignment: where a series' bars open, as data — anchored to the session open or to the
// UTC clock, plus an offset — so expected bars follow each vendor's own alignment. Plain value.
#pragma once

#include <chrono>
#include <cstdint>

namespace ktrdr {

struct BarAlignment {
  enum class Anchor : std::uint8_t {
    // Bars open at session open + offset + k·timeframe (Yahoo's 09:30, 10:30 … hourly bars).
    kSessionOpen = 0,
    // Bars open where (seconds since the epoch − offset) is a multiple of the timeframe (IB's
    // clock-hour bars, FX, crypto); daily bars open at 00:00Z + offset on the trading date.
    kClock = 1,
  };

  Anchor anchor = Anchor::kClock;
  // In [0, timeframe). When the session open is not itself a bar open, a partial bar opens there
  // too (IB's 09:30 half bar before the 10:00 bar), unless the previous session ends there.
  std::chrono::seconds offset{0};

  friend bool operator==(const BarAlignment&, const BarAlignment&) = default;
};

}  // namespace ktrdr
