// The plugin ABI: what a domain plugin exports and what it may register.
//
// A plugin exports two things:
//  1. a plain-C descriptor (KTRDR_PLUGIN_DESCRIPTOR) placed in the ELF section ".ktrdr_plugin".
//     The engine reads it from the file *without loading the library* and refuses the plugin
//     unless the plugin ABI version and the C++ standard library tag match. The
//     descriptor also lists the job kinds, so the engine loads only the plugins a run needs.
//  2. `extern "C" void ktrdr_plugin_register(ktrdr::PluginRegistrar&)`, called once after
//     loading, which registers the plugin's job kinds (each must be declared in the
//     descriptor), its ProgressRenderer and its adapters.
//
//   KTRDR_PLUGIN_DESCRIPTOR("example", "1.0.0", "example.primes");
//   extern "C" KTRDR_PLUGIN_EXPORT void ktrdr_plugin_register(ktrdr::PluginRegistrar& r) { … }
#pragma once

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/host_service.hpp"
#include "ktrdr/sdk/param_schema.hpp"
#include "ktrdr/sdk/progress_renderer.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/service_orchestrator.hpp"
#include "ktrdr/sdk/version.hpp"

// The plugin ABI: raised on any change to KtrdrPluginDescriptor's layout, the registration
// protocol, or the layout or virtual functions of an SDK type a plugin and the engine exchange.
// It is versioned apart from the SDK release: a release that keeps it (every patch release
// does) loads plugins built against earlier releases without a rebuild.
#define KTRDR_PLUGIN_API_VERSION 3u
#define KTRDR_PLUGIN_MAGIC "KTRDRPL"
#define KTRDR_PLUGIN_SECTION ".ktrdr_plugin"
#define KTRDR_PLUGIN_REGISTER_SYMBOL "ktrdr_plugin_register"
#define KTRDR_PLUGIN_EXPORT __attribute__((visibility("default")))

#define KTRDR_STRINGIFY_(x) #x
#define KTRDR_STRINGIFY(x) KTRDR_STRINGIFY_(x)
// The C++ standard library a plugin was built with; must equal the engine's.
#define KTRDR_STDLIB_TAG                                               \
  "libstdc++-" KTRDR_STRINGIFY(_GLIBCXX_RELEASE) "/cxx11abi-" KTRDR_STRINGIFY( \
      _GLIBCXX_USE_CXX11_ABI) "/c++" KTRDR_STRINGIFY(__cplusplus)
#if defined(__clang__)
#define KTRDR_COMPILER_TAG \
  "clang-" KTRDR_STRINGIFY(__clang_major__) "." KTRDR_STRINGIFY(__clang_minor__)
#else
#define KTRDR_COMPILER_TAG \
  "gcc-" KTRDR_STRINGIFY(__GNUC__) "." KTRDR_STRINGIFY(__GNUC_MINOR__)
#endif

// A plugin compiled unlike the SDK would build and then be refused at load: say so now.
static_assert(__cplusplus == KTRDR_SDK_CPLUSPLUS,
              "ktrdr plugins must be compiled as C++20, like the ktrdr SDK (__cplusplus "
              "202002L): set CXX_STANDARD 20 on the plugin target (ktrdr_add_plugin does)");
static_assert(_GLIBCXX_USE_CXX11_ABI == KTRDR_SDK_CXX11_ABI,
              "ktrdr plugins must use libstdc++'s C++11 string ABI, like the ktrdr SDK: do not "
              "define _GLIBCXX_USE_CXX11_ABI=0");

extern "C" {
// Fixed-size, pointer-free, so it can be read straight from the file. Strings are
// NUL-terminated; `kinds` is a comma-separated list.
struct KtrdrPluginDescriptor {
  char magic[8];
  std::uint32_t api_version;
  std::uint32_t descriptor_size;
  char name[32];
  char version[32];
  char sdk_version[32];
  char stdlib[64];
  char compiler[32];
  char kinds[512];
};
}

#define KTRDR_PLUGIN_DESCRIPTOR(NAME, VERSION, KINDS)                                         \
  extern "C" KTRDR_PLUGIN_EXPORT __attribute__((used, section(KTRDR_PLUGIN_SECTION)))        \
  const KtrdrPluginDescriptor ktrdr_plugin_descriptor = {                                     \
      KTRDR_PLUGIN_MAGIC, KTRDR_PLUGIN_API_VERSION, sizeof(KtrdrPluginDescriptor), NAME,     \
      VERSION,           KTRDR_SDK_VERSION,        KTRDR_STDLIB_TAG,                 \
      KTRDR_COMPILER_TAG, KINDS}

namespace ktrdr {

// The job kinds a descriptor declares ("a.x, a.y" → {"a.x", "a.y"}), as the engine reads them.
inline std::vector<std::string> descriptor_kinds(const KtrdrPluginDescriptor& descriptor) {
  const std::string_view text(descriptor.kinds,
                              ::strnlen(descriptor.kinds, sizeof descriptor.kinds));
  std::vector<std::string> kinds;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find(',', start), text.size());
    std::string_view kind = text.substr(start, end - start);
    while (!kind.empty() && (kind.front() == ' ' || kind.front() == '\t')) kind.remove_prefix(1);
    while (!kind.empty() && (kind.back() == ' ' || kind.back() == '\t')) kind.remove_suffix(1);
    if (!kind.empty()) kinds.emplace_back(kind);
    start = end + 1;
  }
  return kinds;
}

// Kinds are owned by their plugin's name ("data" may declare "data.load", nothing else may): why
// the plugin named `plugin` may not declare `kind`, or nullopt when it may. The engine's rule.
inline std::optional<std::string> kind_outside_namespace(std::string_view plugin,
                                                         std::string_view kind) {
  const std::string prefix = std::string(plugin) + ".";
  if (kind.size() > prefix.size() && kind.starts_with(prefix)) return std::nullopt;
  return "declares job kind '" + std::string(kind) + "' outside its namespace: a plugin named '" +
         std::string(plugin) + "' may only declare kinds '" + prefix + "<kind>'";
}

// The engine's word for a kind registered but not declared in the plugin's descriptor.
inline std::string undeclared_kind_problem(std::string_view kind) {
  return "registers job kind '" + std::string(kind) +
         "' that its descriptor does not declare (stale descriptor?)";
}

// One job kind a plugin offers ("data.load").
struct JobKindSpec {
  std::string kind;
  std::string description;
  ParamSchema schema;
  // Starts an operation for a request whose params passed `schema`; returns its id. Called on
  // the engine's thread; must return quickly (the work runs on the executor).
  std::function<Result<std::string>(const OperationRequest&)> start;
};

// A local-vs-host-service switch of the domain (IbDataAdapter, TrainingAdapter …), listed by
// `ktrdr plugins` with its current routing.
struct AdapterSpec {
  std::string name;
  std::string env_prefix;  // USE_<PREFIX>_HOST_SERVICE, <PREFIX>_HOST_SERVICE_URL
  std::string default_url;
  std::string description;
};

// A domain route `ktrdr serve` serves while the plugin is loaded (e.g. POST /data/historical).
struct RouteSpec {
  HttpMethod method = HttpMethod::kGet;
  std::string pattern;  // "/data/head-timestamp"; `{name}` segments capture parameters
  Handler handler;
  bool requires_auth = true;
  bool quick = false;  // the handler never blocks (see HostService::route)
};

// A dependency the plugin reports in /health: returns {"ok": bool, …details}. Called on the
// server's threads; must be quick (cache what is slow to find out).
struct HealthCheck {
  std::string name;
  std::function<Json()> check;
};

// The narrow door through which a plugin registers itself. Valid only during
// ktrdr_plugin_register; objects the plugin hands over are destroyed before it is unloaded.
class PluginRegistrar {
 public:
  virtual ~PluginRegistrar() = default;
  virtual HostServices host() const = 0;
  virtual void add_job_kind(JobKindSpec spec) = 0;
  virtual void set_renderer(std::shared_ptr<const ProgressRenderer> renderer) = 0;
  virtual void add_adapter(AdapterSpec spec) = 0;
  virtual void add_route(RouteSpec spec) = 0;
  virtual void add_health_check(HealthCheck check) = 0;
  // Keeps an object alive as long as the plugin is loaded (register_domain needs no keep()).
  virtual void keep(std::shared_ptr<void> object) = 0;
};

// One job kind of a domain, started by its manager (`&DataManager::start_load`).
template <class Manager>
struct DomainKind {
  std::string kind;
  std::string description;
  ParamSchema schema;
  std::function<Result<std::string>(Manager&, const OperationRequest&)> start;
};

// How `ktrdr plugins` names and describes the domain's local-vs-host-service switch.
struct DomainAdapter {
  std::string name;
  std::string description;
};

// Registers a domain in one call. The registration owns `manager` (it lives until the plugin is
// unloaded, after its last operation); each kind starts through it; the domain's renderer and
// its adapter's routing variables and default URL are the manager's own, so they are stated
// once, in its ServiceOrchestrator constructor.
template <class Manager>
  requires std::derived_from<Manager, ServiceOrchestrator>
void register_domain(PluginRegistrar& registrar, std::shared_ptr<Manager> manager,
                     DomainAdapter adapter, std::vector<DomainKind<Manager>> kinds) {
  for (DomainKind<Manager>& kind : kinds) {
    registrar.add_job_kind(
        {.kind = std::move(kind.kind),
         .description = std::move(kind.description),
         .schema = std::move(kind.schema),
         .start = [manager, start = std::move(kind.start)](const OperationRequest& request) {
           return start(*manager, request);
         }});
  }
  registrar.set_renderer(manager->renderer_ptr());
  registrar.add_adapter({.name = std::move(adapter.name),
                         .env_prefix = manager->env_prefix(),
                         .default_url = manager->default_url(),
                         .description = std::move(adapter.description)});
}

}  // namespace ktrdr

extern "C" {
using KtrdrPluginRegisterFn = void(ktrdr::PluginRegistrar&);
}
