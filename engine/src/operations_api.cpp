#include "operations_api.hpp"

#include <charconv>
#include <condition_variable>
#include <deque>
#include <map>
#include <set>

#include "job_runner.hpp"
#include "ktrdr/sdk/version.hpp"

namespace ktrdr::engine {
namespace {

constexpr std::size_t kDefaultPageSize = 50;
constexpr std::size_t kMaxPageSize = 1000;
// How long POST /jobs waits for the jobs that need nothing to start before it answers.
constexpr std::chrono::seconds kSubmitWait{10};
// Bounds on what one operation may make the server keep (its record is stored and listed).
constexpr std::size_t kMaxNameLength = 200;
constexpr std::size_t kMaxParamsBytes = 64 * 1024;
// Job files running at once through POST /jobs (each holds a thread); one more is answered 503.
constexpr std::size_t kMaxRunningSubmissions = 64;

std::string api(std::string_view path) { return std::string(kOperationsApiPrefix) + std::string(path); }

Result<std::size_t> query_number(const ServerRequest& request, const std::string& name,
                                 std::size_t fallback, std::size_t maximum) {
  auto it = request.query.find(name);
  if (it == request.query.end()) return fallback;
  std::size_t value = 0;
  const std::string& text = it->second;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value > maximum) {
    return Error::invalid_argument("query parameter `" + name + "` must be a number from 0 to " +
                                       std::to_string(maximum) + ", got \"" + text + "\"",
                                   {{"field", name}, {"value", text}});
  }
  return value;
}

ServerResponse operation_not_found(const std::string& id) {
  return ServerResponse::error(Error::not_found("operation " + id + " not found", {{"id", id}}));
}

ServerResponse errors_response(const std::vector<Error>& errors) {
  Json body = Json::object();
  body.set("error", errors.front().to_json());
  Json all = Json::array();
  for (const Error& error : errors) all.push_back(error.to_json());
  body.set("errors", all);
  return ServerResponse::json(body, 400);
}

// Records which operation each job of a submission became, so POST /jobs can answer with ids.
class SubmissionSink final : public ProgressSink {
 public:
  void job_started(const JobSpec& job, const OperationRecord& record) override {
    std::lock_guard lock(mutex_);
    ids_[job.name] = record.id;
    changed_.notify_all();
  }
  void operation_changed(const JobSpec&, const OperationRecord&) override {}
  void job_finished(const JobReport& report) override {
    std::lock_guard lock(mutex_);
    ended_[report.name] = report;
    changed_.notify_all();
  }
  void run_finished(const std::vector<JobReport>&, int) override {}

  // Waits until every job in `names` has an operation or has ended, at most `timeout`.
  void wait_started(const std::vector<std::string>& names, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [&] {
      return std::all_of(names.begin(), names.end(), [&](const std::string& name) {
        return ids_.contains(name) || ended_.contains(name);
      });
    });
  }

  Json describe(const JobSpec& job) {
    std::lock_guard lock(mutex_);
    Json item = Json::object();
    item.set("name", job.name).set("kind", job.kind);
    if (auto id = ids_.find(job.name); id != ids_.end()) {
      item.set("operation_id", id->second);
    } else if (auto end = ended_.find(job.name); end != ended_.end()) {
      item.set("outcome", to_string(end->second.outcome));
      if (end->second.error) item.set("error", end->second.error->to_json());
      if (!end->second.skip_reason.empty()) item.set("reason", end->second.skip_reason);
    } else {
      item.set("operation_id", Json());
      item.set("waiting_for", job.needs);
    }
    return item;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, std::string> ids_;
  std::map<std::string, JobReport> ended_;
};

}  // namespace

struct OperationsApi::Submission {
  JobFile file;
  SubmissionSink sink;
  std::atomic<bool> done{false};
  std::thread thread;
};

OperationsApi::OperationsApi(Engine& engine, CancellationToken shutdown)
    : engine_(engine), shutdown_(std::move(shutdown)) {}

OperationsApi::~OperationsApi() {
  std::lock_guard lock(submissions_mutex_);
  for (auto& submission : submissions_) submission->thread.join();
}

void OperationsApi::add_health_check(HealthCheck check) { health_checks_.push_back(std::move(check)); }

void OperationsApi::mount(HostService& server) {
  server.route(HttpMethod::kPost, api("/jobs"), [this](const ServerRequest& r) {
    return submit_jobs(r);
  });
  constexpr bool kAuth = true;
  constexpr bool kQuick = true;
  // These wait for the store or read many records: on the handler pool, so that the I/O threads
  // stay free for the rest.
  server.route(HttpMethod::kPost, api("/operations"),
               [this](const ServerRequest& r) { return start_operation(r); });
  server.route(HttpMethod::kGet, api("/operations"),
               [this](const ServerRequest& r) { return list_operations(r); });
  server.route(HttpMethod::kPost, api("/operations/prune"),
               [this](const ServerRequest& r) { return prune_operations(r); });
  // These read or change one record: quick.
  server.route(
      HttpMethod::kGet, api("/operations/{id}"),
      [this](const ServerRequest& r) { return get_operation(r); }, kAuth, kQuick);
  server.route(
      HttpMethod::kDelete, api("/operations/{id}"),
      [this](const ServerRequest& r) { return cancel_operation(r); }, kAuth, kQuick);
  server.stream_route(
      HttpMethod::kGet, api("/operations/{id}/events"),
      [this](const ServerRequest& r, StreamWriter& w) { stream_events(r, w); }, kAuth,
      [this](const ServerRequest& r) -> std::optional<ServerResponse> {
        if (engine_.registry().get(r.params.at("id"))) return std::nullopt;
        return operation_not_found(r.params.at("id"));
      });
  const auto health_handler = [this, &server](const ServerRequest& r) { return health(server, r); };
  // Health checks must be quick by their contract.
  server.route(HttpMethod::kGet, api("/health"), health_handler, !kAuth, kQuick);
  server.route(HttpMethod::kGet, "/health", health_handler, !kAuth, kQuick);
  for (RouteSpec& route : engine_.plugins().routes()) {
    server.route(route.method, route.pattern, std::move(route.handler), route.requires_auth,
                 route.quick);
  }
}

std::optional<ServerResponse> OperationsApi::refuse_unstorable() const {
  if (!journal_.failure) return std::nullopt;
  auto failure = journal_.failure();
  if (!failure) return std::nullopt;
  return ServerResponse::error(Error::unavailable(
      "the server cannot store new operations now, so it takes none: " + failure->message,
      failure->context));
}

std::optional<ServerResponse> OperationsApi::wait_stored(const std::vector<std::string>& ids) {
  if (!journal_.commit) return std::nullopt;
  auto committed = journal_.commit();
  if (committed.ok()) return std::nullopt;
  for (const std::string& id : ids) {
    (void)engine_.registry().request_cancel(id, CancelReason::kShutdown,
                                            "its record could not be stored");
  }
  return ServerResponse::error(Error::unavailable(
      "the operation could not be stored, so it was cancelled: " + committed.error().message,
      committed.error().context));
}

ServerResponse OperationsApi::submit_jobs(const ServerRequest& request) {
  if (auto refusal = refuse_unstorable()) return std::move(*refusal);
  JobFileLoad load = parse_job_text(request.body, "request");
  if (!load.ok()) return errors_response(load.errors);
  const std::vector<Error> errors = engine_.resolve(load.file, {}, engine_.api_paths());
  if (!errors.empty()) return errors_response(errors);

  Submission* added = nullptr;
  {
    // Each running job file holds a thread: reap the finished ones, refuse past the bound.
    std::lock_guard lock(submissions_mutex_);
    for (auto it = submissions_.begin(); it != submissions_.end();) {
      if ((*it)->done) {
        (*it)->thread.join();
        it = submissions_.erase(it);
      } else {
        ++it;
      }
    }
    if (submissions_.size() >= kMaxRunningSubmissions) {
      auto busy = ServerResponse::error(Error::unavailable(
          std::to_string(kMaxRunningSubmissions) +
          " job files are running on this server; retry once one has finished"));
      busy.headers.emplace_back("Retry-After", "5");
      return busy;
    }
    added = submissions_.emplace_back(std::make_unique<Submission>()).get();
  }
  Submission& s = *added;
  s.file = std::move(load.file);
  s.thread = std::thread([this, &s] {
    JobRunner(engine_, s.sink).run(s.file, shutdown_);
    s.done = true;
  });
  std::vector<std::string> roots;
  for (const JobSpec& job : s.file.jobs) {
    if (job.needs.empty()) roots.push_back(job.name);
  }
  s.sink.wait_started(roots, kSubmitWait);
  Json jobs = Json::array();
  std::vector<std::string> started;
  for (const JobSpec& job : s.file.jobs) {
    Json item = s.sink.describe(job);
    if (auto id = item.get_string("operation_id")) started.push_back(*id);
    jobs.push_back(item);
  }
  if (auto refusal = wait_stored(started)) return std::move(*refusal);
  Json body = Json::object();
  body.set("jobs", jobs);
  return ServerResponse::json(body, 202);
}

ServerResponse OperationsApi::start_operation(const ServerRequest& request) {
  if (auto refusal = refuse_unstorable()) return std::move(*refusal);
  auto body = request.json();
  if (!body.ok()) return ServerResponse::error(body.error());
  const std::string kind = body->get_string("kind").value_or("");
  const JobKindSpec* spec = engine_.plugins().find_kind(kind);
  if (spec == nullptr) {
    return ServerResponse::error(Error::invalid_argument(
        kind.empty() ? "expected {\"kind\": …, \"params\": {…}}"
                     : "unknown job kind `" + kind + "` on this server",
        {{"field", "kind"}, {"value", kind}}));
  }
  Json params = body->has("params") ? body->at("params") : Json::object();
  if (!params.is_object()) {
    return ServerResponse::error(Error::invalid_argument("`params` must be an object",
                                                         {{"field", "params"}}));
  }
  const std::string name = body->get_string("name").value_or("");
  if (name.size() > kMaxNameLength) {
    return ServerResponse::error(Error::invalid_argument(
        "`name` is " + std::to_string(name.size()) + " characters; at most " +
            std::to_string(kMaxNameLength) + " are kept",
        {{"field", "name"}}));
  }
  if (const std::size_t size = params.dump().size(); size > kMaxParamsBytes) {
    return ServerResponse::error(Error::invalid_argument(
        "`params` is " + std::to_string(size) + " bytes of JSON; at most " +
            std::to_string(kMaxParamsBytes) + " are kept",
        {{"field", "params"}}));
  }
  const auto sent = [](const std::string&) { return false; };
  if (auto problems = spec->schema.validate(params, engine_.api_paths().resolver(sent));
      !problems.empty()) {
    return errors_response(problems);
  }
  // An operation sent to a host service runs here: never route it on again.
  OperationRequest start{kind, name, params,
                         RoutingOverride{false, std::nullopt}, shutdown_, std::nullopt};
  auto id = spec->start(start);
  if (!id.ok()) return ServerResponse::error(id.error());
  if (auto refusal = wait_stored({*id})) return std::move(*refusal);
  return ServerResponse::json(engine_.registry().get(*id)->to_json(), 201);
}

ServerResponse OperationsApi::prune_operations(const ServerRequest& request) {
  ParamSchema schema;
  schema.add({.name = "keep_days",
              .type = ParamType::kInteger,
              .description = "finished operations created more than this many days ago go",
              .minimum = 0});
  schema.add({.name = "keep",
              .type = ParamType::kInteger,
              .description = "at most this many finished operations stay (the newest)",
              .minimum = 0});
  auto body = request.body.empty() ? Result<Json>(Json::object()) : request.json();
  if (!body.ok()) return ServerResponse::error(body.error());
  if (auto problems = schema.validate(*body); !problems.empty()) return errors_response(problems);
  if (!journal_.prune) {
    return ServerResponse::error(Error::unavailable("this server keeps no operation history"));
  }
  Retention retention = journal_.retention;
  if (auto days = body->get_int("keep_days")) retention.max_age = std::chrono::days(*days);
  if (auto keep = body->get_int("keep")) retention.keep = static_cast<std::size_t>(*keep);
  if (!retention.any()) {
    return ServerResponse::error(Error::invalid_argument(
        "nothing to prune by: give keep_days or keep (or start the server with --keep-days or "
        "--keep)"));
  }
  auto pruned = journal_.prune(retention);
  if (!pruned.ok()) return ServerResponse::error(pruned.error());
  Json answer = Json::object();
  answer.set("pruned", *pruned).set("remaining", engine_.registry().count());
  if (retention.max_age) answer.set("keep_days", retention.max_age->count());
  if (retention.keep) answer.set("keep", *retention.keep);
  return ServerResponse::json(answer);
}

ServerResponse OperationsApi::list_operations(const ServerRequest& request) const {
  OperationFilter filter;
  if (auto status = request.query.find("status"); status != request.query.end()) {
    filter.state = operation_state_from_string(status->second);
    if (!filter.state) {
      return ServerResponse::error(Error::invalid_argument(
          "status must be pending, running, completed, failed or cancelled, got \"" +
              status->second + "\"",
          {{"field", "status"}, {"value", status->second}}));
    }
  }
  if (auto kind = request.query.find("kind"); kind != request.query.end()) {
    filter.kind = kind->second;
  }
  auto limit = query_number(request, "limit", kDefaultPageSize, kMaxPageSize);
  if (!limit.ok()) return ServerResponse::error(limit.error());
  auto offset = query_number(request, "offset", 0, SIZE_MAX);
  if (!offset.ok()) return ServerResponse::error(offset.error());
  filter.limit = *limit;
  filter.offset = *offset;
  Json operations = Json::array();
  for (const OperationRecord& record : engine_.registry().list(filter)) {
    operations.push_back(record.to_json());
  }
  Json body = Json::object();
  body.set("operations", operations)
      .set("total", engine_.registry().count(filter))
      .set("limit", filter.limit)
      .set("offset", filter.offset);
  return ServerResponse::json(body);
}

ServerResponse OperationsApi::get_operation(const ServerRequest& request) const {
  const std::string& id = request.params.at("id");
  auto record = engine_.registry().get(id);
  if (!record) return operation_not_found(id);
  return ServerResponse::json(record->to_json());
}

ServerResponse OperationsApi::cancel_operation(const ServerRequest& request) {
  const std::string& id = request.params.at("id");
  auto cancelled = engine_.registry().request_cancel(id, CancelReason::kUser, "cancelled via the API");
  if (!cancelled.ok()) return ServerResponse::error(cancelled.error());
  return ServerResponse::json(engine_.registry().get(id)->to_json());
}

void OperationsApi::stream_events(const ServerRequest& request, StreamWriter& writer) const {
  const std::string& id = request.params.at("id");
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<OperationRecord> queue;
  // Subscribe before reading the current record, so no change falls between the two.
  auto subscription = engine_.registry().subscribe([&](const OperationRecord& record) {
    if (record.id != id) return;
    std::lock_guard lock(mutex);
    queue.push_back(record);
    changed.notify_all();
  });
  auto current = engine_.registry().get(id);
  if (!current) {
    Json error = Json::object();
    error.set("error", Error::not_found("operation " + id + " not found", {{"id", id}}).to_json());
    writer.write_line(error.dump());
    return;
  }
  const CancellationToken closed = writer.closed();
  auto wake = closed.on_cancel([&] {
    std::lock_guard lock(mutex);
    changed.notify_all();
  });
  std::uint64_t sent_version = current->version;
  if (!writer.write_line(current->to_json().dump()) || is_terminal(current->state)) return;
  for (;;) {
    std::unique_lock lock(mutex);
    changed.wait(lock, [&] { return !queue.empty() || closed.is_cancelled(); });
    if (closed.is_cancelled()) return;
    OperationRecord record = std::move(queue.front());
    queue.pop_front();
    lock.unlock();
    if (record.version <= sent_version) continue;
    sent_version = record.version;
    if (!writer.write_line(record.to_json().dump()) || is_terminal(record.state)) return;
  }
}

ServerResponse OperationsApi::health(const HostService& server,
                                     const ServerRequest& request) const {
  Json body = Json::object();
  bool ok = true;
  Json plugins = Json::array();
  for (const PluginEntry& entry : engine_.plugins().plugins()) {
    if (entry.status == PluginStatus::kLoaded) plugins.push_back(entry.to_json());
  }
  Json operations = Json::object();
  const auto count = [&](OperationState state) {
    return engine_.registry().count({.state = state});
  };
  operations.set("running", count(OperationState::kRunning))
      .set("pending", count(OperationState::kPending))
      .set("total", engine_.registry().count());
  Json dependencies = Json::object();
  std::vector<HealthCheck> checks = health_checks_;
  for (HealthCheck& check : engine_.plugins().health_checks()) checks.push_back(std::move(check));
  for (const HealthCheck& check : checks) {
    Json result = check.check();
    ok = ok && result.get_bool("ok").value_or(false);
    dependencies.set(check.name, result);
  }
  body.set("status", ok ? "ok" : "degraded").set("version", KTRDR_SDK_VERSION);
  if (!request.authenticated) {
    // Strangers learn whether the server is well, not where its files are or what it runs.
    return ServerResponse::json(body, ok ? 200 : 503);
  }
  body.set("plugins", plugins)
      .set("operations", operations)
      .set("requests_active", server.active_requests())
      .set("dependencies", dependencies);
  return ServerResponse::json(body, ok ? 200 : 503);
}

}  // namespace ktrdr::engine
