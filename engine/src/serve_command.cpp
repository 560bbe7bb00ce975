#include <boost/dll/runtime_symbol_info.hpp>
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
// How often the history retention (--keep-days, --keep) is applied while serving.
constexpr std::chrono::hours kPruneInterval{1};

// Who may use the server: the token from KTRDR_API_TOKEN, the origins, and the refusals of an
// empty token or of a server reachable from other machines with no token at all.
Result<HostServiceOptions> access_options(const ServeOptions& options) {
  HostServiceOptions server;
  server.host = options.host;
  server.port = options.port;
  server.allowed_origins = options.allowed_origins;
  if (const char* token = std::getenv("KTRDR_API_TOKEN")) {
    if (*token == '\0') {
      return Error::invalid_argument(
          "KTRDR_API_TOKEN is set but empty, which would leave the API unprotected: set a token "
          "or unset the variable",
          {{"field", "KTRDR_API_TOKEN"}});
    }
    server.bearer_token = token;
  }
  if (server.bearer_token.empty() && !options.insecure && !is_loopback_host(options.host)) {
    return Error::invalid_argument(
        "--host " + options.host +
            " makes the API reachable from other machines: set KTRDR_API_TOKEN (clients then "
            "send it as a bearer token), or pass --insecure to serve it unprotected",
        {{"field", "--host"}, {"value", options.host}});
  }
  return server;
}

}  // namespace

int serve_command(const GlobalOptions& global, const ServeOptions& options) {
  export_data_provider_options(options.data);
  auto server_options = access_options(options);
  if (!server_options.ok()) {
    std::cerr << "ktrdr serve: error: " << server_options.error().message << "\n";
    return kExitBadInput;
  }
  CancellationSource shutdown;
  SignalWatcher signals(shutdown, [](std::string_view what) {
    std::cerr << "ktrdr serve: " << what << std::endl;
  });

  auto paths = PathPolicy::confined_to(
      options.roots.empty() ? std::vector{std::filesystem::current_path()} : options.roots);
  if (!paths.ok()) {
    std::cerr << "ktrdr serve: error: " << paths.error().message << "\n";
    return kExitBadInput;
  }

  Engine engine(PluginHost::default_search_path(global.plugin_dirs), global.threads);
  engine.set_api_paths(std::move(paths).value());
  // After the engine, so that it stops following the registry before the registry goes.
  const auto db_path = options.db.empty() ? OperationStore::default_path() : options.db;
  auto store = OperationStore::open(db_path);
  if (!store.ok()) {
    std::cerr << "ktrdr serve: error: " << store.error().message << "\n";
    return kExitBadInput;
  }
  Retention retention;
  if (options.keep_days) retention.max_age = std::chrono::days(*options.keep_days);
  retention.keep = options.keep;
  // Deletes from the store, then from the registry (a no-op before the history is loaded).
  const auto prune = [&](const Retention& kept) -> Result<std::size_t> {
    auto pruned = (*store)->prune(kept);
    if (!pruned.ok()) return pruned.error();
    engine.registry().forget(*pruned);
    return pruned->size();
  };
  // Before the history is loaded, so that what goes is never loaded.
  if (retention.any()) {
    if (auto pruned = prune(retention); !pruned.ok()) {
      std::cerr << "ktrdr serve: warning: " << pruned.error().message << "\n";
    }
  }
  engine.plugins().probe_with(boost::dll::program_location());
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
  auto restored = (*store)->restore_into(engine.registry(), [](const std::string& warning) {
    std::cerr << "ktrdr serve: warning: " << warning << "\n";
  });
  if (!restored.ok()) {
    std::cerr << "ktrdr serve: error: " << restored.error().message << "\n";
    return kExitBadInput;
  }
  (*store)->follow(engine.registry());

  HostService server(*server_options);
  {
    OperationsApi api(engine, shutdown.token());
    OperationStore& journal = **store;
    api.set_journal({.commit = [&journal] { return journal.flush(); },
                     .failure = [&journal] { return journal.failure(); },
                     .prune = prune,
                     .retention = retention});
    api.add_health_check({"operations_db", [&journal] {
                            Json check = Json::object();
                            std::error_code ec;
                            const auto failure = journal.failure();
                            check.set("ok", !failure && std::filesystem::exists(journal.path(), ec))
                                .set("path", journal.path().string());
                            if (failure) check.set("error", failure->message);
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
    std::string roots;
    for (const auto& root : engine.api_paths().roots()) {
      roots += (roots.empty() ? "" : ", ") + root.string();
    }
    std::cout << "ktrdr serve: listening on " << server.url() << " (plugins: "
              << (plugins.empty() ? "none" : plugins) << "; " << *restored
              << " operations restored from " << db_path.string() << "; paths confined to "
              << roots << ")" << std::endl;

    // Serve until SIGINT/SIGTERM, applying the retention hourly; then cancel what runs, let it
    // stop, and close.
    while (!shutdown.token().wait_for(kPruneInterval)) {
      if (!retention.any()) continue;
      if (auto pruned = prune(retention); !pruned.ok()) {
        std::cerr << "ktrdr serve: warning: " << pruned.error().message << "\n";
      }
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
  if (auto flushed = (*store)->flush(); !flushed.ok()) {
    std::cerr << "ktrdr serve: warning: the last changes were not stored: "
              << flushed.error().message << "\n";
  }
  return kExitOk;
}

}  // namespace ktrdr::engine
