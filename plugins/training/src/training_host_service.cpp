#include "training_host_service.hpp"

#include <unistd.h>

#include <chrono>
#include <fstream>

#include "ktrdr/sdk/time_format.hpp"
#include "training_request.hpp"

namespace ktrdr::training {
namespace {

using Clock = std::chrono::steady_clock;

// How long POST /training/stop waits for a session to end before answering with its state.
constexpr std::chrono::seconds kStopWait{10};

// This process's resident memory, from /proc/self/statm.
std::int64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::int64_t pages = 0;
  std::int64_t resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::int64_t>(::sysconf(_SC_PAGESIZE));
}

// The training session `id`, or a not_found error naming it.
Result<OperationRecord> session(const OperationRegistry& registry, const std::string& id) {
  auto record = registry.get(id);
  if (!record || record->kind != kTrainKind) {
    return Error::not_found("no training session " + id, {{"field", "session_id"}, {"value", id}});
  }
  return std::move(*record);
}

Json status_json(const OperationRecord& record) {
  const Json& c = record.progress.context;
  Json progress = Json::object();
  progress.set("percentage", record.progress.percentage)
      .set("message", record.progress.message)
      .set("phase", c.get_string("phase").value_or(""))
      .set("epoch", c.get_int("current_epoch").value_or(0))
      .set("total_epochs", c.get_int("total_epochs").value_or(0))
      .set("batch", c.get_int("current_batch").value_or(0))
      .set("total_batches", c.get_int("total_batches").value_or(0));
  Json metrics = Json::object();
  for (const char* key : {"train_loss", "val_loss", "val_accuracy"}) {
    if (const auto value = c.get_number(key)) metrics.set(key, *value);
  }
  Json memory = Json::object();
  memory.set("rss_bytes", resident_bytes());
  Json status = Json::object();
  status.set("metrics_history", c.at("epochs").is_array() ? c.at("epochs") : Json::array());
  status.set("session_id", record.id)
      .set("name", record.name)
      .set("status", to_string(record.state))
      .set("progress", progress)
      .set("metrics", metrics)
      .set("device", record.result.get_string("device").value_or(
                         TrainingManager::health().get_string("device").value_or("cpu")))
      .set("memory", memory);
  if (is_terminal(record.state)) status.set("result", record.result);
  if (record.error) status.set("error", record.error->to_json());
  return status;
}

ServerResponse start(TrainingManager& manager, const ParamSchema::PathResolver& resolve_path,
                     const ServerRequest& http) {
  auto body = http.json();
  if (!body) return ServerResponse::error(body.error());
  Json params = std::move(body).value();
  const std::string name = params.get_string("name").value_or("");
  params.erase("name");
  const auto errors = TrainingRequest::train_schema().validate(params, resolve_path);
  if (!errors.empty()) return ServerResponse::error(errors.front());
  OperationRequest request;
  request.kind = kTrainKind;
  request.name = name;
  request.params = std::move(params);
  request.routing.use_host_service = false;  // this process is the host service
  auto id = manager.start_train(request);
  if (!id) return ServerResponse::error(id.error());
  Json answer = Json::object();
  answer.set("session_id", *id).set("status", "started");
  return ServerResponse::json(answer, 202);
}

ServerResponse stop(OperationRegistry& registry, const ServerRequest& http) {
  auto body = http.json();
  if (!body) return ServerResponse::error(body.error());
  const std::string id = body->get_string("session_id").value_or("");
  if (auto found = session(registry, id); !found) return ServerResponse::error(found.error());
  const Clock::time_point asked = Clock::now();
  if (auto cancelled = registry.request_cancel(id);
      !cancelled && cancelled.error().code != ErrorCode::kConflict) {  // conflict: already over
    return ServerResponse::error(cancelled.error());
  }
  const CancellationSource deadline;
  deadline.cancel_after(kStopWait);
  const auto record = registry.wait_terminal(id, deadline.token());
  Json answer = Json::object();
  answer.set("session_id", id)
      .set("status", record ? to_string(record->state) : "unknown")
      .set("stopped_in_ms",
           std::chrono::duration<double, std::milli>(Clock::now() - asked).count());
  return ServerResponse::json(answer);
}

ServerResponse sessions(const OperationRegistry& registry) {
  Json list = Json::array();
  for (const OperationRecord& record : registry.list({.kind = std::string(kTrainKind)})) {
    Json entry = Json::object();
    entry.set("session_id", record.id)
        .set("name", record.name)
        .set("status", to_string(record.state))
        .set("percentage", record.progress.percentage)
        .set("created_at", to_iso8601(record.created_at, true));
    list.push_back(entry);
  }
  Json answer = Json::object();
  answer.set("sessions", list);
  return ServerResponse::json(answer);
}

}  // namespace

std::vector<RouteSpec> TrainingHostService::routes() const {
  TrainingManager* manager = manager_;
  OperationRegistry* registry = registry_;
  return {
      {.method = HttpMethod::kPost,
       .pattern = "/training/start",
       .handler = [manager, resolve_path = resolve_path_](const ServerRequest& r) {
         return start(*manager, resolve_path, r);
       }},
      {.method = HttpMethod::kGet,
       .pattern = "/training/status/{id}",
       .handler =
           [registry](const ServerRequest& r) {
             auto record = session(*registry, r.params.at("id"));
             if (!record) return ServerResponse::error(record.error());
             return ServerResponse::json(status_json(*record));
           }},
      {.method = HttpMethod::kPost,
       .pattern = "/training/stop",
       .handler = [registry](const ServerRequest& r) { return stop(*registry, r); }},
      {.method = HttpMethod::kGet,
       .pattern = "/training/sessions",
       .handler = [registry](const ServerRequest&) { return sessions(*registry); },
       .quick = true},
  };
}

}  // namespace ktrdr::training
