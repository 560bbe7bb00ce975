#include "load_range.hpp"

#include <algorithm>

#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr::data {
namespace {

using std::chrono::sys_seconds;

// Trims [from, to) to the bars the calendar expects there; nullopt when it expects none.
class EdgeTrimmer {
 public:
  EdgeTrimmer(const TradingCalendar& calendar, std::chrono::seconds timeframe,
              std::optional<BarAlignment> alignment)
      : calendar_(calendar), timeframe_(timeframe), alignment_(alignment) {}

  std::optional<FetchRange> operator()(sys_seconds from, sys_seconds to) const {
    if (from >= to) return std::nullopt;
    if (!alignment_) return FetchRange{from, to};
    const auto bars = calendar_.expected_bars(from, to, timeframe_, *alignment_);
    if (!bars) return FetchRange{from, to};
    if (bars->empty()) return std::nullopt;
    return FetchRange{bars->front(), std::min(to, bars->back() + timeframe_)};
  }

 private:
  const TradingCalendar& calendar_;
  std::chrono::seconds timeframe_;
  std::optional<BarAlignment> alignment_;
};

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
  const bool calendar_bars = tf <= std::chrono::days(1);
  std::optional<BarAlignment> alignment;
  if (calendar_bars) {
    if (auto inferred = finder.calendar().infer_alignment(stored.timestamps(), tf)) {
      alignment = *inferred;
    }
  }
  const EdgeTrimmer trim(finder.calendar(), tf, alignment);
  const bool tail = input.mode == LoadMode::kTail || input.mode == LoadMode::kFull;
  const bool backfill = input.mode == LoadMode::kBackfill || input.mode == LoadMode::kFull;

  if (backfill) {
    if (auto edge = trim(range.from, std::min(first, range.to))) range.fetch.push_back(*edge);
  }
  const sys_seconds inner_from = std::max(range.from, first);
  const sys_seconds inner_to = std::min(range.to, stored_end);
  if (tail && calendar_bars && alignment && inner_from < inner_to) {
    auto report = finder.find_gaps(stored, alignment, TimeRange{inner_from, inner_to});
    if (report) {
      for (const GapRun& gap : report->gaps) {
        range.fetch.push_back({gap.from, gap.to});
        range.gaps.push_back(gap);
      }
    }
  }
  if (tail) {
    if (auto edge = trim(std::max(range.from, stored_end), range.to)) range.fetch.push_back(*edge);
  }
  std::sort(range.fetch.begin(), range.fetch.end(),
            [](const FetchRange& a, const FetchRange& b) { return a.from < b.from; });
  return range;
}

}  // namespace ktrdr::data
