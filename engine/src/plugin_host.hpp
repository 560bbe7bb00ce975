// PluginHost: finds domain plugins on the search path, checks their descriptors without loading
// them, loads only the plugins a run needs (Boost.DLL), and owns what they register. Plugins stay
// loaded until the host is destroyed; objects a plugin made are destroyed before its library is
// unloaded. Refused plugins are kept in the list with the reason. Not thread-safe: load from one
// thread, then share read-only.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/plugin_api.hpp"

namespace ktrdr::engine {

// kShadowed: a plugin of the same name was found earlier on the search path and wins.
enum class PluginStatus { kAvailable, kLoaded, kRefused, kShadowed };
std::string_view to_string(PluginStatus status) noexcept;

struct PluginEntry {
  std::filesystem::path path;
  std::string name;  // from the descriptor; the file name when it has none
  std::string version;
  std::string sdk_version;
  std::string stdlib;
  std::string compiler;
  std::vector<std::string> kinds;  // as declared in the descriptor
  PluginStatus status = PluginStatus::kAvailable;
  std::string refusal;  // why it was refused, or which file shadows it

  Json to_json() const;
};

class PluginHost {
 public:
  // Reads the descriptor of every `*.so` in `search_path` (in order; the first plugin of a name
  // wins) and refuses mismatched ABI/SDK/stdlib versions and job kinds outside the plugin's
  // namespace ("<name>.<kind>"). No plugin code runs here. A plugin refused while loading
  // leaves its name to the next plugin of that name on the search path.
  PluginHost(HostServices services, std::vector<std::filesystem::path> search_path);
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // --plugin-dir entries, then KTRDR_PLUGIN_PATH (colon-separated), then the install location
  // next to the running binary (<bin>/../lib/ktrdr/plugins).
  static std::vector<std::filesystem::path> default_search_path(
      const std::vector<std::filesystem::path>& plugin_dirs);

  // From now on each plugin's registration is first tried in a child process running `program`
  // (the ktrdr binary; see plugin_probe.hpp): one that crashes or hangs there is refused.
  void probe_with(std::filesystem::path program);
  // The child's side of the probe (`ktrdr __probe-plugin FILE`); returns the exit status.
  static int probe_main(const std::filesystem::path& file);

  // Loads every available plugin that declares one of `kinds`; returns the kinds no loaded
  // plugin provides afterwards.
  std::set<std::string> load_for(const std::set<std::string>& kinds);
  void load_all();
  // Loads the available plugins named in `names`; returns the names no plugin has.
  std::set<std::string> load_named(const std::set<std::string>& names);

  const std::vector<PluginEntry>& plugins() const { return entries_; }
  const std::vector<std::filesystem::path>& search_path() const { return search_path_; }
  // The entry declaring `kind`, loaded or not (nullptr when none).
  const PluginEntry* declaring(std::string_view kind) const;
  // The registered kind (nullptr unless its plugin is loaded).
  const JobKindSpec* find_kind(std::string_view kind) const;
  // The renderer of the plugin that owns `kind`; the default renderer otherwise.
  std::shared_ptr<const ProgressRenderer> renderer_for(std::string_view kind) const;
  // Adapters registered by the plugin named `plugin`.
  std::vector<AdapterSpec> adapters(std::string_view plugin) const;
  // Domain routes and health checks of the loaded plugins.
  std::vector<RouteSpec> routes() const;
  std::vector<HealthCheck> health_checks() const;
  // Every kind registered by loaded plugins, sorted.
  std::vector<std::string> known_kinds() const;

 // What one loaded plugin registered (defined in plugin_host.cpp).
  struct Loaded;

 private:
  void discover();
  void check_namespace(PluginEntry& entry);
  PluginEntry* available_named(std::string_view name);
  void load(PluginEntry& entry);
  void promote_shadowed(const PluginEntry& refused);
  void refuse(PluginEntry& entry, std::string reason);

  static constexpr std::chrono::seconds kProbeTimeout{60};

  HostServices services_;
  std::vector<std::filesystem::path> search_path_;
  std::filesystem::path probe_program_;  // empty: no probe
  std::vector<PluginEntry> entries_;
  std::map<std::string, std::unique_ptr<Loaded>> loaded_;  // by plugin name
  std::vector<std::unique_ptr<Loaded>> retired_;  // refused after loading: objects gone, code kept
  std::shared_ptr<const ProgressRenderer> default_renderer_;
};

}  // namespace ktrdr::engine
