// Engine: the process-wide parts every command shares — the operations registry, the executor
// operations run on, and the plugin host — torn down in a safe order (executor first, so no
// plugin code is running when plugins unload). Not copyable.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <vector>

#include <string>

#include "job_file.hpp"
#include "ktrdr/sdk/executor.hpp"
#include "ktrdr/sdk/operations_registry.hpp"
#include "plugin_host.hpp"

namespace ktrdr::engine {

class Engine {
 public:
  Engine(std::vector<std::filesystem::path> plugin_search_path, std::size_t worker_threads);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  OperationRegistry& registry() { return registry_; }
  Executor& executor() { return *executor_; }
  PluginHost& plugins() { return *plugins_; }

  // Applies defaults and `overrides` to `file`'s jobs, resolves their path params by `paths` and
  // checks their params against the loaded plugins' schemas and their routing variables; an
  // unknown kind's error lists the known kinds (or why the plugin that declares it was refused)
  // and the plugin search path. Returns every problem found.
  std::vector<Error> resolve(JobFile& file, const std::vector<ParamOverride>& overrides,
                             const PathPolicy& paths) const;
  // Where path params that arrive over HTTP (the operations API, plugins' routes) point and may
  // point: `ktrdr serve` confines them to its roots. By default they are taken as given.
  void set_api_paths(PathPolicy paths) { api_paths_ = std::move(paths); }
  const PathPolicy& api_paths() const { return api_paths_; }
  // Asks every operation that is not terminal to cancel.
  void cancel_running(CancelReason reason, const std::string& text);

 private:
  // A routing variable (USE_<PREFIX>_HOST_SERVICE, <PREFIX>_HOST_SERVICE_URL) of a plugin the
  // jobs need that holds a bad value is bad input, found before anything runs.
  void check_routing_env(const JobFile& file, std::vector<Error>& errors) const;

  PathPolicy api_paths_;
  OperationRegistry registry_;
  std::unique_ptr<ThreadPoolExecutor> executor_;
  std::unique_ptr<PluginHost> plugins_;
};

}  // namespace ktrdr::engine
