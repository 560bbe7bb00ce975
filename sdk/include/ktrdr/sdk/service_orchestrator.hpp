// ServiceOrchestrator: the base of every domain manager (DataManager, TrainingManager, …). It
// runs work with progress and cancellation, starts managed operations on the engine's executor
// (registered, rendered, mapped to completed/failed/cancelled), and decides local vs host-service
// routing from the environment. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/executor.hpp"
#include "ktrdr/sdk/host_service_client.hpp"
#include "ktrdr/sdk/host_service_routing.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/operations_registry.hpp"
#include "ktrdr/sdk/param_schema.hpp"
#include "ktrdr/sdk/progress.hpp"
#include "ktrdr/sdk/progress_renderer.hpp"

namespace ktrdr {

// What the engine lends a domain: the registry operations are recorded in and the executor they
// run on. Both outlive every plugin.
struct HostServices {
  OperationRegistry* registry = nullptr;
  Executor* executor = nullptr;
  // For params that arrive over HTTP in a plugin's own routes: where a path param points, or why
  // it may not (a server confines paths to its roots). Null: take them as given.
  ParamSchema::PathResolver resolve_path;
};

// A request to run one job kind.
struct OperationRequest {
  std::string kind;
  std::string name;               // the job's name, for people
  Json params = Json::object();   // already validated against the kind's schema
  RoutingOverride routing;        // the job's own routing choice
  CancellationToken parent;       // cancelling it cancels the operation (reason kParent)
  std::optional<std::chrono::milliseconds> timeout;  // cancels with reason kTimeout
};

// What an operation's body sees while it runs. Not copyable; lives for the body's call.
class OperationContext {
 public:
  OperationContext(std::string id, const Json& params, RoutingDecision routing,
                   CancellationToken token, ProgressReporter& reporter, OperationRegistry& registry);

  const std::string& id() const { return id_; }
  const Json& params() const { return params_; }
  const RoutingDecision& routing() const { return routing_; }
  const CancellationToken& token() const { return token_; }
  ProgressReporter& reporter() { return reporter_; }
  ProgressStep progress() { return reporter_.root(); }

  void add_warning(std::string warning);
  // Adds a field to the operation's routing record (e.g. the remote operation's id).
  void set_routing_detail(std::string_view key, std::string_view value);
  // Kept as the operation's result if it ends cancelled or failed. Thread-safe.
  void set_partial_result(Json partial);
  Json partial_result() const;
  // The operation's effect is now published (a model saved and linked, a file replaced): a
  // cancel arriving from here on is too late, and a body that returns ends completed, so the
  // state never says cancelled about work that was kept. Thread-safe.
  void commit() noexcept { committed_.store(true, std::memory_order_release); }
  bool committed() const noexcept { return committed_.load(std::memory_order_acquire); }

 private:
  std::string id_;
  const Json& params_;
  RoutingDecision routing_;
  CancellationToken token_;
  ProgressReporter& reporter_;
  OperationRegistry& registry_;
  mutable std::mutex mutex_;
  Json partial_;
  Json routing_record_;  // routing_.to_json() plus set_routing_detail()s
  std::atomic<bool> committed_{false};
};

// The body of a managed operation: returns the result, or throws ErrorException (→ failed),
// CancelledError (→ cancelled) or anything else (→ failed, internal).
using OperationBody = std::function<Json(OperationContext&)>;

class ServiceOrchestrator {
 public:
  // `env_prefix` names the routing variables (USE_<PREFIX>_HOST_SERVICE); `default_url` is used
  // when host mode is on and no URL is set; `env` reads them (injectable for tests). A null
  // `renderer` means DefaultProgressRenderer. The orchestrator must outlive the operations it
  // starts (the engine drains its executor before it unloads a plugin).
  ServiceOrchestrator(HostServices services, std::string env_prefix, std::string default_url,
                      std::shared_ptr<const ProgressRenderer> renderer,
                      EnvLookup env = process_env());
  virtual ~ServiceOrchestrator() = default;
  ServiceOrchestrator(const ServiceOrchestrator&) = delete;
  ServiceOrchestrator& operator=(const ServiceOrchestrator&) = delete;

  // Runs `body(ProgressStep)` on this thread; each throttled update is rendered by this domain's
  // renderer (state.message) and passed to `on_progress`. Returns what body returns.
  template <class F>
  auto execute_with_progress(F&& body, ProgressCallback on_progress, ProgressOptions options = {})
      -> std::invoke_result_t<F, ProgressStep> {
    ProgressReporter reporter(rendering(std::move(on_progress)), options);
    return std::forward<F>(body)(reporter.root());
  }

  // Runs `body(token)` on this thread; throws CancelledError when `token` is cancelled before
  // it starts or by the time it returns.
  template <class F>
  auto execute_with_cancellation(F&& body, const CancellationToken& token)
      -> std::invoke_result_t<F, const CancellationToken&> {
    token.throw_if_cancelled(env_prefix_ + " operation start");
    if constexpr (std::is_void_v<std::invoke_result_t<F, const CancellationToken&>>) {
      std::forward<F>(body)(token);
      token.throw_if_cancelled(env_prefix_ + " operation end");
    } else {
      auto result = std::forward<F>(body)(token);
      token.throw_if_cancelled(env_prefix_ + " operation end");
      return result;
    }
  }

  // Registers an operation, runs `body` on the executor and returns its id at once. Routing is
  // decided first (an invalid routing setting is returned as an error and nothing is registered).
  // When the route is a host service, the operation runs there instead of `body`
  // (run_on_host_service): same progress context, same renderer, cancelled there on cancel —
  // unless the domain routes its own calls (routes_inside_body()).
  // The operation ends completed with the body's result; cancelled when its token is cancelled
  // (the body's result, or else its partial result, is kept) or the body throws CancelledError
  // (or an ErrorException with code kCancelled after cancellation); failed with the error of an
  // ErrorException, or an internal error naming the kind for any other exception.
  Result<std::string> start_managed_operation(const OperationRequest& request, OperationBody body);

  // The route this domain's work takes for `job_override` (environment otherwise).
  Result<RoutingDecision> routing(const RoutingOverride& job_override = {}) const;

  const ProgressRenderer& renderer() const { return *renderer_; }
  std::shared_ptr<const ProgressRenderer> renderer_ptr() const { return renderer_; }
  const std::string& env_prefix() const { return env_prefix_; }
  const std::string& default_url() const { return default_url_; }
  const HostServices& services() const { return services_; }

 protected:
  // Wraps `sink` so that every state it sees carries this domain's rendered message.
  ProgressCallback rendering(ProgressCallback sink) const;

  // For domains whose adapter routes each call (the data domain's IbDataAdapter fetches from the
  // IB host service while the load itself runs here): operations always run their body in this
  // process, which reads the decision from OperationContext::routing(). Call from the
  // constructor.
  void route_inside_body() noexcept { routes_inside_body_ = true; }

 private:
  void run_managed(const std::string& id, const std::string& kind, const Json& params,
                   const RoutingDecision& routing, const CancellationToken& token,
                   const OperationBody& body) const;

  // The client for the host service at `url`, made once and reused (its connections are pooled).
  Result<HostServiceClient*> host_client(const std::string& url) const;

  HostServices services_;
  std::string env_prefix_;
  std::string default_url_;
  std::shared_ptr<const ProgressRenderer> renderer_;
  EnvLookup env_;
  bool routes_inside_body_ = false;
  mutable std::mutex clients_mutex_;
  mutable std::map<std::string, std::unique_ptr<HostServiceClient>> clients_;  // by URL
};

}  // namespace ktrdr
