// PlainProgressSink: progress as plain log lines — no carriage returns, no colours — on phase
// changes and at most every 5 seconds otherwise. For logs, CI and pipes. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <ostream>
#include <string>

#include "progress_sink.hpp"

namespace ktrdr::engine {

class PlainProgressSink final : public ProgressSink {
 public:
  explicit PlainProgressSink(std::ostream& out,
                             std::chrono::milliseconds interval = std::chrono::seconds(5))
      : out_(out), interval_(interval) {}

  void job_started(const JobSpec& job, const OperationRecord& record) override;
  void operation_changed(const JobSpec& job, const OperationRecord& record) override;
  void job_finished(const JobReport& report) override;
  void run_finished(const std::vector<JobReport>& reports, int exit_code) override;

 private:
  struct Seen {
    std::string phase;  // state + step: a change prints at once
    std::chrono::steady_clock::time_point printed;
  };

  std::mutex mutex_;
  std::ostream& out_;
  std::chrono::milliseconds interval_;
  std::map<std::string, Seen> seen_;  // by operation id
};

}  // namespace ktrdr::engine
