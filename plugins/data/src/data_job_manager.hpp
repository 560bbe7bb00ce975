// DataJobManager: runs a load's segment plan — one DataLoadingJob per segment, in plan order, one
// at a time (IB pacing makes parallel fetching pointless) — handing each segment's bars and the
// progress to the caller on the calling thread, and stopping cleanly when cancelled.
// Thread-safe: run() keeps no state between calls.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "data_loading_job.hpp"
#include "ib_data_adapter.hpp"
#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/error.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/timeframe.hpp"
#include "segment_planner.hpp"

namespace ktrdr::data {

// How one segment of a plan ended. A segment never started (the load was cancelled first) is
// kCancelled with 0 attempts.
struct SegmentOutcome {
  Segment segment;
  JobState state = JobState::kPending;
  std::uint32_t attempts = 0;
  std::size_t bars = 0;
  // The job's last_error(): why it failed or was cancelled, a transient error a retry overcame,
  // or the IB 162 of a segment without data.
  std::optional<Error> error;

  // {"index", "from", "to", "state", "attempts", "bars"} and "error" (Error::to_json) when set.
  Json to_json() const;
};

// A range a load could not fetch, and why.
struct FailedRange {
  FetchRange range;
  Error error;

  // {"from", "to", "error": the message, "code": the ErrorCode's name}
  Json to_json() const;
};

// Where a run stands. current_segment, bars_processed, requests and pacing_waits never decrease.
struct DataJobProgress {
  std::size_t current_segment = 0;  // 1-based
  std::size_t total_segments = 0;
  // Of the current segment: 0 while it is fetched, then the share of its bars walked; 1 when done.
  double segment_fraction = 0.0;
  std::size_t bars_processed = 0;  // bars walked so far, across segments
  std::uint64_t requests = 0;      // historical requests sent so far
  std::uint64_t pacing_waits = 0;  // of them, those that waited for pacing
};

// Called on the thread that calls run(); either may be empty.
struct DataJobCallbacks {
  // After each segment that ran (completed, failed, or cancelled while running), in plan order.
  // `bars` are a completed segment's bars, for the caller to merge; empty otherwise.
  std::function<void(const SegmentOutcome& outcome, BarSeries&& bars)> on_segment;
  // When a segment starts, after each block of DataLoadingJob::kBlockSize bars, and when a
  // segment ends.
  std::function<void(const DataJobProgress& progress)> on_progress;
};

// What a run did. FetchCounters: the requests it sent and its pacing waits.
struct DataJobSummary : FetchCounters {
  std::string symbol;
  Timeframe timeframe = Timeframe::k1h;
  std::size_t segments_planned = 0;
  std::size_t segments_ok = 0;  // completed, IB 162's empty segments included
  std::size_t segments_failed = 0;
  std::size_t segments_cancelled = 0;  // cancelled while running or never started
  std::size_t bars_fetched = 0;        // bars of completed segments
  std::uint64_t retries = 0;           // attempts after the first, over all segments
  bool cancelled = false;              // the token stopped the run before every segment ran
  // The run gave up: DataJobManager::kMaxTransientFailuresInARow segments in a row failed with
  // transient errors (the provider looks unreachable); the rest are marked cancelled.
  bool abandoned = false;
  std::chrono::nanoseconds duration{0};
  std::vector<FailedRange> failed_ranges;  // in plan order
  std::vector<SegmentOutcome> outcomes;    // one per planned segment, in plan order

  // {"symbol", "timeframe", "cancelled", "abandoned", "segments": {"planned", "ok", "failed", "cancelled",
  // "failed_ranges": [FailedRange…]}, "bars_fetched", "requests", "retries", "pacing_waits",
  // "pacing_waited_seconds", "duration_seconds"}. The outcomes are left out (see
  // SegmentOutcome::to_json).
  Json to_json() const;
};

class DataJobManager {
 public:
  // A run stops retrying an unreachable provider segment after segment after this many
  // consecutive segments failed with transient errors (each after its own retries).
  static constexpr std::size_t kMaxTransientFailuresInARow = 3;

  // `adapter` must not be null.
  explicit DataJobManager(std::shared_ptr<IbDataAdapter> adapter,
                          DataLoadingJobOptions options = {});

  // Runs one DataLoadingJob per segment of `plan`, in the given order, one after the other. A
  // failed segment is recorded and the run goes on (unless it is abandoned, see above). `token` is checked at every segment
  // boundary (and by the jobs, every 100 bars and during waits); once it is cancelled the run
  // stops and returns what was done, the remaining segments marked cancelled — it never throws
  // for cancellation.
  DataJobSummary run(std::string_view symbol, Timeframe timeframe, std::span<const Segment> plan,
                     const CancellationToken& token, const DataJobCallbacks& callbacks = {}) const;

 private:
  const std::shared_ptr<IbDataAdapter> adapter_;
  const DataLoadingJobOptions options_;
};

}  // namespace ktrdr::data
