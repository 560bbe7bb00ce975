// JsonProgressSink: progress as NDJSON for machines. The first line is
// {"type":"version","schema":"1.0"}; then one event per line: job_started, progress (every
// operation change), job_finished, run_finished. Thread-safe.
#pragma once

#include <mutex>
#include <ostream>

#include "progress_sink.hpp"

namespace ktrdr::engine {

inline constexpr const char* kProgressEventSchema = "1.0";

class JsonProgressSink final : public ProgressSink {
 public:
  explicit JsonProgressSink(std::ostream& out);

  void job_started(const JobSpec& job, const OperationRecord& record) override;
  void operation_changed(const JobSpec& job, const OperationRecord& record) override;
  void job_finished(const JobReport& report) override;
  void run_finished(const std::vector<JobReport>& reports, int exit_code) override;

 private:
  void write(const Json& event);

  std::mutex mutex_;
  std::ostream& out_;
};

}  // namespace ktrdr::engine
