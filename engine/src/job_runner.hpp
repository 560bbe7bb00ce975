// JobRunner: runs a resolved job file — jobs in dependency order, each through its plugin's job
// kind, waiting on the registry (no polling) and feeding a ProgressSink. A failed or cancelled
// job stops its dependents; independent jobs still run unless the whole run is cancelled.
#pragma once

#include <vector>

#include "engine.hpp"
#include "job_file.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "progress_sink.hpp"

namespace ktrdr::engine {

// Process exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitCancelled = 130;

class JobRunner {
 public:
  JobRunner(Engine& engine, ProgressSink& sink) : engine_(engine), sink_(sink) {}

  // Runs every job of `file` (params already resolved); cancelling `run_token` cancels the job
  // in progress and skips the rest. Returns one report per job, in run order.
  std::vector<JobReport> run(const JobFile& file, const CancellationToken& run_token);

  // 130 when the run was cancelled, 1 when a job failed or was skipped, else 0.
  static int exit_code(const std::vector<JobReport>& reports, bool run_cancelled);

 private:
  JobReport run_job(const JobSpec& job, const CancellationToken& run_token);

  Engine& engine_;
  ProgressSink& sink_;
};

}  // namespace ktrdr::engine
