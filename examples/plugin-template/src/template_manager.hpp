// TemplateManager: the template domain's ServiceOrchestrator. It owns the parameter schema of
// template.moving_average and runs it as a managed operation: a moving average over a synthetic
// price ramp, in chunks, with two progress steps and a cancellation check per chunk.
#pragma once

#include <string>

#include "ktrdr/sdk/host_service.hpp"
#include "ktrdr/sdk/param_schema.hpp"
#include "ktrdr/sdk/service_orchestrator.hpp"

namespace template_plugin {

// Kinds are named `<plugin name>.<kind>`: the engine refuses any other.
inline constexpr const char* kMovingAverageKind = "template.moving_average";
// Where `ktrdr serve --plugin template` listens unless TEMPLATE_HOST_SERVICE_URL says otherwise.
inline constexpr const char* kDefaultHostServiceUrl = "http://127.0.0.1:5090";

class TemplateManager final : public ktrdr::ServiceOrchestrator {
 public:
  // Routing comes from USE_TEMPLATE_HOST_SERVICE / TEMPLATE_HOST_SERVICE_URL.
  explicit TemplateManager(ktrdr::HostServices services);

  // points (required), window, start, slope; window must be smaller than points.
  static ktrdr::ParamSchema schema();
  // Starts an average for a request whose params passed schema(); returns the operation id.
  ktrdr::Result<std::string> start_moving_average(const ktrdr::OperationRequest& request);

 private:
  // The operation body, on the executor. Its result, or partial result when cancelled:
  // {"points", "window", "processed", "averages", "last_average", "seconds"}.
  static ktrdr::Json moving_average(ktrdr::OperationContext& context);
};

}  // namespace template_plugin
