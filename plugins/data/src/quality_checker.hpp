// QualityChecker: the data-quality checks of a stored series (duplicates, order, prices, OHLC
// consistency, missing values, gaps, outliers and spikes, zero-volume runs, volume spikes,
// extreme moves, a partial last bar), each a severity with the first offending timestamps, and the repairs that run
// only when asked, each counted. Immutable after construction; const methods are thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gap_finder.hpp"
#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/json.hpp"

namespace ktrdr::data {

enum class Severity : std::uint8_t { kInfo = 0, kWarning = 1, kError = 2 };

// "info", "warning", "error".
std::string_view to_string(Severity severity) noexcept;

// One finding. `check` is one of: "duplicate_timestamps", "conflicting_duplicates", "unsorted",
// "non_positive_prices", "high_low_violation", "missing_values", "gaps", "unexpected_bars",
// "price_outliers", "candle_spikes", "zero_volume_bars", "zero_volume_runs", "volume_spikes",
// "extreme_moves", "partial_last_bar".
struct QualityIssue {
  std::string check;
  Severity severity = Severity::kInfo;
  std::size_t count = 0;  // offending bars, timestamps or runs (see message)
  std::vector<std::chrono::sys_seconds>
      samples;  // the first few offending timestamps, in row order
  std::string message;
};

// What repair() changed, row counts.
struct QualityRepairs {
  std::size_t duplicates_removed = 0;    // rows dropped as duplicates (the last row kept)
  bool sorted = false;                   // the rows were out of order and got sorted
  std::size_t non_positive_dropped = 0;  // rows dropped for a price <= 0
  std::size_t unfillable_dropped = 0;    // leading rows with a missing value and nothing before
  std::size_t values_filled = 0;         // missing (NaN) fields forward-filled
  std::size_t bars_clamped = 0;          // bars whose high/low were widened to cover the body

  std::size_t total() const noexcept {
    return duplicates_removed + (sorted ? 1 : 0) + non_positive_dropped + unfillable_dropped +
           values_filled + bars_clamped;
  }
};

struct QualityReport {
  std::string symbol;
  Timeframe timeframe = Timeframe::k1d;
  std::size_t bars = 0;
  std::vector<QualityIssue> issues;  // only checks that found something, in check order
  std::size_t info = 0;              // issues by severity
  std::size_t warnings = 0;
  std::size_t errors = 0;
  std::optional<GapReport> gap_report;    // when the checker has a GapFinder
  std::optional<QualityRepairs> repairs;  // when the report comes from repair()

  // The issue of that check, or nullptr when it found nothing. Valid while the report lives.
  const QualityIssue* find(std::string_view check) const noexcept;

  // {"symbol", "timeframe", "bars", "counts": {"info","warning","error"}, "issues": [{"check",
  // "severity","count","samples","message"}], "gaps": GapReport::to_json()?, "repairs": {...}?}.
  Json to_json() const;
};

struct QualityOptions {
  // Rolling windows (bars, centred on the bar judged) for medians of closes, ranges and volumes.
  std::size_t window = 21;
  // A close further than this many rolling MADs from the rolling median close is an outlier.
  double outlier_mad_threshold = 10.0;
  // A wick (high above the body, or low below it) longer than this many rolling median bar
  // ranges, and longer than spike_min_fraction of the close, is a candle spike (a bad print).
  double spike_range_factor = 10.0;
  double spike_min_fraction = 0.005;
  // This many consecutive zero-volume bars or more form a zero-volume run (a warning); every
  // zero-volume bar is also counted as info (single ones are often closing-auction bars).
  std::size_t zero_volume_run_min = 3;
  // A volume over this multiple of the rolling median volume is a volume spike.
  double volume_spike_factor = 20.0;
  // |log(close / previous close)| above this is an extreme move: intraday bars, then 1d and 1w.
  double extreme_move_intraday = 0.20;
  double extreme_move_daily = 0.40;
  // The last bar is flagged as partial (a warning) when its volume is under this fraction of the
  // median volume of the partial_last_bar_window bars before it; a window of 0 turns it off.
  double partial_last_bar_fraction = 0.1;
  std::size_t partial_last_bar_window = 20;
  // Timestamps listed per issue.
  std::size_t max_samples = 5;
};

class QualityChecker {
 public:
  // Without a GapFinder, the "gaps" and "unexpected_bars" checks are skipped.
  explicit QualityChecker(QualityOptions options = {},
                          std::optional<GapFinder> gap_finder = std::nullopt);

  const QualityOptions& options() const noexcept { return options_; }

  // Runs every check on `series` as it is (any order, duplicates included); never modifies it.
  // Gap finding that fails (e.g. a 1w series) is reported as an info issue on "gaps".
  QualityReport check(const BarSeries& series) const;

  // Repairs `series` in place — dedupe keeping the last row per timestamp, sort, drop rows with
  // a price <= 0, forward-fill missing values (a missing price takes the previous bar's close, a
  // missing volume becomes 0; leading rows with nothing before them are dropped), widen high/low
  // to cover open and close — then checks the result. The report's `repairs`
  // counts each change; nothing is changed silently.
  QualityReport repair(BarSeries& series) const;

 private:
  QualityOptions options_;
  std::optional<GapFinder> gap_finder_;
};

}  // namespace ktrdr::data
