// PrimesManager: the example domain's ServiceOrchestrator — validates nothing the schema does
// not, runs PrimeCounter as a managed operation with progress and cancellation.
#pragma once

#include <memory>

#include "ktrdr/sdk/host_service.hpp"
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

  // The domain route GET /example/prime-count?below=N (N ≤ 10^8): counts at once, in the
  // request, and answers {"below": N, "primes": count}.
  static ktrdr::ServerResponse prime_count_route(const ktrdr::ServerRequest& request);

 private:
  static ktrdr::Json count(ktrdr::OperationContext& context);
};

}  // namespace example
