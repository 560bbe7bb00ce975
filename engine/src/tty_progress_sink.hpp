// TtyProgressSink: a live progress line for a terminal (redrawn in place at most 10 times a
// second) with the domain's message, percentage bar, items, rate, elapsed time and ETA; each
// finished job leaves one permanent line. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <ostream>

#include "progress_sink.hpp"

namespace ktrdr::engine {

class TtyProgressSink final : public ProgressSink {
 public:
  explicit TtyProgressSink(std::ostream& out) : out_(out) {}

  void job_started(const JobSpec& job, const OperationRecord& record) override;
  void operation_changed(const JobSpec& job, const OperationRecord& record) override;
  void job_finished(const JobReport& report) override;
  void run_finished(const std::vector<JobReport>& reports, int exit_code) override;

 private:
  static constexpr std::chrono::milliseconds kMinRedraw{100};
  void clear_line_locked();

  std::mutex mutex_;
  std::ostream& out_;
  std::chrono::steady_clock::time_point last_draw_{};
  bool line_drawn_ = false;
};

}  // namespace ktrdr::engine
