// ktrdr::testing::PluginHarness: runs a plugin's job kinds in-process, without the engine, for the
// plugin's own tests, and records what each run did: the final OperationRecord, every progress
// state in order with its rendered message, and the result summary. Header-only; it needs no test
// framework. run() may be called from several threads once registration is done.
//
// The plugin's sources are compiled into the test, which calls its real register function:
//
//   #include <catch2/catch.hpp>
//   #include "ktrdr/sdk/testing.hpp"
//
//   // The plugin's two exports (src/template_plugin.cpp, compiled into this test).
//   extern "C" const KtrdrPluginDescriptor ktrdr_plugin_descriptor;
//   extern "C" void ktrdr_plugin_register(ktrdr::PluginRegistrar& registrar);
//
//   TEST_CASE("an average over 1,000 points completes with every progress step") {
//     ktrdr::testing::PluginHarness harness;
//     REQUIRE(harness.load(ktrdr_plugin_register, &ktrdr_plugin_descriptor).ok());
//     ktrdr::Json params = ktrdr::Json::object();
//     params.set("points", 1000);
//
//     auto run = harness.run("template.moving_average", params);
//     REQUIRE(run.ok());  // else run.error(): bad params, a start error, or the wait limit
//     CHECK(run->state() == ktrdr::OperationState::kCompleted);
//     CHECK(run->record.result.get_int("averages") == 981);
//     CHECK(run->progress.back().percentage == 100.0);
//     CHECK(run->messages().back() ==
//           "Averaging 1,000 points over a 20-point window · 980/980 points");
//
//     ktrdr::testing::RunOptions stop;
//     stop.cancel_after_progress = 1;  // cancel at the first progress event
//     auto cancelled = harness.run("template.moving_average", params, stop);
//     REQUIRE(cancelled.ok());
//     CHECK(cancelled->state() == ktrdr::OperationState::kCancelled);
//   }
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/error.hpp"
#include "ktrdr/sdk/executor.hpp"
#include "ktrdr/sdk/host_service_routing.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/operation.hpp"
#include "ktrdr/sdk/operations_registry.hpp"
#include "ktrdr/sdk/plugin_api.hpp"
#include "ktrdr/sdk/progress.hpp"
#include "ktrdr/sdk/progress_renderer.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/service_orchestrator.hpp"

namespace ktrdr::testing {

// How one run goes: the job's name, routing, deadline and parent as a job file would set them;
// when the harness cancels it; how long run() waits for it.
struct RunOptions {
  // The job's name (OperationRequest::name). Empty: "run-<n>", unique within the harness. Runs
  // going on at the same time need different names (a run recognises its operation by name and
  // kind, as `ktrdr run` does).
  std::string name;
  // The job's routing. By default in-process whatever USE_<PREFIX>_HOST_SERVICE says, so a test
  // does not depend on its environment; `RoutingOverride{}` reads the environment as jobs do.
  RoutingOverride routing{.use_host_service = false, .url = std::nullopt};
  // The job's `timeout`: the operation is cancelled with reason kTimeout when it passes. None by
  // default.
  std::optional<std::chrono::milliseconds> job_timeout;
  // Cancelling it cancels the operation (reason kParent), as Ctrl-C does to a `ktrdr run`.
  CancellationToken parent;

  // The harness requests the operation's cancel (OperationRegistry::request_cancel with
  // `cancel_reason`) at the N-th progress event (1-based), or at the first for which
  // `cancel_when` holds, whichever comes first. The request is made inside that event's
  // notification, on the thread that emitted it, before that thread goes on: a body that checks
  // its token after reporting progress stops there. `cancel_when` must be quick; if it throws,
  // run() returns an internal error once the operation has ended.
  std::optional<std::size_t> cancel_after_progress;
  std::function<bool(const ProgressState&)> cancel_when;
  CancelReason cancel_reason = CancelReason::kUser;

  // How long run() waits for the operation to end. When it passes, the harness requests the
  // operation's cancel (reason kTimeout) and run() returns a timeout error at once instead of
  // waiting on, so a kind that ignores cancellation cannot hang a test (~PluginHarness still
  // waits for it).
  std::chrono::milliseconds wait_limit{30'000};
};

// What a run did.
struct RunReport {
  // The operation's final record: state, result (the partial result of a cancelled or failed
  // run), error, warnings, cancel reason, and params as validated (defaults filled in).
  OperationRecord record;
  // Every progress state the operation emitted, in order (a re-emission of an unchanged state is
  // not a new one). Each carries the line the plugin's renderer wrote for it in `message`.
  // Emissions are throttled as in the engine: step changes and 100 % always appear, item updates
  // at most every 100 ms.
  std::vector<ProgressState> progress;
  // How many progress events had been seen when the harness requested the cancel; nullopt when
  // RunOptions did not make it cancel.
  std::optional<std::size_t> cancelled_after;
  // The renderer's summary of the result, as `ktrdr run` prints it at the end; empty when the
  // result is null.
  std::string summary;

  OperationState state() const { return record.state; }
  // The rendered progress lines, progress[i].message, in order.
  std::vector<std::string> messages() const {
    std::vector<std::string> lines;
    lines.reserve(progress.size());
    for (const ProgressState& state : progress) lines.push_back(state.message);
    return lines;
  }
};

// A PluginRegistrar that records what a plugin registers, with the registry and executor it lends
// the plugin, and runs the registered kinds. Objects the plugin registered are destroyed after the
// last operation has ended (the destructor drains the executor first), as in the engine.
class PluginHarness final : public PluginRegistrar {
 public:
  // `executor_threads` workers run the operations (at least one is started).
  explicit PluginHarness(std::size_t executor_threads = 2)
      : services_{&registry_, &executor_}, executor_(executor_threads) {}
  // Waits for every operation still queued or running: one that ignores cancellation and never
  // returns blocks here.
  ~PluginHarness() override = default;
  PluginHarness(const PluginHarness&) = delete;
  PluginHarness& operator=(const PluginHarness&) = delete;

  // Registers a plugin as the engine does: calls `register_fn` (the plugin's
  // ktrdr_plugin_register, or any function calling register_domain) with this harness, catching
  // what it throws, then check_registration(descriptor). Call once, before run().
  Result<void> load(const std::function<void(PluginRegistrar&)>& register_fn,
                    const KtrdrPluginDescriptor* descriptor = nullptr) {
    try {
      register_fn(*this);
    } catch (const std::exception& e) {
      problems_.push_back(std::string("threw during registration: ") + e.what());
    } catch (...) {
      problems_.push_back("threw during registration: unknown exception");
    }
    return check_registration(descriptor);
  }

  // Whether the engine would accept what was registered: every kind has a start function and is
  // registered once, routes and health checks are complete, nothing threw; given the plugin's
  // descriptor, also that it declares kinds, all in its namespace (`<name>.<kind>`), and that the
  // kinds declared are exactly the kinds registered. plugin_refused listing every problem.
  Result<void> check_registration(const KtrdrPluginDescriptor* descriptor = nullptr) const {
    std::vector<std::string> problems = problems_;
    std::string plugin;
    if (descriptor != nullptr) {
      plugin = fixed_string(descriptor->name, sizeof descriptor->name);
      const std::vector<std::string> declared = descriptor_kinds(*descriptor);
      if (declared.empty()) problems.push_back("declares no job kinds");
      for (const std::string& kind : declared) {
        if (auto outside = kind_outside_namespace(plugin, kind)) problems.push_back(*outside);
        if (!kinds_.contains(kind)) {
          problems.push_back("declares job kind '" + kind + "' but does not register it");
        }
      }
      for (const auto& registered : kinds_) {
        if (std::find(declared.begin(), declared.end(), registered.first) == declared.end()) {
          problems.push_back(undeclared_kind_problem(registered.first));
        }
      }
    }
    if (problems.empty()) return {};
    std::string message =
        "plugin" + (plugin.empty() ? std::string() : " '" + plugin + "'") + " would be refused: ";
    for (std::size_t i = 0; i < problems.size(); ++i) {
      message += (i == 0 ? "" : "; ") + problems[i];
    }
    return Error::plugin_refused(std::move(message), {{"plugin", plugin}});
  }

  // Fills in the kind's defaults and returns every problem its schema finds in `params`, as the
  // engine does before a job starts (empty: valid); one not_found error for an unknown kind.
  std::vector<Error> validate(std::string_view kind, Json& params) const {
    const JobKindSpec* spec = find_kind(kind);
    if (spec == nullptr) return {unknown_kind(kind)};
    return spec->schema.validate(params);
  }

  // Runs `kind` as `ktrdr run` runs a job of it and reports what the operation did. Before
  // anything starts, the params are validated (defaults filled in; every problem in one
  // invalid_argument error whose context has each problem's "field"); then the kind's start
  // function runs (its error, or what it throws, is returned), and run() blocks until the
  // operation ends, or returns a timeout error (context "id", "state") after
  // options.wait_limit. A failed or cancelled operation is a report, not an error.
  Result<RunReport> run(std::string_view kind, Json params = Json::object(),
                        const RunOptions& options = {}) {
    const JobKindSpec* spec = find_kind(kind);
    if (spec == nullptr) return unknown_kind(kind);
    if (std::vector<Error> problems = spec->schema.validate(params); !problems.empty()) {
      return all_of(std::move(problems));
    }
    const std::string name = options.name.empty() ? "run-" + std::to_string(++runs_) : options.name;
    RunWatch watch(registry_, spec->kind, name, options);
    // Subscribed before the operation exists, so that no change is missed.
    OperationRegistry::Subscription subscription =
        registry_.subscribe([&watch](const OperationRecord& record) { watch.observe(record); });
    Result<std::string> id =
        start(*spec, OperationRequest{spec->kind, name, std::move(params), options.routing,
                                      options.parent, options.job_timeout});
    if (!id) return std::move(id).error();

    CancellationSource limit;
    limit.cancel_after(options.wait_limit);
    std::optional<OperationRecord> record = registry_.wait_terminal(*id, limit.token());
    if (!record) {
      return Error::not_found("the start function of " + spec->kind + " returned id " + *id +
                                  ", which is not in the registry",
                              {{"kind", spec->kind}, {"id", *id}});
    }
    if (!is_terminal(record->state)) {
      // Cannot conflict: the operation had not ended a moment ago, and if it has since, there is
      // nothing left to cancel.
      static_cast<void>(registry_.request_cancel(*id, CancelReason::kTimeout,
                                                 "the test harness stopped waiting"));
      return Error::timeout(
          spec->kind + " operation " + *id + " did not end within " +
              std::to_string(options.wait_limit.count()) + " ms (still " +
              std::string(to_string(record->state)) + ")",
          {{"kind", spec->kind}, {"id", *id}, {"state", std::string(to_string(record->state))}});
    }
    // Progress precedes the terminal change, and listeners see changes in order: every event of
    // this run has been observed.
    subscription = {};
    return watch.report(std::move(*record), renderer());
  }

  // --- PluginRegistrar: what the plugin's register function calls ---

  HostServices host() const override { return services_; }
  void add_job_kind(JobKindSpec spec) override {
    if (!spec.start) {
      problems_.push_back("job kind '" + spec.kind + "' has no start function");
      return;
    }
    if (kinds_.contains(spec.kind)) {
      problems_.push_back("registers job kind '" + spec.kind + "' twice");
      return;
    }
    std::string kind = spec.kind;
    kinds_.emplace(std::move(kind), std::move(spec));
  }
  void set_renderer(std::shared_ptr<const ProgressRenderer> renderer) override {
    if (renderer) renderer_ = std::move(renderer);
  }
  void add_adapter(AdapterSpec spec) override { adapters_.push_back(std::move(spec)); }
  void add_route(RouteSpec spec) override {
    if (!spec.handler || !spec.pattern.starts_with('/')) {
      problems_.push_back("route '" + spec.pattern +
                          "' needs a pattern starting with / and a handler");
      return;
    }
    routes_.push_back(std::move(spec));
  }
  void add_health_check(HealthCheck check) override {
    if (!check.check) {
      problems_.push_back("health check '" + check.name + "' has no function");
      return;
    }
    health_checks_.push_back(std::move(check));
  }
  void keep(std::shared_ptr<void> object) override { kept_.push_back(std::move(object)); }

  // --- what the plugin registered ---

  // The kind's registration, or null.
  const JobKindSpec* find_kind(std::string_view kind) const {
    const auto it = kinds_.find(kind);
    return it == kinds_.end() ? nullptr : &it->second;
  }
  // The kinds registered, sorted.
  std::vector<std::string> kinds() const {
    std::vector<std::string> names;
    for (const auto& registered : kinds_) names.push_back(registered.first);
    return names;
  }
  // The plugin's renderer; DefaultProgressRenderer when it set none, as in the engine.
  const ProgressRenderer& renderer() const { return *renderer_; }
  const std::vector<AdapterSpec>& adapters() const { return adapters_; }
  // Call a route's handler, or a health check, directly to test it.
  const std::vector<RouteSpec>& routes() const { return routes_; }
  const std::vector<HealthCheck>& health_checks() const { return health_checks_; }
  // Where the plugin's operations are recorded (they stay after their run).
  OperationRegistry& registry() { return registry_; }

 private:
  // Follows one run's operation through the registry's notifications: collects its progress
  // events and requests its cancel when RunOptions say so. Thread-safe.
  class RunWatch {
   public:
    RunWatch(OperationRegistry& registry, std::string kind, std::string name,
             const RunOptions& options)
        : registry_(registry), kind_(std::move(kind)), name_(std::move(name)), options_(options) {}

    // The registry's listener: called after every change of any operation, one at a time.
    void observe(const OperationRecord& record) {
      std::string cancel;
      std::size_t event = 0;
      {
        std::lock_guard lock(mutex_);
        if (!is_later_change(record) || record.progress.updated_at == last_update_) return;
        last_update_ = record.progress.updated_at;
        progress_.push_back(record.progress);
        if (cancelled_after_ || error_ || !should_cancel(record.progress)) return;
        event = progress_.size();
        cancelled_after_ = event;
        cancel = id_;
      }
      // Cannot conflict: a progress change is refused once the operation has ended, and this
      // listener runs before any later change.
      static_cast<void>(registry_.request_cancel(
          cancel, options_.cancel_reason,
          "cancelled by the test harness at progress event " + std::to_string(event)));
    }

    // The report of the run that ended as `record`; an error when cancel_when threw.
    Result<RunReport> report(OperationRecord record, const ProgressRenderer& renderer) {
      std::lock_guard lock(mutex_);
      if (error_) return *error_;
      RunReport report;
      report.summary = record.result.is_null() ? "" : renderer.render_result(record.result);
      report.record = std::move(record);
      report.progress = std::move(progress_);
      report.cancelled_after = cancelled_after_;
      return report;
    }

   private:
    // Whether `record` is a change of the run's operation after its creation. The operation is
    // the first of the run's kind and name seen pending: that change is its creation, whose
    // progress is the initial state, not an event.
    bool is_later_change(const OperationRecord& record) {
      if (!id_.empty()) return record.id == id_;
      if (record.kind == kind_ && record.name == name_ &&
          record.state == OperationState::kPending) {
        id_ = record.id;
        last_update_ = record.progress.updated_at;
      }
      return false;
    }

    bool should_cancel(const ProgressState& state) {
      if (options_.cancel_after_progress && progress_.size() >= *options_.cancel_after_progress) {
        return true;
      }
      if (!options_.cancel_when) return false;
      try {
        return options_.cancel_when(state);
      } catch (const std::exception& e) {
        error_ = Error::internal(std::string("RunOptions::cancel_when threw: ") + e.what());
      } catch (...) {
        error_ = Error::internal("RunOptions::cancel_when threw an unknown exception");
      }
      return false;
    }

    OperationRegistry& registry_;
    const std::string kind_;
    const std::string name_;
    const RunOptions& options_;
    std::mutex mutex_;  // guards everything below
    std::string id_;
    SystemTime last_update_{};  // updated_at of the last progress event
    std::vector<ProgressState> progress_;
    std::optional<std::size_t> cancelled_after_;
    std::optional<Error> error_;
  };

  static Error unknown_kind(std::string_view kind) {
    return Error::not_found("job kind '" + std::string(kind) + "' is not registered",
                            {{"kind", std::string(kind)}});
  }

  // The schema's problems as one error: the only one as it is, or all messages joined, with
  // every problem's context.
  static Error all_of(std::vector<Error> problems) {
    if (problems.size() == 1) return std::move(problems.front());
    Error error = Error::invalid_argument(std::to_string(problems.size()) + " problems: ");
    for (std::size_t i = 0; i < problems.size(); ++i) {
      error.message += (i == 0 ? "" : "; ") + problems[i].message;
      error.context.insert(error.context.end(), problems[i].context.begin(),
                           problems[i].context.end());
    }
    return error;
  }

  // Calls the kind's start function as `ktrdr run` does: what it throws becomes its error.
  static Result<std::string> start(const JobKindSpec& spec, const OperationRequest& request) {
    try {
      return spec.start(request);
    } catch (const ErrorException& e) {
      return e.error();
    } catch (const std::exception& e) {
      return Error::internal("job kind '" + spec.kind + "' failed to start: " + e.what(),
                             {{"kind", spec.kind}});
    }
  }

  // A descriptor field: NUL-terminated unless it fills its array.
  static std::string fixed_string(const char* text, std::size_t size) {
    const std::string_view field(text, size);
    return std::string(field.substr(0, field.find('\0')));
  }

  // Destroyed bottom up: the executor first, draining operations while all they use exists; then
  // the plugin's objects, in the order the engine drops them; the registry last.
  OperationRegistry registry_;
  std::vector<std::shared_ptr<void>> kept_;
  std::shared_ptr<const ProgressRenderer> renderer_ = std::make_shared<DefaultProgressRenderer>();
  std::vector<AdapterSpec> adapters_;
  std::vector<RouteSpec> routes_;
  std::vector<HealthCheck> health_checks_;
  std::map<std::string, JobKindSpec, std::less<>> kinds_;
  std::vector<std::string> problems_;
  std::atomic<std::uint64_t> runs_{0};
  HostServices services_;  // registry_ and executor_, lent to the plugin
  ThreadPoolExecutor executor_;
};

}  // namespace ktrdr::testing
