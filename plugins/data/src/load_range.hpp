// LoadRange: what a load must fetch — the requested range clamped to the provider's head
// timestamp, the stored series' real gaps inside it, and the ranges beyond the stored bars, each
// trimmed to the bars the trading calendar expects (so closed hours, weekends and holidays are
// never fetched). Pure; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <vector>

#include "gap_finder.hpp"
#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/result.hpp"
#include "segment_planner.hpp"

namespace ktrdr::data {

struct LoadRange {
  std::chrono::sys_seconds from{};  // the resolved range [from, to)
  std::chrono::sys_seconds to{};
  std::vector<FetchRange> fetch;    // what to fetch, ascending, disjoint
  std::vector<GapRun> gaps;         // the stored series' real gaps that `fetch` covers
  std::optional<std::chrono::sys_seconds> first_stored;  // the first stored bar, if any
};

struct LoadRangeInput {
  LoadMode mode = LoadMode::kTail;
  std::optional<std::chrono::sys_seconds> start;  // the job's start (default: head)
  std::chrono::sys_seconds end{};
  std::chrono::sys_seconds head{};  // the provider's head timestamp
};

// Resolves the range of `input` for the sorted, duplicate-free `stored` series:
//   - local: nothing to fetch;
//   - tail: after the last stored bar up to `end`, and the stored gaps from `start` on (all of
//     [start or head, end) when nothing is stored); with an explicit `start`, also from it up to
//     the first stored bar (so a re-run completes a tail load that was interrupted);
//   - backfill: from `start` (or head) up to the first stored bar (all of it when none);
//   - full: both.
// Ranges beyond the stored bars are trimmed to the first and last bar the calendar expects there
// (in the stored series' alignment, expected closures included); ranges with none are dropped.
// Series longer than a day (1w) skip gap finding and trimming.
// Errors: invalid_argument when `end` is not after the resolved start (e.g. `end` before the
// head timestamp), naming both times.
Result<LoadRange> resolve_load_range(const BarSeries& stored, const LoadRangeInput& input,
                                     const GapFinder& finder);

}  // namespace ktrdr::data
