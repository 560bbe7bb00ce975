// One source, several test plugins (chosen by TEST_PLUGIN_<VARIANT>):
//   JOBS            a working plugin named "test" with kinds test.fail (always fails),
//                   test.wait (waits for cancellation) and test.ignore_cancel (ignores it for a
//                   minute)
//   BAD_ABI         a descriptor for plugin ABI version 99
//   OTHER_RELEASE   built "against" SDK release 0.0.1 with this plugin ABI: loads
//   NO_DESCRIPTOR   a register function but no descriptor
//   NO_FACTORY      a descriptor but no register function
//   THROWS          throws from its register function
//   CRASHES         dies of SIGSEGV in its register function
//   DUPLICATE_KIND  claims example.primes, outside its own namespace
//   IMPOSTOR        named "example" like the example plugin, throws from its register function
//   STALE           declares stale.declared but registers stale.undeclared
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

#include "ktrdr/sdk/plugin_api.hpp"

namespace {

using ktrdr::Json;
using ktrdr::OperationContext;
using ktrdr::OperationRequest;

[[maybe_unused]] ktrdr::JobKindSpec job_kind(std::shared_ptr<ktrdr::ServiceOrchestrator> owner,
                                             const char* kind, ktrdr::OperationBody body) {
  ktrdr::ParamSchema schema;
  schema.add({.name = "message",
              .type = ktrdr::ParamType::kString,
              .default_value = Json::string("test"),
              .description = "free text"});
  return {.kind = kind,
          .description = std::string("test kind ") + kind,
          .schema = schema,
          .start = [owner, body](const OperationRequest& request) {
            return owner->start_managed_operation(request, body);
          }};
}

[[maybe_unused]] std::shared_ptr<ktrdr::ServiceOrchestrator> orchestrator(
    ktrdr::PluginRegistrar& registrar) {
  return std::make_shared<ktrdr::ServiceOrchestrator>(
      registrar.host(), "TEST", "http://127.0.0.1:5999",
      std::make_shared<ktrdr::DefaultProgressRenderer>());
}

// Proves whether any code of this library ran: when KTRDR_TEST_PLUGIN_MARKER names a file, a
// static constructor appends the library's variant to it.
__attribute__((constructor)) void mark_loaded() {
  if (const char* marker = std::getenv("KTRDR_TEST_PLUGIN_MARKER")) {
    std::ofstream(marker, std::ios::app) << TEST_PLUGIN_NAME << "\n";
  }
}

}  // namespace

#if defined(TEST_PLUGIN_BAD_ABI)
extern "C" KTRDR_PLUGIN_EXPORT __attribute__((used, section(KTRDR_PLUGIN_SECTION)))
const KtrdrPluginDescriptor ktrdr_plugin_descriptor = {
    KTRDR_PLUGIN_MAGIC, 99, sizeof(KtrdrPluginDescriptor), "bad_abi", "1.0.0",
    KTRDR_SDK_VERSION,  KTRDR_STDLIB_TAG, KTRDR_COMPILER_TAG, "bad_abi.x"};
#elif defined(TEST_PLUGIN_OTHER_RELEASE)
extern "C" KTRDR_PLUGIN_EXPORT __attribute__((used, section(KTRDR_PLUGIN_SECTION)))
const KtrdrPluginDescriptor ktrdr_plugin_descriptor = {
    KTRDR_PLUGIN_MAGIC, KTRDR_PLUGIN_API_VERSION, sizeof(KtrdrPluginDescriptor), "other_release",
    "1.0.0",            "0.0.1", KTRDR_STDLIB_TAG, KTRDR_COMPILER_TAG, "other_release.x"};
#elif defined(TEST_PLUGIN_NO_FACTORY)
KTRDR_PLUGIN_DESCRIPTOR("no_factory", "1.0.0", "no_factory.x");
#elif defined(TEST_PLUGIN_THROWS)
KTRDR_PLUGIN_DESCRIPTOR("throws", "1.0.0", "throws.x");
#elif defined(TEST_PLUGIN_CRASHES)
KTRDR_PLUGIN_DESCRIPTOR("crashes", "1.0.0", "crashes.x");
#elif defined(TEST_PLUGIN_IMPOSTOR)
KTRDR_PLUGIN_DESCRIPTOR("example", "9.9.9", "example.primes");
#elif defined(TEST_PLUGIN_DUPLICATE_KIND)
KTRDR_PLUGIN_DESCRIPTOR("duplicate_kind", "1.0.0", "example.primes");
#elif defined(TEST_PLUGIN_STALE)
KTRDR_PLUGIN_DESCRIPTOR("stale", "1.0.0", "stale.declared");
#elif defined(TEST_PLUGIN_JOBS)
KTRDR_PLUGIN_DESCRIPTOR("test", "1.0.0", "test.fail,test.wait,test.ignore_cancel");
#endif

#if !defined(TEST_PLUGIN_NO_FACTORY)
extern "C" KTRDR_PLUGIN_EXPORT void ktrdr_plugin_register(ktrdr::PluginRegistrar& registrar) {
#if defined(TEST_PLUGIN_THROWS) || defined(TEST_PLUGIN_IMPOSTOR)
  (void)registrar;
  throw std::runtime_error("boom: cannot reach the configuration");
#elif defined(TEST_PLUGIN_CRASHES)
  (void)registrar;
  std::raise(SIGSEGV);
#elif defined(TEST_PLUGIN_OTHER_RELEASE)
  auto owner = orchestrator(registrar);
  registrar.add_job_kind(job_kind(owner, "other_release.x", [](OperationContext&) {
    return Json::object();
  }));
  registrar.keep(owner);
#elif defined(TEST_PLUGIN_STALE)
  auto owner = orchestrator(registrar);
  registrar.add_job_kind(job_kind(owner, "stale.undeclared", [](OperationContext&) {
    return Json::object();
  }));
#elif defined(TEST_PLUGIN_JOBS)
  auto owner = orchestrator(registrar);
  registrar.add_job_kind(job_kind(owner, "test.fail", [](OperationContext&) -> Json {
    throw ktrdr::ErrorException(ktrdr::Error::unavailable("the test service is down"));
  }));
  registrar.add_job_kind(job_kind(owner, "test.wait", [](OperationContext& context) {
    context.set_partial_result(Json::object().set("waited", true));
    context.progress().sub("waiting", 0, 100, 1, 1).set_fraction(0.5);
    context.token().wait_for(std::chrono::hours(1));
    context.token().throw_if_cancelled("test.wait");
    return Json::object();
  }));
  registrar.add_job_kind(job_kind(owner, "test.ignore_cancel", [](OperationContext& context) {
    context.progress().sub("ignoring", 0, 100, 1, 1).set_fraction(0.5);
    ktrdr::CancellationToken never;
    never.wait_for(std::chrono::minutes(1));
    return Json::object();
  }));
  registrar.keep(owner);
#else
  auto owner = orchestrator(registrar);
  registrar.add_job_kind(job_kind(owner, "example.primes", [](OperationContext&) {
    return Json::object();
  }));
  registrar.keep(owner);
#endif
}
#endif
