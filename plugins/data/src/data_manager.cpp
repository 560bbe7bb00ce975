#include "data_manager.hpp"

#include "data_load.hpp"
#include "data_progress_renderer.hpp"
#include "data_validation.hpp"
#include "host_bar_provider.hpp"
#include "provider_check.hpp"

namespace ktrdr::data {
namespace {

std::unique_ptr<IbHostService> make_host_service(const DataConfig& config) {
  auto provider = config.make_provider(config.provider);
  if (!provider) throw ErrorException(std::move(provider).error());
  return std::make_unique<IbHostService>(std::move(provider).value(), config.make_clock());
}

}  // namespace

DataManager::DataManager(HostServices services, DataConfig config, EnvLookup env)
    : ServiceOrchestrator(services, "IB", kDefaultIbHostServiceUrl,
                          std::make_shared<DataProgressRenderer>(), env),
      config_(std::move(config)),
      env_(env ? std::move(env) : process_env()),
      host_service_(make_host_service(config_)) {
  route_inside_body();
}

Result<std::shared_ptr<IbDataAdapter>> DataManager::adapter(const RoutingDecision& routing,
                                                           const std::string& provider) {
  const bool host = routing.mode == RoutingMode::kHostService;
  const std::string key = host ? "host " + routing.url : "local " + provider;
  std::lock_guard lock(mutex_);
  if (auto it = adapters_.find(key); it != adapters_.end()) return it->second;
  std::shared_ptr<BarProvider> source;
  if (host) {
    AdapterOptions options = HostBarProvider::default_options();
    options.bearer_token = env_("KTRDR_API_TOKEN").value_or("");
    auto client = HostBarProvider::create(routing.url, std::move(options));
    if (!client) return std::move(client).error();
    source = std::move(client).value();
  } else {
    auto made = config_.make_provider(provider);
    if (!made) return std::move(made).error();
    source = std::move(made).value();
  }
  auto made = std::make_shared<IbDataAdapter>(std::move(source), host ? "host_service" : "local",
                                              config_.make_clock());
  adapters_.emplace(key, made);
  return made;
}

Result<std::string> DataManager::start_load(const OperationRequest& request) {
  auto load = LoadRequest::from_params(request.params, std::chrono::floor<std::chrono::seconds>(
                                                           std::chrono::system_clock::now()));
  if (!load) return std::move(load).error();
  std::shared_ptr<IbDataAdapter> source;
  if (load->mode != LoadMode::kLocal) {
    auto route = routing(request.routing);
    if (!route) return std::move(route).error();
    auto made = adapter(*route, load->provider);
    if (!made) return std::move(made).error();
    source = std::move(made).value();
  }
  auto body = [run = std::make_shared<DataLoad>(std::move(load).value(), std::move(source))](
                  OperationContext& context) { return run->run(context); };
  return start_managed_operation(request, std::move(body));
}

Result<std::string> DataManager::start_validate(const OperationRequest& request) {
  return start_managed_operation(request, &DataValidation::run);
}

Result<std::string> DataManager::start_check(const OperationRequest& request) {
  return start_managed_operation(
      request, [this](OperationContext& context) { return ProviderCheck::run(context, config_); });
}

}  // namespace ktrdr::data
