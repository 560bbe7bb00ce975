#include <cstdlib>
#include <iostream>
#include <set>

#include "commands.hpp"
#include "engine.hpp"
#include "job_runner.hpp"
#include "ktrdr/sdk/host_service.hpp"
#include "operation_store.hpp"
#include "operations_api.hpp"
#include "signal_watcher.hpp"

namespace ktrdr::engine {
namespace {

// How long a stopping server lets requests and cancelled operations finish.
constexpr std::chrono::seconds kShutdownGrace{5};

}  // namespace

int serve_command(const GlobalOptions& global, const ServeOptions& options) {
  CancellationSource shutdown;
  SignalWatcher signals(shutdown, [](std::string_view what) {
    std::cerr << "ktrdr serve: " << what << std::endl;
  });

  Engine engine(PluginHost::default_search_path(global.plugin_dirs), global.threads);
  // After the engine, so that it stops following the registry before the registry goes.
  const auto db_path = options.db.empty() ? OperationStore::default_path() : options.db;
  auto store = OperationStore::open(db_path);
  if (!store.ok()) {
    std::cerr << "ktrdr serve: error: " << store.error().message << "\n";
    return kExitBadInput;
  }
  if (options.plugins.empty()) {
    engine.plugins().load_all();
  } else {
    const auto missing = engine.plugins().load_named({options.plugins.begin(), options.plugins.end()});
    for (const std::string& name : missing) {
      std::cerr << "ktrdr serve: error: no plugin named '" << name << "' on the search path\n";
    }
    if (!missing.empty()) return kExitBadInput;
  }
  for (const PluginEntry& entry : engine.plugins().plugins()) {
    if (entry.status == PluginStatus::kRefused) {
      std::cerr << "ktrdr serve: warning: plugin '" << entry.name << "' (" << entry.path.string()
                << ") refused: " << entry.refusal << "\n";
    }
  }
  auto restored = (*store)->restore_into(engine.registry());
  if (!restored.ok()) {
    std::cerr << "ktrdr serve: error: " << restored.error().message << "\n";
    return kExitBadInput;
  }
  (*store)->follow(engine.registry());

  HostServiceOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  if (const char* token = std::getenv("KTRDR_API_TOKEN")) server_options.bearer_token = token;
  HostService server(server_options);
  {
    OperationsApi api(engine, shutdown.token());
    const std::filesystem::path store_path = (*store)->path();
    api.add_health_check({"operations_db", [store_path] {
                            Json check = Json::object();
                            std::error_code ec;
                            check.set("ok", std::filesystem::exists(store_path, ec))
                                .set("path", store_path.string());
                            return check;
                          }});
    api.mount(server);
    if (auto started = server.start(); !started.ok()) {
      std::cerr << "ktrdr serve: error: " << started.error().message << "\n";
      return kExitBadInput;
    }
    std::string plugins;
    for (const PluginEntry& entry : engine.plugins().plugins()) {
      if (entry.status == PluginStatus::kLoaded) plugins += (plugins.empty() ? "" : ", ") + entry.name;
    }
    std::cout << "ktrdr serve: listening on " << server.url() << " (plugins: "
              << (plugins.empty() ? "none" : plugins) << "; " << *restored
              << " operations restored from " << db_path.string() << ")" << std::endl;

    // Serve until SIGINT/SIGTERM; then cancel what runs, let it stop, and close.
    while (!shutdown.token().wait_for(std::chrono::hours(24))) {
    }
    std::cout << "ktrdr serve: stopping" << std::endl;
    engine.cancel_running(CancelReason::kShutdown, "the server is stopping");
    CancellationSource grace;  // one deadline for all of them
    grace.cancel_after(kShutdownGrace);
    for (const OperationRecord& record : engine.registry().list({.limit = SIZE_MAX})) {
      (void)engine.registry().wait_terminal(record.id, grace.token());
    }
    server.stop(kShutdownGrace);
  }
  (*store)->flush();
  return kExitOk;
}

}  // namespace ktrdr::engine
