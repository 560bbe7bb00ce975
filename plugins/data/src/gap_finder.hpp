// GapFinder: the bars a trading calendar expects that a series lacks, grouped into classified
// runs — real gaps apart from the closures that are expected (early-close partial bars, FX
// holidays, a vendor's late week open) — and the bars the calendar does not expect at all.
// Immutable after construction; const methods are thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/bar_alignment.hpp"
#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/time_zone.hpp"
#include "ktrdr/sdk/trading_calendar.hpp"

namespace ktrdr::data {

enum class GapClass : std::uint8_t {
  // Real gaps (GapReport::gaps).
  kIntraday = 0,  // inside one session, not the whole of it
  kSession = 1,   // one or more whole sessions of trading days (every missing daily bar)
  kMissing = 2,   // anything else, e.g. the end of one session and the start of the next
  // Expected closures (GapReport::expected_closures): never gaps, never fetched.
  kEarlyClosePartial = 3,  // the short last bar of an NYSE early-close day, which vendors omit
  kFxHoliday = 4,          // FX bars of the sessions of Dec 24–26 and Dec 31–Jan 2
  kVendorWeekOpen = 5,     // an FX week's first bar(s) before the vendor's open (00:00 Athens)
};

// "intraday", "session", "missing", "early_close_partial", "fx_holiday", "vendor_week_open".
std::string_view to_string(GapClass gap_class) noexcept;

// True for the classes that are expected closures rather than gaps.
bool is_expected_closure(GapClass gap_class) noexcept;

// A run of consecutive expected bars (in the calendar's order) that are all missing.
struct GapRun {
  std::chrono::sys_seconds from;  // open time of the first missing bar
  std::chrono::sys_seconds to;    // open time of the last missing bar + the timeframe (exclusive)
  std::size_t missing_bars = 0;
  GapClass classification = GapClass::kMissing;

  bool operator==(const GapRun&) const = default;
};

// A half-open range [from, to) of bar open times.
struct TimeRange {
  std::chrono::sys_seconds from;
  std::chrono::sys_seconds to;
};

struct GapReport {
  BarAlignment alignment;           // the alignment the series was judged by
  std::chrono::sys_seconds from{};  // the range examined, [from, to)
  std::chrono::sys_seconds to{};
  std::size_t expected_bars = 0;          // bars the calendar expects in the range
  std::size_t present_bars = 0;           // distinct series bars in the range that are expected
  std::size_t missing_bars = 0;           // bars in real gaps
  std::size_t expected_closure_bars = 0;  // bars in expected closures
  std::vector<GapRun> gaps;               // real gaps, ascending
  std::vector<GapRun> expected_closures;  // expected closures, ascending
  std::size_t unexpected_bars = 0;        // distinct series bars in the range not expected
  std::vector<std::chrono::sys_seconds> unexpected_samples;  // the first few, ascending

  // {"alignment": {...}, "from", "to", counts, "gaps": [{"from","to","missing_bars",
  // "classification"}], "expected_closures": [...], "unexpected_bars", "unexpected_samples"}.
  Json to_json() const;
};

struct GapFinderOptions {
  // Treat a missing short last bar of an NYSE early-close day as expected (Yahoo omits it).
  bool early_close_partial_expected = true;
  // Treat missing FX bars on Dec 24–26 and Dec 31–Jan 2 as expected FX holiday closures.
  bool fx_holidays_expected = true;
  // The IANA zone whose local midnight is a vendor's FX week open. Missing bars of an FX week's
  // first session from its open (Sunday 17:00 New York) up to the first midnight in this zone at
  // or after it are the vendor's late week open (kVendorWeekOpen), not gaps; a missing bar from
  // that midnight on is a gap like any other. 00:00 Europe/Athens equals 17:00 New York except
  // in the weeks where US and EU daylight saving disagree, when it is an hour later. An empty
  // string disables the excuse; an unknown zone makes find_gaps fail.
  std::string vendor_week_open_zone = "Europe/Athens";
  // How many unexpected bar timestamps the report lists.
  std::size_t max_samples = 5;
};

class GapFinder {
 public:
  explicit GapFinder(TradingCalendar calendar, GapFinderOptions options = {});

  const TradingCalendar& calendar() const noexcept { return calendar_; }
  const GapFinderOptions& options() const noexcept { return options_; }

  // Judges `series` (any order; duplicates count once) against the calendar over `range`
  // (default: from its first bar to just after its last) with `alignment` (default: inferred
  // from the series). One linear merge of expected and present open times, O(n) when sorted,
  // O(n log n) otherwise. An empty series without a range gives an empty report. Fails with
  // kInvalidArgument for a timeframe over one day, an empty series with a range but no
  // alignment, a range with from > to, or an options.vendor_week_open_zone the tz database does
  // not know.
  [[nodiscard]] Result<GapReport> find_gaps(const BarSeries& series,
                                            std::optional<BarAlignment> alignment = std::nullopt,
                                            std::optional<TimeRange> range = std::nullopt) const;

 private:
  TradingCalendar calendar_;
  GapFinderOptions options_;
  std::optional<TimeZone> week_open_zone_;  // options_.vendor_week_open_zone, resolved
  std::optional<Error> options_error_;      // why it could not be, returned by find_gaps
};

}  // namespace ktrdr::data
