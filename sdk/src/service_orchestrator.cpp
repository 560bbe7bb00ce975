// ServiceOrchestrator and OperationContext: managed operations on the engine's executor.
#include "ktrdr/sdk/service_orchestrator.hpp"

#include "ktrdr/sdk/remote_operation.hpp"

#include <exception>
#include <optional>

namespace ktrdr {

// --- OperationContext ---

OperationContext::OperationContext(std::string id, const Json& params, RoutingDecision routing,
                                   CancellationToken token, ProgressReporter& reporter,
                                   OperationRegistry& registry)
    : id_(std::move(id)),
      params_(params),
      routing_(std::move(routing)),
      token_(std::move(token)),
      reporter_(reporter),
      registry_(registry),
      routing_record_(routing_.to_json()) {}

void OperationContext::add_warning(std::string warning) {
  registry_.add_warning(id_, std::move(warning));
}

void OperationContext::set_routing_detail(std::string_view key, std::string_view value) {
  std::lock_guard lock(mutex_);
  routing_record_.set(key, value);
  registry_.set_routing(id_, routing_record_);
}

void OperationContext::set_partial_result(Json partial) {
  std::lock_guard lock(mutex_);
  partial_ = std::move(partial);
}

Json OperationContext::partial_result() const {
  std::lock_guard lock(mutex_);
  return partial_;
}

// --- ServiceOrchestrator ---

ServiceOrchestrator::ServiceOrchestrator(HostServices services, std::string env_prefix,
                                         std::string default_url,
                                         std::shared_ptr<const ProgressRenderer> renderer,
                                         EnvLookup env)
    : services_(services),
      env_prefix_(std::move(env_prefix)),
      default_url_(std::move(default_url)),
      renderer_(renderer ? std::move(renderer) : std::make_shared<DefaultProgressRenderer>()),
      env_(env ? std::move(env) : process_env()) {}

Result<RoutingDecision> ServiceOrchestrator::routing(const RoutingOverride& job_override) const {
  return resolve_routing(env_prefix_, default_url_, job_override, env_);
}

ProgressCallback ServiceOrchestrator::rendering(ProgressCallback sink) const {
  return [renderer = renderer_, sink = std::move(sink)](const ProgressState& state) {
    if (!sink) return;
    ProgressState rendered = state;
    rendered.message = renderer->render_message(state);
    sink(rendered);
  };
}

Result<HostServiceClient*> ServiceOrchestrator::host_client(const std::string& url) const {
  std::lock_guard lock(clients_mutex_);
  if (auto it = clients_.find(url); it != clients_.end()) return it->second.get();
  AdapterOptions options;
  options.service_name = env_prefix_ + " host service";
  options.bearer_token = env_("KTRDR_API_TOKEN").value_or("");
  auto client = HostServiceClient::create(url, std::move(options));
  if (!client) return std::move(client).error();
  return clients_.emplace(url, std::move(*client)).first->second.get();
}

Result<std::string> ServiceOrchestrator::start_managed_operation(const OperationRequest& request,
                                                                 OperationBody body) {
  if (!services_.registry || !services_.executor) {
    return Error::internal(env_prefix_ + " orchestrator has no operation registry or executor",
                           {{"kind", request.kind}});
  }
  auto decision = routing(request.routing);
  if (!decision) return std::move(decision).error();
  if (decision->mode == RoutingMode::kHostService && !routes_inside_body_) {
    auto client = host_client(decision->url);
    if (!client) return std::move(client).error();
    body = [client = *client, kind = request.kind, name = request.name](OperationContext& c) {
      return run_on_host_service(c, *client, kind, name);
    };
  }

  const auto source = CancellationSource::linked_to(request.parent);
  if (request.timeout) source.cancel_after(*request.timeout);
  std::string id = services_.registry->create(request.kind, request.name, request.params, source);
  services_.registry->set_routing(id, decision->to_json());
  // The task owns copies of all it needs: the request may be gone by the time it runs.
  services_.executor->post(
      [this, id, kind = request.kind, params = request.params,
       routing = std::move(decision).value(), token = source.token(),
       body = std::move(body)] { run_managed(id, kind, params, routing, token, body); });
  return id;
}

void ServiceOrchestrator::run_managed(const std::string& id, const std::string& kind,
                                      const Json& params, const RoutingDecision& routing,
                                      const CancellationToken& token,
                                      const OperationBody& body) const {
  OperationRegistry& registry = *services_.registry;
  if (token.is_cancelled()) {  // cancelled while queued: the body never starts
    registry.finish_cancelled(id);
    return;
  }
  if (!registry.mark_running(id)) return;  // not pending: someone else owns this record

  ProgressReporter reporter(rendering(
      [&registry, &id](const ProgressState& state) { registry.update_progress(id, state); }));
  OperationContext context(id, params, routing, token, reporter, registry);
  Json result;
  std::optional<Error> error;
  bool cancelled = false;
  try {
    result = body(context);
    cancelled = token.is_cancelled() && !context.committed();
  } catch (const CancelledError&) {
    cancelled = true;
  } catch (const ErrorException& e) {
    cancelled = token.is_cancelled() && e.error().code == ErrorCode::kCancelled;
    if (!cancelled) error = e.error();
  } catch (const std::exception& e) {
    error = Error::internal("unexpected error in " + kind + ": " + e.what(), {{"kind", kind}});
  } catch (...) {
    error = Error::internal("unexpected error in " + kind + ": unknown exception",
                            {{"kind", kind}});
  }
  // The record keeps the last progress, including what the throttle held back.
  if (!cancelled && !error) reporter.root().finish();
  reporter.flush();
  if (error) {
    registry.fail(id, std::move(*error), context.partial_result());
  } else if (cancelled) {
    registry.finish_cancelled(id, result.is_null() ? context.partial_result() : std::move(result));
  } else {
    registry.complete(id, std::move(result));
  }
}

}  // namespace ktrdr
