#include <catch2/catch.hpp>

#include <sstream>
#include <thread>

#include "engine_fixture.hpp"
#include "job_runner.hpp"
#include "plain_progress_sink.hpp"

using namespace ktrdr;
using namespace ktrdr::engine;
using Catch::Matchers::Contains;

namespace {

// Counts primes below `limit` the slow, obvious way: the reference for the example plugin.
std::uint64_t naive_prime_count(std::uint64_t limit) {
  std::vector<bool> composite(limit, false);
  std::uint64_t count = 0;
  for (std::uint64_t i = 2; i < limit; ++i) {
    if (composite[i]) continue;
    ++count;
    for (std::uint64_t j = i * i; j < limit; j += i) composite[j] = true;
  }
  return count;
}

// Cancels a source as soon as an operation of `kind` is running.
class CancelWhenRunning {
 public:
  CancelWhenRunning(OperationRegistry& registry, CancellationSource source, std::string kind)
      : subscription_(registry.subscribe([source, kind](const OperationRecord& record) {
          if (record.kind == kind && record.progress.percentage > 0) {
            source.cancel(CancelReason::kUser, "test");
          }
        })) {}

 private:
  OperationRegistry::Subscription subscription_;
};

}  // namespace

TEST_CASE("jobs run in dependency order and report real results", "[engine][runner]") {
  test::EngineFixture f;
  const JobFile file = f.load(R"(version: 1
jobs:
  - {name: second, kind: example.primes, needs: first, params: {limit: 200000, chunk_size: 1000, threads: 2}}
  - {name: first, kind: example.primes, params: {limit: 100000, chunk_size: 1000}}
)");
  std::ostringstream out;
  PlainProgressSink sink(out);
  const auto reports = JobRunner(f.engine, sink).run(file, {});
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].name == "first");
  CHECK(reports[1].name == "second");
  for (const JobReport& report : reports) {
    REQUIRE(report.outcome == JobOutcome::kCompleted);
    const auto limit = static_cast<std::uint64_t>(report.record->params.get_int("limit").value());
    CHECK(report.record->result.get_int("primes") ==
          static_cast<std::int64_t>(naive_prime_count(limit)));
    CHECK(report.record->progress.percentage == 100.0);
    CHECK(report.record->progress.context.get_string("operation") == "prime_counting");
  }
  CHECK(JobRunner::exit_code(reports, false) == kExitOk);
}

TEST_CASE("a failed job stops its dependents and the run says which", "[engine][runner]") {
  test::EngineFixture f;
  const JobFile file = f.load(R"(version: 1
jobs:
  - {name: broken, kind: test.fail}
  - {name: after, kind: test.wait, needs: [broken]}
  - {name: after-after, kind: test.wait, needs: [after]}
  - {name: independent, kind: example.primes, params: {limit: 1000}}
)");
  std::ostringstream out;
  PlainProgressSink sink(out);
  const auto reports = JobRunner(f.engine, sink).run(file, {});
  REQUIRE(reports.size() == 4);
  CHECK(reports[0].outcome == JobOutcome::kFailed);
  REQUIRE(reports[0].error.has_value());
  CHECK(reports[0].error->code == ErrorCode::kUnavailable);
  CHECK(reports[1].outcome == JobOutcome::kSkipped);
  CHECK_THAT(reports[1].skip_reason, Contains("\"broken\"") && Contains("failed"));
  CHECK(reports[2].outcome == JobOutcome::kSkipped);
  CHECK_THAT(reports[2].skip_reason, Contains("\"after\"") && Contains("skipped"));
  CHECK(reports[3].outcome == JobOutcome::kCompleted);
  CHECK(JobRunner::exit_code(reports, false) == kExitFailed);
  CHECK_THAT(out.str(), Contains("[broken] failed") && Contains("the test service is down"));
}

TEST_CASE("cancelling a run cancels the running job, keeps its partial result, skips the rest",
          "[engine][runner]") {
  test::EngineFixture f;
  const JobFile file = f.load(R"(version: 1
jobs:
  - {name: waiting, kind: test.wait}
  - {name: later, kind: example.primes, params: {limit: 1000}}
)");
  std::ostringstream out;
  PlainProgressSink sink(out);
  CancellationSource run;
  CancelWhenRunning canceller(f.engine.registry(), run, "test.wait");
  const auto reports = JobRunner(f.engine, sink).run(file, run.token());
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].outcome == JobOutcome::kCancelled);
  CHECK(reports[0].record->state == OperationState::kCancelled);
  CHECK(reports[0].record->result.get_bool("waited") == true);
  CHECK(reports[1].outcome == JobOutcome::kCancelled);
  CHECK_FALSE(reports[1].record.has_value());
  CHECK(JobRunner::exit_code(reports, true) == kExitCancelled);
}

TEST_CASE("a job that outlives its timeout fails with a timeout error", "[engine][runner]") {
  test::EngineFixture f;
  const JobFile file = f.load(R"(version: 1
jobs:
  - {name: slow, kind: test.wait, timeout: 50ms}
)");
  std::ostringstream out;
  PlainProgressSink sink(out);
  const auto reports = JobRunner(f.engine, sink).run(file, {});
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].outcome == JobOutcome::kFailed);
  REQUIRE(reports[0].error.has_value());
  CHECK(reports[0].error->code == ErrorCode::kTimeout);
  CHECK(reports[0].record->state == OperationState::kCancelled);
  CHECK(JobRunner::exit_code(reports, false) == kExitFailed);
}
