// PrimesManager: the example domain's ServiceOrchestrator — validates nothing the schema does
// not, runs PrimeCounter as a managed operation with progress and cancellation.
#pragma once

#include <memory>

#include "ktrdr/sdk/param_schema.hpp"
#include "ktrdr/sdk/service_orchestrator.hpp"

namespace example {

inline constexpr const char* kPrimesKind = "example.primes";
// Where `ktrdr serve --plugin example` listens unless EXAMPLE_HOST_SERVICE_URL says otherwise.
inline constexpr const char* kDefaultHostServiceUrl = "http://127.0.0.1:5003";

class PrimesManager final : public ktrdr::ServiceOrchestrator {
 public:
  explicit PrimesManager(ktrdr::HostServices services);

  static ktrdr::ParamSchema schema();
  // Starts counting for a validated request; returns the operation id.
  ktrdr::Result<std::string> start(const ktrdr::OperationRequest& request);

 private:
  static ktrdr::Json count(ktrdr::OperationContext& context);
};

}  // namespace example
