// TtyProgressSink: a live progress line for a terminal (redrawn in place at most 10 times a
// second) with the domain's message, percentage bar, items, rate, elapsed time and ETA; each
// finished job leaves one permanent line. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <ostream>

#include "progress_sink.hpp"

namespace ktrdr::engine {

class TtyProgressSink final : public ProgressSink {
 public:
  // `columns`: the width to fit lines to; 0 asks the terminal on stdout (100 when it cannot say).
  explicit TtyProgressSink(std::ostream& out, std::size_t columns = 0)
      : out_(out), columns_(columns) {}

  void job_started(const JobSpec& job, const OperationRecord& record) override;
  void operation_changed(const JobSpec& job, const OperationRecord& record) override;
  void job_finished(const JobReport& report) override;
  void run_finished(const std::vector<JobReport>& reports, int exit_code) override;

 private:
  static constexpr std::chrono::milliseconds kMinRedraw{100};
  void clear_line_locked();

  std::mutex mutex_;
  std::ostream& out_;
  const std::size_t columns_;
  std::chrono::steady_clock::time_point last_draw_{};
  int lines_drawn_ = 0;  // progress lines on screen below the last full line (0–2)
};

}  // namespace ktrdr::engine
