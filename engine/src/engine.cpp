#include "engine.hpp"

#include <cstdint>
#include <set>
#include <utility>

namespace ktrdr::engine {

Engine::Engine(std::vector<std::filesystem::path> plugin_search_path, std::size_t worker_threads)
    : executor_(std::make_unique<ThreadPoolExecutor>(worker_threads)),
      plugins_(std::make_unique<PluginHost>(
          HostServices{&registry_, executor_.get(),
                       [this](const std::string& field, const std::string& value) {
                         return api_paths_.resolve(field, value, false);
                       }},
          std::move(plugin_search_path))) {}

Engine::~Engine() {
  // Cancel what still runs, let the workers drain, and only then unload plugin code.
  cancel_running(CancelReason::kShutdown, "engine shutting down");
  executor_.reset();
  plugins_.reset();
}

void Engine::cancel_running(CancelReason reason, const std::string& text) {
  for (const OperationRecord& record : registry_.list({.limit = SIZE_MAX})) {
    if (!is_terminal(record.state)) (void)registry_.request_cancel(record.id, reason, text);
  }
}

std::vector<Error> Engine::resolve(JobFile& file, const std::vector<ParamOverride>& overrides,
                                   const PathPolicy& paths) const {
  const PluginHost& plugins = *plugins_;
  const auto unknown_kind = [&](const std::string& kind) -> std::string {
    if (const PluginEntry* entry = plugins.declaring(kind);
        entry != nullptr && entry->status == PluginStatus::kRefused) {
      return "job kind `" + kind + "` is provided by plugin '" + entry->name +
             "', which was refused: " + entry->refusal;
    }
    std::string known;
    for (const PluginEntry& entry : plugins.plugins()) {
      if (entry.status == PluginStatus::kRefused || entry.status == PluginStatus::kShadowed) {
        continue;
      }
      for (const std::string& k : entry.kinds) known += (known.empty() ? "" : ", ") + k;
    }
    std::string path;
    for (const auto& dir : plugins.search_path()) path += (path.empty() ? "" : ":") + dir.string();
    return "unknown job kind `" + kind + "` (known kinds: " + (known.empty() ? "none" : known) +
           "; plugin search path: " + path + ")";
  };
  std::vector<Error> errors;
  resolve_job_params(
      file, overrides, paths,
      [&](const std::string& kind) -> const ParamSchema* {
        const JobKindSpec* spec = plugins.find_kind(kind);
        return spec == nullptr ? nullptr : &spec->schema;
      },
      unknown_kind, errors);
  check_routing_env(file, errors);
  return errors;
}

void Engine::check_routing_env(const JobFile& file, std::vector<Error>& errors) const {
  std::set<std::string> checked;
  for (const JobSpec& job : file.jobs) {
    const PluginEntry* entry = plugins_->declaring(job.kind);
    if (entry == nullptr || !checked.insert(entry->name).second) continue;
    for (const AdapterSpec& adapter : plugins_->adapters(entry->name)) {
      auto routing = resolve_routing(adapter.env_prefix, adapter.default_url, {});
      if (!routing.ok()) {
        errors.push_back(Error::invalid_argument(
            routing.error().message + " (needed by job \"" + job.name + "\", kind " + job.kind +
                ")",
            routing.error().context));
      }
    }
  }
}

}  // namespace ktrdr::engine
