#include "segment_planner.hpp"

#include <algorithm>
#include <array>
#include <string>

namespace ktrdr::data {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

enum class Direction { kNewestFirst, kOldestFirst };

constexpr std::array<LoadMode, 4> kAllModes{LoadMode::kLocal, LoadMode::kTail, LoadMode::kBackfill,
                                            LoadMode::kFull};

// Sorted by start, without empty ranges, overlapping or touching ranges joined.
std::vector<FetchRange> normalise(std::span<const FetchRange> ranges) {
  std::vector<FetchRange> sorted;
  sorted.reserve(ranges.size());
  for (const FetchRange& r : ranges) {
    if (r.from < r.to) sorted.push_back(r);
  }
  std::sort(sorted.begin(), sorted.end(),
            [](const FetchRange& a, const FetchRange& b) { return a.from < b.from; });
  std::vector<FetchRange> joined;
  for (const FetchRange& r : sorted) {
    if (!joined.empty() && r.from <= joined.back().to) {
      joined.back().to = std::max(joined.back().to, r.to);
    } else {
      joined.push_back(r);
    }
  }
  return joined;
}

// How many segments of at most `max` a span of `length` needs.
std::int64_t segment_count(seconds length, seconds max) {
  return (length.count() + max.count() - 1) / max.count();
}

// Joins neighbours closer than `max` when the joined span needs fewer requests than the parts.
// Greedy from the oldest; input sorted and disjoint.
std::vector<FetchRange> merge_nearby(const std::vector<FetchRange>& ranges, seconds max) {
  std::vector<FetchRange> groups;
  for (const FetchRange& r : ranges) {
    if (!groups.empty()) {
      FetchRange& group = groups.back();
      const bool close = r.from - group.to < max;
      if (close &&
          segment_count(r.to - group.from, max) <
              segment_count(group.to - group.from, max) + segment_count(r.to - r.from, max)) {
        group.to = r.to;
        continue;
      }
    }
    groups.push_back(r);
  }
  return groups;
}

// Appends the segments of sorted, disjoint `ranges` in fetch order for `direction`.
void cut(const std::vector<FetchRange>& ranges, seconds max, Direction direction,
         std::vector<Segment>& out) {
  if (direction == Direction::kOldestFirst) {
    for (const FetchRange& r : ranges) {
      for (sys_seconds from = r.from; from < r.to; from += max) {
        out.push_back(Segment{from, std::min(from + max, r.to), out.size()});
      }
    }
    return;
  }
  for (auto it = ranges.rbegin(); it != ranges.rend(); ++it) {
    for (sys_seconds to = it->to; to > it->from; to -= max) {
      const sys_seconds from = to - it->from > max ? to - max : it->from;
      out.push_back(Segment{from, to, out.size()});
    }
  }
}

std::vector<FetchRange> prepare(std::span<const FetchRange> ranges, seconds max, bool merge) {
  std::vector<FetchRange> normal = normalise(ranges);
  return merge ? merge_nearby(normal, max) : normal;
}

}  // namespace

std::string_view to_string(LoadMode mode) noexcept {
  switch (mode) {
    case LoadMode::kLocal:
      return "local";
    case LoadMode::kTail:
      return "tail";
    case LoadMode::kBackfill:
      return "backfill";
    case LoadMode::kFull:
      return "full";
  }
  return "tail";
}

Result<LoadMode> parse_load_mode(std::string_view text) {
  for (const LoadMode mode : kAllModes) {
    if (text == to_string(mode)) return mode;
  }
  return Error::invalid_argument(
      "mode must be local, tail, backfill or full, got \"" + std::string(text) + "\"",
      {{"field", "mode"}, {"value", std::string(text)}});
}

std::vector<Segment> plan_segments(std::span<const FetchRange> ranges,
                                   const SegmentPlanOptions& options) {
  std::vector<Segment> plan;
  const seconds max = ib_max_request_duration(options.timeframe);
  switch (options.mode) {
    case LoadMode::kLocal:
      break;
    case LoadMode::kTail:
      cut(prepare(ranges, max, options.merge_nearby), max, Direction::kNewestFirst, plan);
      break;
    case LoadMode::kBackfill:
      cut(prepare(ranges, max, options.merge_nearby), max, Direction::kOldestFirst, plan);
      break;
    case LoadMode::kFull: {
      std::vector<FetchRange> tail;
      std::vector<FetchRange> backfill;
      for (const FetchRange& r : ranges) {
        if (!options.backfill_before || *options.backfill_before <= r.from) {
          tail.push_back(r);
          continue;
        }
        const sys_seconds split = std::min(*options.backfill_before, r.to);
        backfill.push_back(FetchRange{r.from, split});
        tail.push_back(FetchRange{split, r.to});
      }
      cut(prepare(tail, max, options.merge_nearby), max, Direction::kNewestFirst, plan);
      cut(prepare(backfill, max, options.merge_nearby), max, Direction::kOldestFirst, plan);
      break;
    }
  }
  return plan;
}

}  // namespace ktrdr::data
