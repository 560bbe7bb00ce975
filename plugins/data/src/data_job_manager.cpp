#include "data_job_manager.hpp"

#include <utility>

#include "ib_error.hpp"
#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr::data {

using std::chrono::steady_clock;

namespace {

double seconds_of(std::chrono::nanoseconds span) {
  return std::chrono::duration<double>(span).count();
}

SegmentOutcome outcome_of(const DataLoadingJob& job) {
  return SegmentOutcome{.segment = job.segment(),
                        .state = job.state(),
                        .attempts = job.attempts(),
                        .bars = job.bars(),
                        .error = job.last_error()};
}

// Sends progress to the caller's callback, keeping the counts of the segments already run.
class ProgressTracker {
 public:
  ProgressTracker(const DataJobCallbacks& callbacks, std::size_t total_segments)
      : callbacks_(callbacks), total_segments_(total_segments) {}

  // `done` counts the requests of the segments before `current` (1-based); `running` those of
  // the current one so far.
  void report(std::size_t current, double fraction, const FetchCounters& done,
              const FetchCounters& running) const {
    if (!callbacks_.on_progress) return;
    callbacks_.on_progress(
        DataJobProgress{.current_segment = current,
                        .total_segments = total_segments_,
                        .segment_fraction = fraction,
                        .bars_processed = bars_processed_,
                        .requests = done.requests + running.requests,
                        .pacing_waits = done.pacing_waits + running.pacing_waits});
  }
  void add_walked(std::size_t bars) { bars_processed_ += bars; }

 private:
  const DataJobCallbacks& callbacks_;
  const std::size_t total_segments_;
  std::size_t bars_processed_ = 0;
};

}  // namespace

Json SegmentOutcome::to_json() const {
  Json json = Json::object();
  json.set("index", segment.index)
      .set("from", to_iso8601(segment.from))
      .set("to", to_iso8601(segment.to))
      .set("state", to_string(state))
      .set("attempts", attempts)
      .set("bars", bars);
  if (error) json.set("error", error->to_json());
  return json;
}

Json FailedRange::to_json() const {
  Json json = Json::object();
  json.set("from", to_iso8601(range.from))
      .set("to", to_iso8601(range.to))
      .set("error", error.message)
      .set("code", to_string(error.code));
  return json;
}

Json DataJobSummary::to_json() const {
  Json failed = Json::array();
  for (const FailedRange& range : failed_ranges) failed.push_back(range.to_json());
  Json segments = Json::object();
  segments.set("planned", segments_planned)
      .set("ok", segments_ok)
      .set("failed", segments_failed)
      .set("cancelled", segments_cancelled)
      .set("failed_ranges", failed);
  Json json = Json::object();
  json.set("symbol", symbol)
      .set("timeframe", to_string(timeframe))
      .set("cancelled", cancelled)
      .set("abandoned", abandoned)
      .set("segments", segments)
      .set("bars_fetched", bars_fetched)
      .set("requests", requests)
      .set("retries", retries)
      .set("pacing_waits", pacing_waits)
      .set("pacing_waited_seconds", seconds_of(pacing_waited))
      .set("duration_seconds", seconds_of(duration));
  return json;
}

DataJobManager::DataJobManager(std::shared_ptr<IbDataAdapter> adapter,
                               DataLoadingJobOptions options)
    : adapter_(std::move(adapter)), options_(options) {}

DataJobSummary DataJobManager::run(std::string_view symbol, Timeframe timeframe,
                                   std::span<const Segment> plan, const CancellationToken& token,
                                   const DataJobCallbacks& callbacks) const {
  const steady_clock::time_point started = steady_clock::now();
  DataJobSummary summary;
  summary.symbol = std::string(symbol);
  summary.timeframe = timeframe;
  summary.segments_planned = plan.size();
  summary.outcomes.reserve(plan.size());
  ProgressTracker progress(callbacks, plan.size());

  std::size_t failed_in_a_row = 0;
  for (std::size_t i = 0; i < plan.size() && !token.is_cancelled(); ++i) {
    const std::size_t current = i + 1;
    DataLoadingJob job(*adapter_, summary.symbol, timeframe, plan[i], options_);
    progress.report(current, 0.0, summary, job.counters());
    std::size_t walked = 0;
    Result<BarSeries> bars = job.run(token, [&](std::size_t done, std::size_t total) {
      progress.add_walked(done - walked);
      walked = done;
      progress.report(current, static_cast<double>(done) / static_cast<double>(total), summary,
                      job.counters());
    });

    summary += job.counters();
    if (job.attempts() > 1) summary.retries += job.attempts() - 1;
    SegmentOutcome outcome = outcome_of(job);
    switch (job.state()) {
      case JobState::kCompleted:
        ++summary.segments_ok;
        summary.bars_fetched += job.bars();
        failed_in_a_row = 0;
        break;
      case JobState::kFailed:
        ++summary.segments_failed;
        summary.failed_ranges.push_back(
            FailedRange{FetchRange{plan[i].from, plan[i].to}, *job.last_error()});
        failed_in_a_row = is_transient(*job.last_error()) ? failed_in_a_row + 1 : 0;
        break;
      default:
        ++summary.segments_cancelled;
        break;
    }
    summary.outcomes.push_back(outcome);
    if (callbacks.on_segment) {
      callbacks.on_segment(outcome,
                           bars ? std::move(bars).value() : BarSeries(summary.symbol, timeframe));
    }
    if (job.state() == JobState::kCancelled) break;
    progress.report(current, 1.0, summary, FetchCounters{});
    if (failed_in_a_row >= kMaxTransientFailuresInARow && i + 1 < plan.size()) {
      summary.abandoned = true;
      break;
    }
  }

  for (std::size_t i = summary.outcomes.size(); i < plan.size(); ++i) {
    summary.outcomes.push_back(SegmentOutcome{.segment = plan[i], .state = JobState::kCancelled});
    ++summary.segments_cancelled;
  }
  summary.cancelled = summary.segments_cancelled > 0 && !summary.abandoned;
  summary.duration = steady_clock::now() - started;
  return summary;
}

}  // namespace ktrdr::data
