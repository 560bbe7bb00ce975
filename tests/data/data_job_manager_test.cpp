#include "data_job_manager.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <thread>
#include <vector>

#include "data_loading_job.hpp"
#include "fake_bar_provider.hpp"
#include "ib_error.hpp"
#include "manual_pacing_clock.hpp"

using namespace ktrdr;
using namespace ktrdr::data;
using namespace ktrdr::test;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

// How long a test waits for what a cancel should end at once. Not a speed target: a loaded
// machine stays far below it; it only turns a job that misses the cancel (and would sit out a
// backoff of minutes) into a failure.
constexpr auto kHangGuard = 30s;

// Cancels `source` once `provider` has seen `requests` historical requests, plus `settle` (so
// that the job is past them: waiting or in flight), whatever the machine's load.
std::thread cancel_after_requests(const FakeBarProvider& provider, std::size_t requests,
                                  CancellationSource& source, milliseconds settle) {
  return std::thread([&provider, requests, &source, settle] {
    const auto give_up = steady_clock::now() + kHangGuard;
    while (provider.historical_calls() < requests && steady_clock::now() < give_up) {
      (void)CancellationToken{}.wait_for(1ms);
    }
    (void)CancellationToken{}.wait_for(settle);
    source.cancel();
  });
}

// Retries after 1–2 ms, so that tests of retries stay fast.
constexpr DataLoadingJobOptions kFastRetries{
    .max_attempts = 3, .backoff_initial = 2ms, .backoff_max = 4ms};

struct Fixture {
  explicit Fixture(PacingLimits limits = PacingLimits::unlimited(), std::uint32_t speedup = 1000)
      : provider(std::make_shared<FakeBarProvider>(limits, speedup)),
        adapter(std::make_shared<IbDataAdapter>(provider, "local",
                                                std::make_unique<ScaledPacingClock>(speedup))) {}

  DataLoadingJob job(Segment segment, DataLoadingJobOptions options = kFastRetries) {
    return DataLoadingJob(*adapter, "AAPL", Timeframe::k1h, segment, options);
  }

  std::shared_ptr<FakeBarProvider> provider;
  std::shared_ptr<IbDataAdapter> adapter;
};

// `count` consecutive segments of `days_long` days each, newest first (a tail plan).
std::vector<Segment> tail_plan(std::size_t count, int days_long = 1) {
  std::vector<Segment> plan;
  for (std::size_t i = 0; i < count; ++i) {
    const int end = -static_cast<int>(i) * days_long;
    plan.push_back(Segment{day_at(end - days_long), day_at(end), i});
  }
  return plan;
}

}  // namespace

// --- DataLoadingJob -------------------------------------------------------------------------

TEST_CASE("a job fetches its segment's bars", "[data][jobs]") {
  Fixture f;
  f.provider->pad_ranges(5h);  // bars outside the segment are dropped
  DataLoadingJob job = f.job(Segment{day_at(0), day_at(2), 0});
  CHECK(job.state() == JobState::kPending);
  const auto bars = job.run(CancellationToken{});
  REQUIRE(bars.ok());
  CHECK(bars->size() == 48);
  CHECK(bars->symbol() == "AAPL");
  CHECK(bars->timestamps().front() == day_at(0));
  CHECK(bars->timestamps().back() == day_at(2) - 1h);
  CHECK(job.state() == JobState::kCompleted);
  CHECK(job.attempts() == 1);
  CHECK(job.bars() == 48);
  CHECK_FALSE(job.last_error().has_value());
  CHECK(job.counters().requests == 1);
}

TEST_CASE("a job retries transient errors with backoff, then succeeds", "[data][jobs]") {
  Fixture f;
  f.provider->fail_next(2);
  DataLoadingJob job =
      f.job(Segment{day_at(0), day_at(1), 0},
            DataLoadingJobOptions{.max_attempts = 3, .backoff_initial = 20ms, .backoff_max = 40ms});
  const auto start = steady_clock::now();
  const auto bars = job.run(CancellationToken{});
  // Backoff d/2..d: at least 10 ms, then 20 ms.
  CHECK(steady_clock::now() - start >= 30ms);
  REQUIRE(bars.ok());
  CHECK(bars->size() == 24);
  CHECK(job.state() == JobState::kCompleted);
  CHECK(job.attempts() == 3);
  CHECK(job.counters().requests == 3);
  REQUIRE(job.last_error().has_value());
  CHECK(job.last_error()->code == ErrorCode::kUnavailable);
}

TEST_CASE("a job whose retries run out fails with the last error", "[data][jobs]") {
  Fixture f;
  f.provider->fail_next(10);
  DataLoadingJob job = f.job(Segment{day_at(0), day_at(1), 0});
  const auto bars = job.run(CancellationToken{});
  REQUIRE_FALSE(bars.ok());
  CHECK(bars.error().code == ErrorCode::kUnavailable);
  CHECK(bars.error().get("attempts") == "3");
  CHECK(job.state() == JobState::kFailed);
  CHECK(job.attempts() == 3);
  CHECK(f.provider->historical_calls() == 3);
  CHECK(job.last_error()->code == ErrorCode::kUnavailable);
}

TEST_CASE("a job fails at once on errors that are not transient", "[data][jobs]") {
  const auto kind = GENERATE(IbErrorKind::kNoSecurityDefinition, IbErrorKind::kInvalidRequest);
  Fixture f;
  f.provider->fail_next(1, make_ib_error(kind, "scripted"));
  DataLoadingJob job = f.job(Segment{day_at(0), day_at(1), 0});
  const auto bars = job.run(CancellationToken{});
  REQUIRE_FALSE(bars.ok());
  CHECK(ib_error_kind(bars.error()) == kind);
  CHECK(job.state() == JobState::kFailed);
  CHECK(job.attempts() == 1);
  CHECK(f.provider->historical_calls() == 1);
}

TEST_CASE("IB 162 completes a segment with no bars", "[data][jobs]") {
  Fixture f;
  f.provider->list_at(day_at(10));
  DataLoadingJob job = f.job(Segment{day_at(0), day_at(1), 0});
  const auto bars = job.run(CancellationToken{});
  REQUIRE(bars.ok());
  CHECK(bars->empty());
  CHECK(bars->symbol() == "AAPL");
  CHECK(job.state() == JobState::kCompleted);
  CHECK(job.attempts() == 1);
  REQUIRE(job.last_error().has_value());
  CHECK(ib_error_kind(*job.last_error()) == IbErrorKind::kNoData);
}

TEST_CASE("a job walks its bars in blocks of 100 and stops between blocks when cancelled",
          "[data][jobs]") {
  Fixture f;
  DataLoadingJob job = f.job(Segment{day_at(0), day_at(30), 0});  // 720 bars
  CancellationSource source;
  std::vector<std::pair<std::size_t, std::size_t>> calls;
  const auto bars = job.run(source.token(), [&](std::size_t done, std::size_t total) {
    calls.emplace_back(done, total);
    if (calls.size() == 3) source.cancel();
  });
  REQUIRE_FALSE(bars.ok());
  CHECK(bars.error().code == ErrorCode::kCancelled);
  CHECK(calls ==
        std::vector<std::pair<std::size_t, std::size_t>>{{100, 720}, {200, 720}, {300, 720}});
  CHECK(job.state() == JobState::kCancelled);
  CHECK(job.bars() == 0);
  CHECK(job.last_error()->code == ErrorCode::kCancelled);
}

TEST_CASE("a job reports every block, the last one partial", "[data][jobs]") {
  Fixture f;
  DataLoadingJob job = f.job(Segment{day_at(0), day_at(10), 0});  // 240 bars
  std::vector<std::size_t> done;
  REQUIRE(
      job.run(CancellationToken{}, [&](std::size_t d, std::size_t) { done.push_back(d); }).ok());
  CHECK(done == std::vector<std::size_t>{100, 200, 240});
}

TEST_CASE("cancellation during a backoff wait ends the job without waiting it out",
          "[data][jobs]") {
  Fixture f;
  f.provider->fail_next(100);
  // A backoff of one to two minutes: a job that slept through the cancel would end cancelled too
  // (its next attempt checks first), but only then, long after kHangGuard.
  DataLoadingJob job =
      f.job(Segment{day_at(0), day_at(1), 0},
            DataLoadingJobOptions{.max_attempts = 5, .backoff_initial = 2min, .backoff_max = 2min});
  CancellationSource source;
  // Once the first attempt has failed: the job is then in (or about to enter) its backoff.
  std::thread canceller = cancel_after_requests(*f.provider, 1, source, 30ms);
  const auto start = steady_clock::now();
  const auto bars = job.run(source.token());
  const auto elapsed = steady_clock::now() - start;
  canceller.join();
  REQUIRE_FALSE(bars.ok());
  CHECK(bars.error().code == ErrorCode::kCancelled);
  CHECK(elapsed < kHangGuard);
  CHECK(job.state() == JobState::kCancelled);
  CHECK(job.attempts() == 1);
}

TEST_CASE("cancellation reaches a request in flight", "[data][jobs]") {
  Fixture f;
  f.provider->block_until_cancelled();  // only the token can end the request: no time bound needed
  DataLoadingJob job = f.job(Segment{day_at(0), day_at(1), 0});
  CancellationSource source;
  // Once the request has reached the provider: it is in flight then.
  std::thread canceller = cancel_after_requests(*f.provider, 1, source, 0ms);
  const auto bars = job.run(source.token());
  canceller.join();
  REQUIRE_FALSE(bars.ok());
  CHECK(bars.error().code == ErrorCode::kCancelled);
  CHECK(bars.error().get("symbol") == "AAPL");
  CHECK(job.state() == JobState::kCancelled);
  CHECK(job.attempts() == 1);
  CHECK(f.provider->historical_calls() == 1);
}

TEST_CASE("a job runs once", "[data][jobs]") {
  Fixture f;
  DataLoadingJob job = f.job(Segment{day_at(0), day_at(1), 0});
  REQUIRE(job.run(CancellationToken{}).ok());
  const auto again = job.run(CancellationToken{});
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::kConflict);
  CHECK(f.provider->historical_calls() == 1);
}

TEST_CASE("job states are named", "[data][jobs]") {
  CHECK(to_string(JobState::kPending) == "pending");
  CHECK(to_string(JobState::kRunning) == "running");
  CHECK(to_string(JobState::kCompleted) == "completed");
  CHECK(to_string(JobState::kFailed) == "failed");
  CHECK(to_string(JobState::kCancelled) == "cancelled");
}

// --- DataJobManager -------------------------------------------------------------------------

TEST_CASE("segments run in plan order and hand their bars to on_segment", "[data][jobs]") {
  Fixture f;
  const std::vector<Segment> plan = tail_plan(4);
  std::vector<Segment> seen;
  std::size_t bars_seen = 0;
  DataJobCallbacks callbacks;
  callbacks.on_segment = [&](const SegmentOutcome& outcome, BarSeries&& bars) {
    seen.push_back(outcome.segment);
    CHECK(outcome.state == JobState::kCompleted);
    CHECK(outcome.bars == bars.size());
    CHECK(bars.timestamps().front() == outcome.segment.from);
    bars_seen += bars.size();
  };
  const DataJobManager manager(f.adapter, kFastRetries);
  const DataJobSummary summary =
      manager.run("AAPL", Timeframe::k1h, plan, CancellationToken{}, callbacks);
  CHECK(seen == plan);
  CHECK(bars_seen == 96);
  CHECK(summary.symbol == "AAPL");
  CHECK(summary.timeframe == Timeframe::k1h);
  CHECK(summary.segments_planned == 4);
  CHECK(summary.segments_ok == 4);
  CHECK(summary.segments_failed == 0);
  CHECK(summary.segments_cancelled == 0);
  CHECK_FALSE(summary.cancelled);
  CHECK(summary.bars_fetched == 96);
  CHECK(summary.requests == 4);
  CHECK(summary.retries == 0);
  CHECK(summary.failed_ranges.empty());
  REQUIRE(summary.outcomes.size() == 4);
  CHECK(summary.duration > 0ns);
}

TEST_CASE("a failed segment is recorded with its error and the run goes on", "[data][jobs]") {
  Fixture f;
  const std::vector<Segment> plan = tail_plan(4);
  f.provider->fail_from(plan[1].from);  // transient
  f.provider->fail_from(plan[2].from, make_ib_error(IbErrorKind::kInvalidRequest, "bad"));
  f.provider->fail_next(1);  // the first segment succeeds on its second attempt
  std::vector<JobState> states;
  DataJobCallbacks callbacks;
  callbacks.on_segment = [&](const SegmentOutcome& outcome, BarSeries&& bars) {
    states.push_back(outcome.state);
    if (outcome.state != JobState::kCompleted) CHECK(bars.empty());
  };
  const DataJobSummary summary =
      DataJobManager(f.adapter, kFastRetries).run("AAPL", Timeframe::k1h, plan, {}, callbacks);
  CHECK(states == std::vector<JobState>{JobState::kCompleted, JobState::kFailed, JobState::kFailed,
                                        JobState::kCompleted});
  CHECK(summary.segments_ok == 2);
  CHECK(summary.segments_failed == 2);
  CHECK_FALSE(summary.cancelled);
  CHECK(summary.bars_fetched == 48);
  CHECK(summary.requests == 2 + 3 + 1 + 1);
  CHECK(summary.retries == 1 + 2);
  REQUIRE(summary.failed_ranges.size() == 2);
  CHECK(summary.failed_ranges[0].range == FetchRange{plan[1].from, plan[1].to});
  CHECK(summary.failed_ranges[0].error.code == ErrorCode::kUnavailable);
  CHECK(summary.failed_ranges[1].range == FetchRange{plan[2].from, plan[2].to});
  CHECK(ib_error_kind(summary.failed_ranges[1].error) == IbErrorKind::kInvalidRequest);
  CHECK(summary.outcomes[1].attempts == 3);
  CHECK(summary.outcomes[2].attempts == 1);

  const Json json = summary.to_json();
  const Json segments = json.at("segments");
  CHECK(segments.get_int("planned") == 4);
  CHECK(segments.get_int("ok") == 2);
  CHECK(segments.get_int("failed") == 2);
  CHECK(segments.get_int("cancelled") == 0);
  REQUIRE(segments.at("failed_ranges").size() == 2);
  const Json failed = segments.at("failed_ranges")[0];
  CHECK(failed.get_string("from") == "2023-12-30T00:00:00Z");
  CHECK(failed.get_string("to") == "2023-12-31T00:00:00Z");
  CHECK(failed.get_string("error") == summary.failed_ranges[0].error.message);
  CHECK(failed.get_string("code") == "unavailable");
  CHECK(json.get_string("symbol") == "AAPL");
  CHECK(json.get_string("timeframe") == "1h");
  CHECK(json.get_bool("cancelled") == false);
  CHECK(json.get_int("bars_fetched") == 48);
  CHECK(json.get_int("requests") == 7);
  CHECK(json.get_int("retries") == 3);
  CHECK(json.has("pacing_waits"));
  CHECK(json.has("pacing_waited_seconds"));
  CHECK(json.has("duration_seconds"));
}

TEST_CASE("a run gives up on a provider that fails transiently segment after segment",
          "[data][jobs]") {
  Fixture f;
  const std::vector<Segment> plan = tail_plan(8);
  for (std::size_t i = 1; i < plan.size(); ++i) f.provider->fail_from(plan[i].from);
  const DataJobSummary summary =
      DataJobManager(f.adapter, kFastRetries).run("AAPL", Timeframe::k1h, plan, {});
  CHECK(summary.abandoned);
  CHECK_FALSE(summary.cancelled);
  CHECK(summary.segments_ok == 1);
  CHECK(summary.segments_failed == DataJobManager::kMaxTransientFailuresInARow);
  CHECK(summary.segments_cancelled == plan.size() - 1 - DataJobManager::kMaxTransientFailuresInARow);
  CHECK(summary.requests == 1 + 3 * DataJobManager::kMaxTransientFailuresInARow);
  CHECK(summary.to_json().get_bool("abandoned") == true);

  SECTION("errors that are not transient never make it give up") {
    Fixture g;
    for (std::size_t i = 1; i < plan.size(); ++i) {
      g.provider->fail_from(plan[i].from, make_ib_error(IbErrorKind::kInvalidRequest, "bad"));
    }
    const DataJobSummary all =
        DataJobManager(g.adapter, kFastRetries).run("AAPL", Timeframe::k1h, plan, {});
    CHECK_FALSE(all.abandoned);
    CHECK(all.segments_failed == plan.size() - 1);
  }
}

TEST_CASE("a segment without data counts as done with 0 bars", "[data][jobs]") {
  Fixture f;
  const std::vector<Segment> plan = tail_plan(3);
  f.provider->list_at(plan[1].from);  // the oldest segment predates the listing
  const DataJobSummary summary =
      DataJobManager(f.adapter, kFastRetries).run("AAPL", Timeframe::k1h, plan, {});
  CHECK(summary.segments_ok == 3);
  CHECK(summary.segments_failed == 0);
  CHECK(summary.bars_fetched == 48);
  CHECK(summary.outcomes[2].state == JobState::kCompleted);
  CHECK(summary.outcomes[2].bars == 0);
  const Json outcome = summary.outcomes[2].to_json();
  CHECK(outcome.get_int("index") == 2);
  CHECK(outcome.get_string("state") == "completed");
  CHECK(outcome.get_int("bars") == 0);
  CHECK(outcome.get_int("attempts") == 1);
  CHECK(outcome.at("error").get_string("code") == "not_found");
}

TEST_CASE("cancellation at a segment boundary stops the run", "[data][jobs]") {
  Fixture f;
  const std::vector<Segment> plan = tail_plan(5);
  CancellationSource source;
  std::size_t segments_seen = 0;
  DataJobCallbacks callbacks;
  callbacks.on_segment = [&](const SegmentOutcome&, BarSeries&&) {
    if (++segments_seen == 2) source.cancel();
  };
  const DataJobSummary summary = DataJobManager(f.adapter, kFastRetries)
                                     .run("AAPL", Timeframe::k1h, plan, source.token(), callbacks);
  CHECK(segments_seen == 2);
  CHECK(f.provider->historical_calls() == 2);
  CHECK(summary.cancelled);
  CHECK(summary.segments_ok == 2);
  CHECK(summary.segments_cancelled == 3);
  CHECK(summary.bars_fetched == 48);
  REQUIRE(summary.outcomes.size() == 5);
  for (std::size_t i = 2; i < 5; ++i) {
    CHECK(summary.outcomes[i].segment == plan[i]);
    CHECK(summary.outcomes[i].state == JobState::kCancelled);
    CHECK(summary.outcomes[i].attempts == 0);
  }
  CHECK(summary.to_json().get_bool("cancelled") == true);
  CHECK(summary.to_json().at("segments").get_int("cancelled") == 3);
}

TEST_CASE("cancellation inside a segment stops at the next block of bars", "[data][jobs]") {
  Fixture f;
  const std::vector<Segment> plan = tail_plan(3, 30);  // 720 bars each
  CancellationSource source;
  std::vector<SegmentOutcome> outcomes;
  DataJobCallbacks callbacks;
  callbacks.on_segment = [&](const SegmentOutcome& outcome, BarSeries&& bars) {
    outcomes.push_back(outcome);
    if (outcome.state == JobState::kCancelled) CHECK(bars.empty());
  };
  callbacks.on_progress = [&](const DataJobProgress& progress) {
    if (progress.current_segment == 2 && progress.bars_processed >= 720 + 300) source.cancel();
  };
  const DataJobSummary summary = DataJobManager(f.adapter, kFastRetries)
                                     .run("AAPL", Timeframe::k1h, plan, source.token(), callbacks);
  REQUIRE(outcomes.size() == 2);
  CHECK(outcomes[0].state == JobState::kCompleted);
  CHECK(outcomes[1].state == JobState::kCancelled);
  CHECK(outcomes[1].attempts == 1);
  REQUIRE(outcomes[1].error.has_value());
  CHECK(outcomes[1].error->code == ErrorCode::kCancelled);
  CHECK(summary.cancelled);
  CHECK(summary.segments_ok == 1);
  CHECK(summary.segments_cancelled == 2);
  CHECK(summary.bars_fetched == 720);
  CHECK(summary.outcomes[2].attempts == 0);
  CHECK(f.provider->historical_calls() == 2);
}

TEST_CASE("progress never goes backwards and ends at the fetched totals", "[data][jobs]") {
  // IB limits: the sixth request for the contract waits (2.1 s), so pacing waits show in the
  // progress. On a clock that moves only by waiting it does, however slowly the first five ran.
  Fixture f(PacingLimits::interactive_brokers());
  const auto adapter =
      std::make_shared<IbDataAdapter>(f.provider, "local", std::make_unique<ManualPacingClock>());
  const std::vector<Segment> plan = tail_plan(7, 10);  // 240 bars each
  std::vector<DataJobProgress> reports;
  DataJobCallbacks callbacks;
  callbacks.on_progress = [&](const DataJobProgress& progress) { reports.push_back(progress); };
  const DataJobSummary summary =
      DataJobManager(adapter, kFastRetries).run("AAPL", Timeframe::k1h, plan, {}, callbacks);
  REQUIRE(summary.segments_ok == 7);
  // Per segment: start, three blocks, end.
  REQUIRE(reports.size() == 7 * 5);
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const DataJobProgress& p = reports[i];
    CHECK(p.total_segments == 7);
    CHECK(p.current_segment >= 1);
    CHECK(p.current_segment <= 7);
    CHECK(p.segment_fraction >= 0.0);
    CHECK(p.segment_fraction <= 1.0);
    if (i == 0) continue;
    const DataJobProgress& before = reports[i - 1];
    CHECK(p.current_segment >= before.current_segment);
    CHECK(p.bars_processed >= before.bars_processed);
    CHECK(p.requests >= before.requests);
    CHECK(p.pacing_waits >= before.pacing_waits);
    if (p.current_segment == before.current_segment) {
      CHECK(p.segment_fraction >= before.segment_fraction);
    }
  }
  CHECK(reports.front().current_segment == 1);
  CHECK(reports.front().bars_processed == 0);
  CHECK(reports.front().requests == 0);
  CHECK(reports.back().current_segment == 7);
  CHECK(reports.back().segment_fraction == 1.0);
  CHECK(reports.back().bars_processed == summary.bars_fetched);
  CHECK(reports.back().requests == 7);
  CHECK(reports.back().pacing_waits == summary.pacing_waits);
  CHECK(summary.bars_fetched == 7 * 240);
  CHECK(summary.pacing_waits >= 1);
  CHECK(summary.pacing_waited > 0ns);
}

TEST_CASE("an empty plan does nothing", "[data][jobs]") {
  Fixture f;
  bool called = false;
  DataJobCallbacks callbacks;
  callbacks.on_segment = [&](const SegmentOutcome&, BarSeries&&) { called = true; };
  callbacks.on_progress = [&](const DataJobProgress&) { called = true; };
  const DataJobSummary summary =
      DataJobManager(f.adapter).run("AAPL", Timeframe::k1h, {}, {}, callbacks);
  CHECK_FALSE(called);
  CHECK(summary.segments_planned == 0);
  CHECK_FALSE(summary.cancelled);
  CHECK(summary.outcomes.empty());
  CHECK(f.provider->historical_calls() == 0);
}
