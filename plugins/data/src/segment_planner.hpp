// Segment planning: splits the time ranges a load must fetch (the gaps to fill) into provider
// requests — segments no longer than IB's maximum duration per bar size — ordered by load mode.
// Pure functions over values; thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"

namespace ktrdr::data {

// How a load treats the store: `local` reads it only; `tail` fills from the end of stored data
// to `end` and internal holes; `backfill` fills from `start` up to the first stored bar; `full`
// does both.
enum class LoadMode : std::uint8_t { kLocal = 1, kTail = 2, kBackfill = 3, kFull = 4 };

// "local", "tail", "backfill", "full".
std::string_view to_string(LoadMode mode) noexcept;
// Inverse of to_string; exact, case-sensitive. On failure an ErrorCode::kInvalidArgument error
// naming the text and listing the valid modes, context {"field": "mode", "value": text}.
Result<LoadMode> parse_load_mode(std::string_view text);

// A half-open UTC time range [from, to) to fetch. Empty when from >= to.
struct FetchRange {
  std::chrono::sys_seconds from{};
  std::chrono::sys_seconds to{};

  bool operator==(const FetchRange&) const = default;
};

// One provider request: the half-open range [from, to), never longer than
// ib_max_request_duration(timeframe), and its 0-based position in the fetch order.
struct Segment {
  std::chrono::sys_seconds from{};
  std::chrono::sys_seconds to{};
  std::size_t index = 0;

  bool operator==(const Segment&) const = default;
};

struct SegmentPlanOptions {
  // The bar size; it fixes the maximum segment length (ib_max_request_duration). Default 1h.
  Timeframe timeframe = Timeframe::k1h;
  // The order of the plan; kLocal plans nothing. Default kTail.
  LoadMode mode = LoadMode::kTail;
  // kFull only: the first stored bar. The parts of the ranges before it are the backfill, the
  // rest the tail. Absent (nothing stored yet): every range is tail. Default absent.
  std::optional<std::chrono::sys_seconds> backfill_before;
  // When true, ranges closer to each other than one maximum segment are fetched by one request
  // spanning both (and the stored bars between them) whenever that makes fewer requests than
  // fetching them apart; the extra bars are merged away as duplicates. When false, segments
  // cover exactly the ranges. Default true.
  bool merge_nearby = true;
};

// Plans the fetch of `ranges` (in any order; empty ranges are ignored, overlapping or touching
// ones are joined). Segments never overlap, each is at most the maximum duration, and together
// they cover every range (exactly, unless merge_nearby joined neighbours).
//   - kTail: newest first; each range is cut walking backwards from its end, so every segment but
//     the oldest of a range is full length.
//   - kBackfill: oldest first; each range is cut walking forwards from its start.
//   - kFull: the tail's segments first (newest first, as kTail), then the backfill's (oldest
//     first, as kBackfill): recent data is usable soonest, history follows. Ranges are split at
//     `backfill_before`, and never merged across it.
//   - kLocal: an empty plan.
// Segment::index numbers the result 0, 1, 2 … in this order.
std::vector<Segment> plan_segments(std::span<const FetchRange> ranges,
                                   const SegmentPlanOptions& options);

}  // namespace ktrdr::data
