// TrainingHostService: the training host service's own endpoints (KTRDR's), served by
// `ktrdr serve --plugin training` next to the operations API — POST /training/start, GET
// /training/status/{id}, POST /training/stop (returns once the session stopped), GET
// /training/sessions — over the TrainingManager and operations registry of that process.
// Thread-safe; the routes hold pointers to the manager and registry, which outlive them.
#pragma once

#include <utility>
#include <vector>

#include "ktrdr/sdk/operations_registry.hpp"
#include "ktrdr/sdk/plugin_api.hpp"
#include "training_manager.hpp"

namespace ktrdr::training {

class TrainingHostService {
 public:
  // `resolve_path`: how the host resolves (and confines) the paths a request names.
  TrainingHostService(TrainingManager& manager, OperationRegistry& registry,
                      ParamSchema::PathResolver resolve_path)
      : manager_(&manager), registry_(&registry), resolve_path_(std::move(resolve_path)) {}

  //   POST /training/start   {strategy, symbols?, timeframes?, start?, end?, data_dir?,
  //                           models_dir?, device?, seed?, threads?, name?}
  //                          → 202 {"session_id", "status": "started"}; bad params → 400
  //   GET  /training/status/{id} → {"session_id", "status", "progress": {"percentage",
  //                          "message", "phase", "epoch", "total_epochs", "batch",
  //                          "total_batches"}, "metrics": {losses, accuracy},
  //                          "metrics_history": [{per finished epoch}], "device",
  //                          "memory": {"rss_bytes"}, "result"?, "error"?}
  //   POST /training/stop    {session_id} → {"session_id", "status", "stopped_in_ms"} once
  //                          the session has stopped (cancelled, or already finished)
  //   GET  /training/sessions → {"sessions": [{"session_id", "name", "status", "percentage",
  //                          "created_at"}]}
  std::vector<RouteSpec> routes() const;

 private:
  TrainingManager* manager_;
  OperationRegistry* registry_;
  ParamSchema::PathResolver resolve_path_;
};

}  // namespace ktrdr::training
