// Engine: the process-wide parts every command shares — the operations registry, the executor
// operations run on, and the plugin host — torn down in a safe order (executor first, so no
// plugin code is running when plugins unload). Not copyable.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <vector>

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
  HostServices services() { return {&registry_, executor_.get()}; }

 private:
  OperationRegistry registry_;
  std::unique_ptr<ThreadPoolExecutor> executor_;
  std::unique_ptr<PluginHost> plugins_;
};

}  // namespace ktrdr::engine
