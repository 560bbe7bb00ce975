#include "data_loading_job.hpp"

#include <algorithm>
#include <random>
#include <utility>

#include "ib_error.hpp"
#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr::data {

using std::chrono::microseconds;

namespace {

// "AAPL 1h 2024-01-01T00:00:00Z → 2024-01-31T00:00:00Z"
std::string describe(const HistoricalRequest& request) {
  return request.symbol + " " + std::string(to_string(request.timeframe)) + " " +
         to_iso8601(request.from) + " → " + to_iso8601(request.to);
}

}  // namespace

std::string_view to_string(JobState state) noexcept {
  switch (state) {
    case JobState::kPending:
      return "pending";
    case JobState::kRunning:
      return "running";
    case JobState::kCompleted:
      return "completed";
    case JobState::kFailed:
      return "failed";
    case JobState::kCancelled:
      return "cancelled";
  }
  return "pending";
}

DataLoadingJob::DataLoadingJob(IbDataAdapter& adapter, std::string symbol, Timeframe timeframe,
                               Segment segment, DataLoadingJobOptions options)
    : adapter_(adapter),
      request_{std::move(symbol), timeframe, segment.from, segment.to},
      segment_(segment),
      options_(options) {}

Result<BarSeries> DataLoadingJob::run(const CancellationToken& token, const BarsCallback& on_bars) {
  if (state_ != JobState::kPending) {
    return Error::conflict("the job loading " + describe(request_) + " has already run (" +
                           std::string(to_string(state_)) + ")");
  }
  state_ = JobState::kRunning;
  const std::uint32_t max_attempts = std::max<std::uint32_t>(options_.max_attempts, 1);
  for (;;) {
    if (token.is_cancelled()) return finish_cancelled(token);
    ++attempts_;
    Result<BarSeries> fetched = adapter_.fetch(request_, token, &counters_);
    if (fetched) return walk(*fetched, token, on_bars);
    last_error_ = std::move(fetched).error();
    if (token.is_cancelled()) return finish_cancelled(token);
    if (ib_error_kind(*last_error_) == IbErrorKind::kNoData) {
      state_ = JobState::kCompleted;
      return BarSeries(request_.symbol, request_.timeframe);
    }
    if (!is_transient(*last_error_) || attempts_ >= max_attempts) {
      return finish_failed(*last_error_);
    }
    if (token.wait_for(backoff(attempts_))) return finish_cancelled(token);
  }
}

microseconds DataLoadingJob::backoff(std::uint32_t retry) const {
  const microseconds max = std::max<microseconds>(options_.backoff_max, microseconds(0));
  microseconds wait = std::clamp<microseconds>(options_.backoff_initial, microseconds(0), max);
  for (std::uint32_t k = 1; k < retry && wait < max; ++k) wait = std::min(wait * 2, max);
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::uniform_int_distribution<microseconds::rep> jitter(wait.count() / 2, wait.count());
  return microseconds(jitter(random));
}

Result<BarSeries> DataLoadingJob::walk(const BarSeries& fetched, const CancellationToken& token,
                                       const BarsCallback& on_bars) {
  BarSeries kept(request_.symbol, request_.timeframe);
  kept.reserve(fetched.size());
  const auto timestamps = fetched.timestamps();
  for (std::size_t begin = 0; begin < fetched.size(); begin += kBlockSize) {
    if (token.is_cancelled()) return finish_cancelled(token);
    const std::size_t end = std::min(begin + kBlockSize, fetched.size());
    for (std::size_t i = begin; i < end; ++i) {
      if (timestamps[i] >= request_.from && timestamps[i] < request_.to) kept.append(fetched[i]);
    }
    bars_ = kept.size();
    if (on_bars) on_bars(end, fetched.size());
  }
  state_ = JobState::kCompleted;
  return kept;
}

Error DataLoadingJob::finish_cancelled(const CancellationToken& token) {
  state_ = JobState::kCancelled;
  bars_ = 0;
  last_error_ = Error::cancelled("loading " + describe(request_) + " was cancelled",
                                 {{"symbol", request_.symbol},
                                  {"timeframe", std::string(to_string(request_.timeframe))},
                                  {"from", to_iso8601(request_.from)},
                                  {"to", to_iso8601(request_.to)},
                                  {"reason", token.reason_text()}});
  return *last_error_;
}

Error DataLoadingJob::finish_failed(Error error) {
  state_ = JobState::kFailed;
  error.with("attempts", std::to_string(attempts_));
  last_error_ = error;
  return error;
}

}  // namespace ktrdr::data
