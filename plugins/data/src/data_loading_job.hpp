// DataLoadingJob: the fetch of one segment through the IbDataAdapter — transient errors retried
// with jittered exponential backoff, IB 162 "no data" as an empty segment, cancellation checked
// every 100 bars. Thread-compatible: one thread runs a job and reads its state.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ib_data_adapter.hpp"
#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/error.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"
#include "segment_planner.hpp"

namespace ktrdr::data {

enum class JobState : std::uint8_t { kPending, kRunning, kCompleted, kFailed, kCancelled };

// "pending", "running", "completed", "failed", "cancelled".
std::string_view to_string(JobState state) noexcept;

struct DataLoadingJobOptions {
  // Attempts per segment, the first included; values below 1 count as 1. Default 3.
  std::uint32_t max_attempts = 3;
  // The wait before retry k (1-based) is drawn uniformly from [d/2, d], where
  // d = min(backoff_max, backoff_initial × 2^(k-1)): exponential, with jitter so that loads
  // failing together do not retry together. Defaults 200 ms and 5 s.
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{5000};
};

class DataLoadingJob {
 public:
  // Bars are checked for cancellation and reported in blocks of this many.
  static constexpr std::size_t kBlockSize = 100;

  // Called after each block with the segment's bars processed so far and the number the
  // provider returned.
  using BarsCallback = std::function<void(std::size_t bars_done, std::size_t bars_total)>;

  // `adapter` must outlive the job.
  DataLoadingJob(IbDataAdapter& adapter, std::string symbol, Timeframe timeframe, Segment segment,
                 DataLoadingJobOptions options = {});
  DataLoadingJob(const DataLoadingJob&) = delete;
  DataLoadingJob& operator=(const DataLoadingJob&) = delete;

  // Fetches the segment's bars, those with segment.from <= open time < segment.to (any others
  // the provider returns are dropped), and walks them in blocks of kBlockSize, checking `token`
  // and calling `on_bars` after each. Transient errors (is_transient) are retried up to
  // max_attempts with backoff; other errors fail at once, except IB 162 "no data", which
  // completes the segment with 0 bars (nothing exists in that range). A cancelled token, during
  // the fetch, the backoff or the walk, ends the job as cancelled with an ErrorCode::kCancelled
  // error. The job's state ends completed, failed or cancelled. Runs once: a job that is not
  // pending answers ErrorCode::kConflict.
  Result<BarSeries> run(const CancellationToken& token, const BarsCallback& on_bars = {});

  JobState state() const noexcept { return state_; }
  const Segment& segment() const noexcept { return segment_; }
  // Fetch attempts made (0 until run).
  std::uint32_t attempts() const noexcept { return attempts_; }
  // The segment's bars kept so far; 0 once failed or cancelled (a cancelled walk drops them).
  std::size_t bars() const noexcept { return bars_; }
  // The error of the last failed attempt: the one that failed or cancelled the job, a transient
  // error a retry overcame, or the IB 162 of a segment without data.
  const std::optional<Error>& last_error() const noexcept { return last_error_; }
  // The requests this job sent and its pacing waits.
  const FetchCounters& counters() const noexcept { return counters_; }

 private:
  // The wait before retry `retry` (1-based).
  std::chrono::microseconds backoff(std::uint32_t retry) const;
  // Keeps the fetched bars inside the segment, block by block.
  Result<BarSeries> walk(const BarSeries& fetched, const CancellationToken& token,
                         const BarsCallback& on_bars);
  Error finish_cancelled(const CancellationToken& token);
  Error finish_failed(Error error);

  IbDataAdapter& adapter_;
  const HistoricalRequest request_;
  const Segment segment_;
  const DataLoadingJobOptions options_;

  JobState state_ = JobState::kPending;
  std::uint32_t attempts_ = 0;
  std::size_t bars_ = 0;
  std::optional<Error> last_error_;
  FetchCounters counters_;
};

}  // namespace ktrdr::data
