// The data plugin's two exports: its descriptor (read by the engine before loading) and its
// register function — job kinds data.load, data.validate and data.check, the renderer, the
// IbDataAdapter switch, and the IB host service's routes and health check for `ktrdr serve --plugin
// data`.
#include <memory>

#include "data_manager.hpp"
#include "data_validation.hpp"
#include "ktrdr/sdk/plugin_api.hpp"
#include "load_request.hpp"
#include "provider_check.hpp"

KTRDR_PLUGIN_DESCRIPTOR("data", KTRDR_DATA_PLUGIN_VERSION, "data.load,data.validate,data.check");

extern "C" KTRDR_PLUGIN_EXPORT void ktrdr_plugin_register(ktrdr::PluginRegistrar& registrar) {
  using namespace ktrdr::data;
  auto config = DataConfig::load();
  if (!config) throw ktrdr::ErrorException(std::move(config).error());
  auto manager = std::make_shared<DataManager>(registrar.host(), std::move(config).value());
  ktrdr::register_domain<DataManager>(
      registrar, manager,
      {.name = "IbDataAdapter",
       .description = "fetches from an in-process provider, or from the IB host service "
                      "(`ktrdr serve --plugin data`)"},
      {{.kind = kLoadKind,
        .description = "Load bars into the store (local, tail, backfill, full)",
        .schema = LoadRequest::schema(manager->config()),
        .start = &DataManager::start_load},
       {.kind = kValidateKind,
        .description = "Check (and optionally repair) stored series",
        .schema = DataValidation::schema(manager->config()),
        .start = &DataManager::start_validate},
       {.kind = kCheckKind,
        .description = "Check a provider: its connection, a symbol's contract and head timestamp",
        .schema = ProviderCheck::schema(manager->config()),
        .start = &DataManager::start_check}});
  for (auto& route : manager->host_service().routes()) registrar.add_route(std::move(route));
  registrar.add_health_check(
      {.name = "ib_provider", .check = [manager] { return manager->host_service().health(); }});
}
