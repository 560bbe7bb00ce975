#include "job_runner.hpp"

#include <algorithm>
#include <map>
#include <mutex>

namespace ktrdr::engine {
namespace {

JobOutcome outcome_of(OperationState state) {
  switch (state) {
    case OperationState::kCompleted: return JobOutcome::kCompleted;
    case OperationState::kCancelled: return JobOutcome::kCancelled;
    default: return JobOutcome::kFailed;
  }
}

}  // namespace

std::vector<JobReport> JobRunner::run(const JobFile& file, const CancellationToken& run_token) {
  std::vector<JobReport> reports;
  std::map<std::string, JobOutcome> outcomes;
  for (const JobSpec& job : file.jobs) {
    const auto blocker = std::find_if(job.needs.begin(), job.needs.end(), [&](const auto& need) {
      return outcomes[need] != JobOutcome::kCompleted;
    });
    JobReport report;
    if (run_token.is_cancelled()) {
      report = {job.name, job.kind, JobOutcome::kCancelled, {}, {}, "the run was cancelled", {}};
    } else if (blocker != job.needs.end()) {
      report = {job.name,
                job.kind,
                JobOutcome::kSkipped,
                {},
                {},
                "needs \"" + *blocker + "\", which " +
                    (outcomes[*blocker] == JobOutcome::kSkipped
                         ? std::string("was skipped")
                         : std::string("ended ") + std::string(to_string(outcomes[*blocker]))),
                {}};
    } else {
      report = run_job(job, run_token);
    }
    if (!report.record) sink_.job_finished(report);
    outcomes[job.name] = report.outcome;
    reports.push_back(std::move(report));
  }
  sink_.run_finished(reports, exit_code(reports, run_token.is_cancelled()));
  return reports;
}

JobReport JobRunner::run_job(const JobSpec& job, const CancellationToken& run_token) {
  JobReport report{job.name, job.kind, JobOutcome::kFailed, {}, {}, {},
                   engine_.plugins().renderer_for(job.kind)};
  const JobKindSpec* kind = engine_.plugins().find_kind(job.kind);
  if (kind == nullptr) {
    report.error = Error::not_found("job kind '" + job.kind + "' is not loaded");
    return report;
  }
  // Watch the registry from before the operation exists so that no change is missed. Job names
  // are unique within a run; the job is announced once its routing is decided.
  std::mutex mutex;
  bool announced = false;
  const auto announce_locked = [&](const OperationRecord& record) {
    if (!announced) sink_.job_started(job, record);
    announced = true;
  };
  auto subscription = engine_.registry().subscribe([&](const OperationRecord& record) {
    if (record.name != job.name || record.kind != job.kind) return;
    if (!record.routing.has("mode") && record.state == OperationState::kPending) return;
    std::lock_guard lock(mutex);
    announce_locked(record);
    sink_.operation_changed(job, record);
  });
  OperationRequest request{job.kind, job.name, job.params, job.routing, run_token, job.timeout};
  Result<std::string> start = [&]() -> Result<std::string> {
    try {
      return kind->start(request);
    } catch (const ErrorException& e) {
      return e.error();
    } catch (const std::exception& e) {
      return Error::internal("job kind '" + job.kind + "' failed to start: " + e.what());
    }
  }();
  if (!start.ok()) {
    report.error = std::move(start).error();
    return report;
  }
  const std::string id = *start;
  {
    std::lock_guard lock(mutex);
    if (auto record = engine_.registry().get(id)) announce_locked(*record);
  }
  report.record = engine_.registry().wait_terminal(id);
  subscription = {};
  report.outcome = outcome_of(report.record->state);
  report.error = report.record->error;
  if (report.outcome == JobOutcome::kCancelled && job.timeout && !run_token.is_cancelled()) {
    // Its own deadline stopped it: that is a failure of the job, not a user's cancel.
    report.outcome = JobOutcome::kFailed;
    report.error = Error::timeout("job \"" + job.name + "\" timed out after " +
                                  format_seconds(static_cast<double>(job.timeout->count()) / 1e3));
  }
  sink_.job_finished(report);
  return report;
}

int JobRunner::exit_code(const std::vector<JobReport>& reports, bool run_cancelled) {
  const auto any = [&](JobOutcome outcome) {
    return std::any_of(reports.begin(), reports.end(),
                       [&](const JobReport& r) { return r.outcome == outcome; });
  };
  if (run_cancelled || any(JobOutcome::kCancelled)) return kExitCancelled;
  if (any(JobOutcome::kFailed) || any(JobOutcome::kSkipped)) return kExitFailed;
  return kExitOk;
}

}  // namespace ktrdr::engine
