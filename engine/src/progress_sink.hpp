// ProgressSink: where `ktrdr run` shows what its jobs are doing — a live terminal bar, plain log
// lines, or NDJSON events. The runner calls it from its own thread and from registry listeners;
// implementations serialise their output themselves.
#pragma once

#include <chrono>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "job_file.hpp"
#include "ktrdr/sdk/operation.hpp"
#include "ktrdr/sdk/progress_renderer.hpp"

namespace ktrdr::engine {

enum class JobOutcome { kCompleted, kFailed, kCancelled, kSkipped };
std::string_view to_string(JobOutcome outcome) noexcept;

// How one job of a run ended.
struct JobReport {
  std::string name;
  std::string kind;
  JobOutcome outcome = JobOutcome::kSkipped;
  std::optional<OperationRecord> record;  // absent when the job never started
  std::optional<Error> error;             // why it failed, or did not start
  std::string skip_reason;
  std::shared_ptr<const ProgressRenderer> renderer;
  double seconds() const;  // from start to finish, 0 when it never ran
};

class ProgressSink {
 public:
  virtual ~ProgressSink() = default;
  virtual void job_started(const JobSpec& job, const OperationRecord& record) = 0;
  // Every change of the job's operation (throttled at the source).
  virtual void operation_changed(const JobSpec& job, const OperationRecord& record) = 0;
  virtual void job_finished(const JobReport& report) = 0;
  virtual void run_finished(const std::vector<JobReport>& reports, int exit_code) = 0;
};

enum class ProgressStyle { kAuto, kTty, kPlain, kJson };
std::optional<ProgressStyle> progress_style_from_string(std::string_view name) noexcept;

// The sink for `style` writing to `out` (auto = tty when `out_is_terminal`, else plain).
std::unique_ptr<ProgressSink> make_progress_sink(ProgressStyle style, std::ostream& out,
                                                 bool out_is_terminal);

// Shared by the human sinks: "1m05s", "12.3s".
std::string format_seconds(double seconds);
// The final summary block the human sinks print: one line per job, then each job's result as
// its domain renders it.
void write_run_summary(std::ostream& out, const std::vector<JobReport>& reports, int exit_code);

}  // namespace ktrdr::engine
