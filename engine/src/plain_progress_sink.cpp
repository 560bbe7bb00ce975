#include "plain_progress_sink.hpp"

#include <cstdio>

namespace ktrdr::engine {
namespace {

std::string percent(double value) {
  char text[16];
  std::snprintf(text, sizeof text, "%.0f%%", value);
  return text;
}

}  // namespace

void PlainProgressSink::job_started(const JobSpec& job, const OperationRecord& record) {
  std::lock_guard lock(mutex_);
  out_ << "[" << job.name << "] started " << job.kind << " as " << record.id;
  if (auto mode = record.routing.get_string("mode"); mode && *mode != "local") {
    out_ << " via " << *mode << " " << record.routing.get_string("url").value_or("");
  }
  out_ << "\n" << std::flush;
}

void PlainProgressSink::operation_changed(const JobSpec& job, const OperationRecord& record) {
  // Pending has nothing to show yet; job_finished reports the end.
  if (record.state == OperationState::kPending || is_terminal(record.state)) return;
  std::lock_guard lock(mutex_);
  const ProgressState& p = record.progress;
  const std::string phase = std::string(to_string(record.state)) + "/" + p.step + "/" +
                            std::to_string(p.step_index) +
                            (record.cancel_requested ? "/cancel" : "");
  const auto now = std::chrono::steady_clock::now();
  Seen& seen = seen_[record.id];
  if (phase == seen.phase && now - seen.printed < interval_) return;
  seen = {phase, now};
  out_ << "[" << job.name << "] " << (p.step.empty() ? "running " : "") << percent(p.percentage);
  if (p.step_count > 0) out_ << " step " << p.step_index << "/" << p.step_count;
  if (!p.step.empty()) out_ << " " << p.step;
  if (!p.message.empty()) out_ << ": " << p.message;
  if (record.cancel_requested) out_ << " (cancelling)";
  out_ << "\n" << std::flush;
}

void PlainProgressSink::job_finished(const JobReport& report) {
  std::lock_guard lock(mutex_);
  out_ << "[" << report.name << "] " << to_string(report.outcome);
  if (report.record) out_ << " in " << format_seconds(report.seconds());
  if (report.error) out_ << ": " << report.error->message;
  if (!report.skip_reason.empty()) out_ << ": " << report.skip_reason;
  out_ << "\n" << std::flush;
}

void PlainProgressSink::run_finished(const std::vector<JobReport>& reports, int exit_code) {
  std::lock_guard lock(mutex_);
  write_run_summary(out_, reports, exit_code);
}

}  // namespace ktrdr::engine
