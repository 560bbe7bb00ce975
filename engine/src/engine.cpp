#include "engine.hpp"

#include <cstdint>
#include <utility>

namespace ktrdr::engine {

Engine::Engine(std::vector<std::filesystem::path> plugin_search_path, std::size_t worker_threads)
    : executor_(std::make_unique<ThreadPoolExecutor>(worker_threads)),
      plugins_(std::make_unique<PluginHost>(HostServices{&registry_, executor_.get()},
                                            std::move(plugin_search_path))) {}

Engine::~Engine() {
  // Cancel what still runs, let the workers drain, and only then unload plugin code.
  for (const OperationRecord& record : registry_.list({.limit = SIZE_MAX})) {
    if (!is_terminal(record.state)) {
      (void)registry_.request_cancel(record.id, CancelReason::kShutdown, "engine shutting down");
    }
  }
  executor_.reset();
  plugins_.reset();
}

}  // namespace ktrdr::engine
