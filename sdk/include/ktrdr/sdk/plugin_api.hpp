// The plugin ABI: what a domain plugin exports and what it may register.
//
// A plugin exports two things:
//  1. a plain-C descriptor (KTRDR_PLUGIN_DESCRIPTOR) placed in the ELF section ".ktrdr_plugin".
//     The engine reads it from the file *without loading the library* and refuses the plugin
//     unless the ABI version, the exact SDK version and the C++ standard library tag match. The
//     descriptor also lists the job kinds, so the engine loads only the plugins a run needs.
//  2. `extern "C" void ktrdr_plugin_register(ktrdr::PluginRegistrar&)`, called once after
//     loading, which registers the plugin's job kinds (each must be declared in the
//     descriptor), its ProgressRenderer and its adapters.
//
//   KTRDR_PLUGIN_DESCRIPTOR("example", "1.0.0", "example.primes");
//   extern "C" KTRDR_PLUGIN_EXPORT void ktrdr_plugin_register(ktrdr::PluginRegistrar& r) { … }
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ktrdr/sdk/host_service.hpp"
#include "ktrdr/sdk/param_schema.hpp"
#include "ktrdr/sdk/progress_renderer.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/service_orchestrator.hpp"
#include "ktrdr/sdk/version.hpp"

// Raised on any change to KtrdrPluginDescriptor's layout or to the registration protocol.
#define KTRDR_PLUGIN_API_VERSION 1u
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
#define KTRDR_COMPILER_TAG \
  "gcc-" KTRDR_STRINGIFY(__GNUC__) "." KTRDR_STRINGIFY(__GNUC_MINOR__)

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
  // Keeps a domain object (the plugin's manager) alive as long as the plugin is loaded.
  virtual void keep(std::shared_ptr<void> object) = 0;
};

}  // namespace ktrdr

extern "C" {
using KtrdrPluginRegisterFn = void(ktrdr::PluginRegistrar&);
}
