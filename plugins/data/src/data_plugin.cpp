// The data plugin's two exports: its descriptor (read by the engine before loading) and its
// register function — job kinds data.load and data.validate, the renderer, the IbDataAdapter
// switch, and the IB host service's routes and health check for `ktrdr serve --plugin data`.
#include <memory>

#include "data_manager.hpp"
#include "data_validation.hpp"
#include "ktrdr/sdk/plugin_api.hpp"
#include "load_request.hpp"

KTRDR_PLUGIN_DESCRIPTOR("data", KTRDR_DATA_PLUGIN_VERSION, "data.load,data.validate");

extern "C" KTRDR_PLUGIN_EXPORT void ktrdr_plugin_register(ktrdr::PluginRegistrar& registrar) {
  using namespace ktrdr::data;
  auto config = DataConfig::load();
  if (!config) throw ktrdr::ErrorException(std::move(config).error());
  auto manager = std::make_shared<DataManager>(registrar.host(), std::move(config).value());
  registrar.add_job_kind({.kind = kLoadKind,
                          .description = "Load bars into the store (local, tail, backfill, full)",
                          .schema = LoadRequest::schema(manager->config()),
                          .start = [m = manager.get()](const ktrdr::OperationRequest& r) {
                            return m->start_load(r);
                          }});
  registrar.add_job_kind({.kind = kValidateKind,
                          .description = "Check (and optionally repair) stored series",
                          .schema = DataValidation::schema(manager->config()),
                          .start = [m = manager.get()](const ktrdr::OperationRequest& r) {
                            return m->start_validate(r);
                          }});
  registrar.set_renderer(manager->renderer_ptr());
  registrar.add_adapter({.name = "IbDataAdapter",
                         .env_prefix = manager->env_prefix(),
                         .default_url = kDefaultIbHostServiceUrl,
                         .description = "fetches from an in-process provider, or from the IB "
                                        "host service (`ktrdr serve --plugin data`)"});
  for (auto& route : manager->host_service().routes()) registrar.add_route(std::move(route));
  registrar.add_health_check(
      {.name = "ib_provider", .check = [m = manager.get()] { return m->host_service().health(); }});
  registrar.keep(manager);
}
