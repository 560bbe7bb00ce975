#include "load_range.hpp"

#include <algorithm>

#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr::data {
namespace {

using std::chrono::sys_seconds;

// What `stored` lacks in [from, to) of the bars the calendar expects: the real gaps and the
// expected closures. nullopt when it cannot be judged (a 1w series, an alignment unknown).
std::optional<GapReport> missing(const BarSeries& stored, const GapFinder& finder,
                                 const std::optional<BarAlignment>& alignment, sys_seconds from,
                                 sys_seconds to) {
  if (!alignment) return std::nullopt;
  auto report = finder.find_gaps(stored, alignment, TimeRange{from, to});
  if (!report) return std::nullopt;
  return std::move(report).value();
}

}  // namespace

Result<LoadRange> resolve_load_range(const BarSeries& stored, const LoadRangeInput& input,
                                     const GapFinder& finder) {
  LoadRange range;
  range.from = std::max(input.start.value_or(input.head), input.head);
  range.to = input.end;
  if (range.from >= range.to) {
    return Error::invalid_argument(
        "nothing to load: the range starts at " + to_iso8601(range.from) +
            " (the later of `start` and the provider's first bar) but `end` is " +
            to_iso8601(range.to),
        {{"field", "end"}, {"value", to_iso8601(range.to)}});
  }
  if (input.mode == LoadMode::kLocal) return range;
  if (stored.empty()) {
    range.fetch.push_back({range.from, range.to});
    return range;
  }

  const std::chrono::seconds tf = duration(stored.timeframe());
  const sys_seconds first = stored.timestamps().front();
  const sys_seconds stored_end = stored.timestamps().back() + tf;
  range.first_stored = first;
  std::optional<BarAlignment> alignment;
  if (tf <= std::chrono::days(1)) {
    if (auto inferred = finder.calendar().infer_alignment(stored.timestamps(), tf)) {
      alignment = *inferred;
    }
  }
  // Beyond the stored bars: one range from the first to the last bar the calendar expects there
  // (expected closures included: vendors often have bars then; a provider's empty answers are
  // remembered by the caller, not asked again).
  const auto add_edge = [&](sys_seconds from, sys_seconds to) {
    if (from >= to) return;
    const auto report = missing(stored, finder, alignment, from, to);
    if (!report) {
      range.fetch.push_back({from, to});
      return;
    }
    std::optional<FetchRange> edge;
    for (const auto* runs : {&report->gaps, &report->expected_closures}) {
      if (runs->empty()) continue;
      const FetchRange span{runs->front().from, std::min(to, runs->back().to)};
      edge = edge ? FetchRange{std::min(edge->from, span.from), std::max(edge->to, span.to)} : span;
    }
    if (edge) range.fetch.push_back(*edge);
  };
  const bool tail = input.mode == LoadMode::kTail || input.mode == LoadMode::kFull;
  // A tail load given an explicit `start` also fills what lies between it and the stored bars
  // (what an interrupted tail load, newest first, leaves behind).
  const bool backfill = input.mode == LoadMode::kBackfill || input.mode == LoadMode::kFull ||
                        (input.mode == LoadMode::kTail && input.start.has_value());
  if (backfill) add_edge(range.from, std::min(first, range.to));
  const sys_seconds inner_from = std::max(range.from, first);
  const sys_seconds inner_to = std::min(range.to, stored_end);
  if (tail && inner_from < inner_to) {
    if (const auto report = missing(stored, finder, alignment, inner_from, inner_to)) {
      for (const GapRun& gap : report->gaps) {
        range.fetch.push_back({gap.from, gap.to});
        range.gaps.push_back(gap);
      }
    }
  }
  if (tail) add_edge(std::max(range.from, stored_end), range.to);
  std::sort(range.fetch.begin(), range.fetch.end(),
            [](const FetchRange& a, const FetchRange& b) { return a.from < b.from; });
  return range;
}

}  // namespace ktrdr::data
