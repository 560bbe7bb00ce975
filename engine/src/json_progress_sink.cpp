#include "json_progress_sink.hpp"

namespace ktrdr::engine {
namespace {

Json event(std::string_view type, const std::string& job, const std::string& kind) {
  Json json = Json::object();
  json.set("type", type).set("job", job).set("kind", kind);
  return json;
}

}  // namespace

JsonProgressSink::JsonProgressSink(std::ostream& out) : out_(out) {
  Json version = Json::object();
  version.set("type", "version").set("schema", kProgressEventSchema);
  write(version);
}

void JsonProgressSink::write(const Json& json) {
  std::lock_guard lock(mutex_);
  out_ << json.dump() << "\n" << std::flush;
}

void JsonProgressSink::job_started(const JobSpec& job, const OperationRecord& record) {
  Json json = event("job_started", job.name, job.kind);
  json.set("operation_id", record.id).set("state", to_string(record.state));
  json.set("routing", record.routing);
  write(json);
}

void JsonProgressSink::operation_changed(const JobSpec& job, const OperationRecord& record) {
  Json json = event("progress", job.name, job.kind);
  json.set("operation_id", record.id)
      .set("state", to_string(record.state))
      .set("cancel_requested", record.cancel_requested)
      .set("progress", record.progress.to_json());
  write(json);
}

void JsonProgressSink::job_finished(const JobReport& report) {
  Json json = event("job_finished", report.name, report.kind);
  json.set("outcome", to_string(report.outcome));
  if (report.record) {
    json.set("operation_id", report.record->id)
        .set("state", to_string(report.record->state))
        .set("seconds", report.seconds())
        .set("progress", report.record->progress.to_json())
        .set("result", report.record->result)
        .set("warnings", report.record->warnings);
  }
  if (report.error) json.set("error", report.error->to_json());
  if (!report.skip_reason.empty()) json.set("reason", report.skip_reason);
  write(json);
}

void JsonProgressSink::run_finished(const std::vector<JobReport>& reports, int exit_code) {
  Json json = Json::object();
  json.set("type", "run_finished").set("exit_code", exit_code);
  Json jobs = Json::array();
  for (const JobReport& report : reports) {
    Json item = Json::object();
    item.set("job", report.name).set("kind", report.kind).set("outcome", to_string(report.outcome));
    if (report.record) item.set("operation_id", report.record->id);
    jobs.push_back(item);
  }
  json.set("jobs", jobs);
  write(json);
}

}  // namespace ktrdr::engine
