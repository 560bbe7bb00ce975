#include "plugin_host.hpp"

#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <cstdlib>
#include <sstream>
#include <utility>

#include "crash_notice.hpp"
#include "plugin_descriptor_reader.hpp"
#include "plugin_probe.hpp"

namespace ktrdr::engine {
namespace fs = std::filesystem;

std::string_view to_string(PluginStatus status) noexcept {
  switch (status) {
    case PluginStatus::kAvailable:
      return "available";
    case PluginStatus::kLoaded:
      return "loaded";
    case PluginStatus::kRefused:
      return "refused";
    case PluginStatus::kShadowed:
      return "shadowed";
  }
  return "unknown";
}

Json PluginEntry::to_json() const {
  Json json = Json::object();
  json.set("name", name)
      .set("version", version)
      .set("path", path.string())
      .set("sdk_version", sdk_version)
      .set("stdlib", stdlib)
      .set("compiler", compiler)
      .set("kinds", kinds)
      .set("status", to_string(status));
  if (status == PluginStatus::kRefused) json.set("refusal", refusal);
  if (status == PluginStatus::kShadowed) json.set("shadowed_by", refusal);
  return json;
}

// What a loaded plugin registered. The library is declared first so it is destroyed last, after
// every object whose code lives in it.
struct PluginHost::Loaded {
  boost::dll::shared_library library;
  std::vector<std::shared_ptr<void>> kept;
  std::shared_ptr<const ProgressRenderer> renderer;
  std::vector<AdapterSpec> adapters;
  std::vector<RouteSpec> routes;
  std::vector<HealthCheck> health_checks;
  std::map<std::string, JobKindSpec, std::less<>> kinds;

  void drop_objects() {
    kinds.clear();
    health_checks.clear();
    routes.clear();
    adapters.clear();
    renderer.reset();
    kept.clear();
  }
};

namespace {

// The registrar handed to ktrdr_plugin_register: records what the plugin registers and every
// protocol violation, so the host can refuse the plugin as a whole.
class Registrar final : public PluginRegistrar {
 public:
  Registrar(HostServices services, const PluginEntry& entry, PluginHost::Loaded& loaded)
      : services_(services), entry_(entry), loaded_(loaded) {}

  HostServices host() const override { return services_; }

  void add_job_kind(JobKindSpec spec) override {
    if (std::find(entry_.kinds.begin(), entry_.kinds.end(), spec.kind) == entry_.kinds.end()) {
      problems_.push_back(undeclared_kind_problem(spec.kind));
      return;
    }
    if (!spec.start) {
      problems_.push_back("job kind '" + spec.kind + "' has no start function");
      return;
    }
    if (loaded_.kinds.contains(spec.kind)) {
      problems_.push_back("registers job kind '" + spec.kind + "' twice");
      return;
    }
    std::string kind = spec.kind;
    loaded_.kinds.emplace(std::move(kind), std::move(spec));
  }
  void set_renderer(std::shared_ptr<const ProgressRenderer> renderer) override {
    loaded_.renderer = std::move(renderer);
  }
  void add_adapter(AdapterSpec spec) override { loaded_.adapters.push_back(std::move(spec)); }
  void add_route(RouteSpec spec) override {
    if (!spec.handler || spec.pattern.empty() || spec.pattern[0] != '/') {
      problems_.push_back("route '" + spec.pattern +
                          "' needs a pattern starting with / and a handler");
      return;
    }
    loaded_.routes.push_back(std::move(spec));
  }
  void add_health_check(HealthCheck check) override {
    if (!check.check) {
      problems_.push_back("health check '" + check.name + "' has no function");
      return;
    }
    loaded_.health_checks.push_back(std::move(check));
  }
  void keep(std::shared_ptr<void> object) override { loaded_.kept.push_back(std::move(object)); }

  // Every problem, including declared kinds that were never registered.
  std::vector<std::string> problems() const {
    std::vector<std::string> all = problems_;
    for (const std::string& kind : entry_.kinds) {
      if (!loaded_.kinds.contains(kind)) {
        all.push_back("declares job kind '" + kind + "' but does not register it");
      }
    }
    return all;
  }

 private:
  HostServices services_;
  const PluginEntry& entry_;
  PluginHost::Loaded& loaded_;
  std::vector<std::string> problems_;
};

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

}  // namespace

PluginHost::PluginHost(HostServices services, std::vector<fs::path> search_path)
    : services_(services),
      search_path_(std::move(search_path)),
      default_renderer_(std::make_shared<DefaultProgressRenderer>()) {
  discover();
}

PluginHost::~PluginHost() {
  for (auto& [name, loaded] : loaded_) loaded->drop_objects();
  loaded_.clear();
  retired_.clear();
}

std::vector<fs::path> PluginHost::default_search_path(const std::vector<fs::path>& plugin_dirs) {
  std::vector<fs::path> path = plugin_dirs;
  if (const char* env = std::getenv("KTRDR_PLUGIN_PATH"); env != nullptr) {
    std::stringstream stream(env);
    for (std::string dir; std::getline(stream, dir, ':');) {
      if (!dir.empty()) path.emplace_back(dir);
    }
  }
  const fs::path binary_dir = boost::dll::program_location().parent_path();
  path.push_back((binary_dir.parent_path() / KTRDR_PLUGIN_INSTALL_RELDIR).lexically_normal());
  return path;
}

void PluginHost::refuse(PluginEntry& entry, std::string reason) {
  entry.status = PluginStatus::kRefused;
  entry.refusal = std::move(reason);
}

// Checked from the descriptor, so a plugin cannot take another's kinds by being found first.
void PluginHost::check_namespace(PluginEntry& entry) {
  for (const std::string& kind : entry.kinds) {
    if (auto outside = kind_outside_namespace(entry.name, kind)) {
      refuse(entry, std::move(*outside));
      return;
    }
  }
}

PluginEntry* PluginHost::available_named(std::string_view name) {
  for (PluginEntry& entry : entries_) {
    if (entry.name == name &&
        (entry.status == PluginStatus::kAvailable || entry.status == PluginStatus::kLoaded)) {
      return &entry;
    }
  }
  return nullptr;
}

void PluginHost::discover() {
  std::vector<fs::path> seen_dirs;
  for (const fs::path& dir : search_path_) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(dir, ec);
    if (ec || !fs::is_directory(canonical, ec) ||
        std::find(seen_dirs.begin(), seen_dirs.end(), canonical) != seen_dirs.end()) {
      continue;
    }
    seen_dirs.push_back(canonical);
    std::vector<fs::path> files;
    for (const auto& item : fs::directory_iterator(canonical, ec)) {
      if (item.path().extension() == ".so" && item.is_regular_file(ec))
        files.push_back(item.path());
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      PluginEntry entry;
      entry.path = file;
      entry.name = file.stem().string();
      auto descriptor = read_plugin_descriptor(file);
      if (!descriptor.ok()) {
        refuse(entry, descriptor.error().message);
        entries_.push_back(std::move(entry));
        continue;
      }
      const KtrdrPluginDescriptor& d = *descriptor;
      entry.name = d.name;
      entry.version = d.version;
      entry.sdk_version = d.sdk_version;
      entry.stdlib = d.stdlib;
      entry.compiler = d.compiler;
      entry.kinds = descriptor_kinds(d);
      if (d.api_version != KTRDR_PLUGIN_API_VERSION) {
        refuse(entry, "built for plugin ABI version " + std::to_string(d.api_version) + " (SDK " +
                          entry.sdk_version + "), this engine supports version " +
                          std::to_string(KTRDR_PLUGIN_API_VERSION) +
                          " (SDK " KTRDR_SDK_VERSION
                          "): rebuild the plugin against this engine's SDK");
      } else if (d.descriptor_size != sizeof(KtrdrPluginDescriptor)) {
        refuse(entry, "descriptor is " + std::to_string(d.descriptor_size) +
                          " bytes, this engine expects " +
                          std::to_string(sizeof(KtrdrPluginDescriptor)));
      } else if (entry.stdlib != KTRDR_STDLIB_TAG) {
        refuse(entry, "built with C++ standard library '" + entry.stdlib +
                          "', this engine uses '" KTRDR_STDLIB_TAG "'");
      } else if (entry.kinds.empty()) {
        refuse(entry, "declares no job kinds");
      }
      if (entry.status != PluginStatus::kRefused) check_namespace(entry);
      if (entry.status != PluginStatus::kRefused) {
        if (const PluginEntry* winner = available_named(entry.name)) {
          entry.status = PluginStatus::kShadowed;
          entry.refusal = winner->path.string();
        }
      }
      entries_.push_back(std::move(entry));
    }
  }
}

void PluginHost::probe_with(fs::path program) { probe_program_ = std::move(program); }

int PluginHost::probe_main(const fs::path& file) {
  OperationRegistry registry;
  ThreadPoolExecutor executor(1);
  PluginHost host({&registry, &executor}, {});
  auto descriptor = read_plugin_descriptor(file);
  if (!descriptor.ok()) return 0;  // nothing of it runs: the engine refuses it from the file
  PluginEntry& entry = host.entries_.emplace_back();
  entry.path = file;
  entry.name = descriptor->name;
  entry.kinds = descriptor_kinds(*descriptor);
  host.load(entry);
  return 0;
}

void PluginHost::load(PluginEntry& entry) {
  if (!probe_program_.empty()) {
    if (auto crashed = probe_plugin(probe_program_, entry.path, kProbeTimeout)) {
      refuse(entry, std::move(*crashed));
      promote_shadowed(entry);
      return;
    }
  }
  auto loaded = std::make_unique<Loaded>();
  try {
    loaded->library.load(entry.path,
                         boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
  } catch (const std::exception& e) {
    refuse(entry, std::string("cannot be loaded: ") + e.what());
    promote_shadowed(entry);
    return;
  }
  if (!loaded->library.has(KTRDR_PLUGIN_REGISTER_SYMBOL)) {
    refuse(entry, "has no factory: the symbol " KTRDR_PLUGIN_REGISTER_SYMBOL " is missing");
    retired_.push_back(std::move(loaded));
    promote_shadowed(entry);
    return;
  }
  auto& register_fn = loaded->library.get<KtrdrPluginRegisterFn>(KTRDR_PLUGIN_REGISTER_SYMBOL);
  Registrar registrar(services_, entry, *loaded);
  std::vector<std::string> problems;
  try {
    const CrashNotice notice("ktrdr: plugin '" + entry.name + "' (" + entry.path.string() +
                             ") crashed while registering");
    register_fn(registrar);
    problems = registrar.problems();
  } catch (const std::exception& e) {
    problems.push_back(std::string("threw during registration: ") + e.what());
  } catch (...) {
    problems.push_back("threw a non-standard exception during registration");
  }
  if (!problems.empty()) {
    refuse(entry, join(problems, "; "));
    loaded->drop_objects();
    retired_.push_back(std::move(loaded));
    promote_shadowed(entry);
    return;
  }
  entry.status = PluginStatus::kLoaded;
  loaded_.emplace(entry.name, std::move(loaded));
}

// A plugin refused while loading gives up its name: the next plugin of that name on the search
// path (shadowed until now) takes its place and is loaded instead.
void PluginHost::promote_shadowed(const PluginEntry& refused) {
  PluginEntry* next = nullptr;
  for (PluginEntry& entry : entries_) {
    if (entry.name != refused.name || entry.status != PluginStatus::kShadowed) continue;
    if (next == nullptr) {
      next = &entry;
      entry.status = PluginStatus::kAvailable;
      entry.refusal.clear();
    } else {
      entry.refusal = next->path.string();
    }
  }
  if (next != nullptr) load(*next);
}

std::set<std::string> PluginHost::load_for(const std::set<std::string>& kinds) {
  for (PluginEntry& entry : entries_) {
    if (entry.status != PluginStatus::kAvailable) continue;
    const bool needed = std::any_of(entry.kinds.begin(), entry.kinds.end(),
                                    [&](const std::string& k) { return kinds.contains(k); });
    if (needed) load(entry);
  }
  std::set<std::string> missing;
  for (const std::string& kind : kinds) {
    if (find_kind(kind) == nullptr) missing.insert(kind);
  }
  return missing;
}

void PluginHost::load_all() {
  for (PluginEntry& entry : entries_) {
    if (entry.status == PluginStatus::kAvailable) load(entry);
  }
}

std::set<std::string> PluginHost::load_named(const std::set<std::string>& names) {
  std::set<std::string> missing = names;
  for (PluginEntry& entry : entries_) {
    if (!names.contains(entry.name) || entry.status == PluginStatus::kShadowed) continue;
    missing.erase(entry.name);
    if (entry.status == PluginStatus::kAvailable) load(entry);
  }
  return missing;
}

const PluginEntry* PluginHost::declaring(std::string_view kind) const {
  const PluginEntry* refused = nullptr;
  for (const PluginEntry& entry : entries_) {
    if (std::find(entry.kinds.begin(), entry.kinds.end(), kind) == entry.kinds.end()) continue;
    if (entry.status == PluginStatus::kShadowed) continue;
    if (entry.status != PluginStatus::kRefused) return &entry;
    if (refused == nullptr) refused = &entry;
  }
  return refused;
}

const JobKindSpec* PluginHost::find_kind(std::string_view kind) const {
  for (const auto& [name, loaded] : loaded_) {
    if (auto it = loaded->kinds.find(kind); it != loaded->kinds.end()) return &it->second;
  }
  return nullptr;
}

std::shared_ptr<const ProgressRenderer> PluginHost::renderer_for(std::string_view kind) const {
  for (const auto& [name, loaded] : loaded_) {
    if (loaded->kinds.find(kind) != loaded->kinds.end() && loaded->renderer) {
      return loaded->renderer;
    }
  }
  return default_renderer_;
}

std::vector<AdapterSpec> PluginHost::adapters(std::string_view plugin) const {
  auto it = loaded_.find(std::string(plugin));
  return it == loaded_.end() ? std::vector<AdapterSpec>{} : it->second->adapters;
}

std::vector<RouteSpec> PluginHost::routes() const {
  std::vector<RouteSpec> all;
  for (const auto& [name, loaded] : loaded_) {
    all.insert(all.end(), loaded->routes.begin(), loaded->routes.end());
  }
  return all;
}

std::vector<HealthCheck> PluginHost::health_checks() const {
  std::vector<HealthCheck> all;
  for (const auto& [name, loaded] : loaded_) {
    for (HealthCheck check : loaded->health_checks) {
      check.name = name + "." + check.name;
      all.push_back(std::move(check));
    }
  }
  return all;
}

std::vector<std::string> PluginHost::known_kinds() const {
  std::vector<std::string> kinds;
  for (const auto& [name, loaded] : loaded_) {
    for (const auto& [kind, spec] : loaded->kinds) kinds.push_back(kind);
  }
  std::sort(kinds.begin(), kinds.end());
  return kinds;
}

}  // namespace ktrdr::engine
