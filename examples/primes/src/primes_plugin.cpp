// The example plugin's two exports: its descriptor (read by the engine before loading) and its
// register function.
#include <memory>
#include <thread>

#include "ktrdr/sdk/plugin_api.hpp"
#include "primes_manager.hpp"
#include "primes_progress_renderer.hpp"

KTRDR_PLUGIN_DESCRIPTOR("example", KTRDR_EXAMPLE_VERSION, "example.primes");

extern "C" KTRDR_PLUGIN_EXPORT void ktrdr_plugin_register(ktrdr::PluginRegistrar& registrar) {
  auto manager = std::make_shared<example::PrimesManager>(registrar.host());
  ktrdr::register_domain<example::PrimesManager>(
      registrar, manager,
      {.name = "PrimesAdapter",
       .description = "counts in-process, or on `ktrdr serve --plugin example`"},
      {{.kind = example::kPrimesKind,
        .description = "Count the primes below a limit (segmented sieve)",
        .schema = example::PrimesManager::schema(),
        .start = &example::PrimesManager::start}});
  registrar.add_route({.method = ktrdr::HttpMethod::kGet,
                       .pattern = "/example/prime-count",
                       .handler = &example::PrimesManager::prime_count_route});
  registrar.add_health_check({.name = "sieve", .check = [] {
                                ktrdr::Json check = ktrdr::Json::object();
                                check.set("ok", true).set("hardware_threads",
                                                          std::thread::hardware_concurrency());
                                return check;
                              }});
}
