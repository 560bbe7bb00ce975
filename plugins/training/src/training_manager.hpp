// TrainingManager: the training domain's ServiceOrchestrator (simple delegation) — starts
// training.train, training.evaluate and training.features as managed operations, in-process
// (LocalTrainer) or, per USE_TRAINING_HOST_SERVICE / TRAINING_HOST_SERVICE_URL or the job, on
// the training host service (`ktrdr serve --plugin training`), whose progress is mirrored here
// and which is cancelled there on cancel. Thread-safe.
#pragma once

#include "ktrdr/sdk/service_orchestrator.hpp"

namespace ktrdr::training {

// Where `ktrdr serve --plugin training` listens unless TRAINING_HOST_SERVICE_URL says otherwise.
inline constexpr const char* kDefaultTrainingHostServiceUrl = "http://127.0.0.1:5002";

class TrainingManager final : public ServiceOrchestrator {
 public:
  explicit TrainingManager(HostServices services, EnvLookup env = process_env());

  // Start a request whose params passed the kind's schema; return the operation id.
  Result<std::string> start_train(const OperationRequest& request);
  Result<std::string> start_evaluate(const OperationRequest& request);
  Result<std::string> start_features(const OperationRequest& request);

  // {"ok", "device", "cuda_available", "threads", "blas"}: what training here would run on.
  static Json health();
};

}  // namespace ktrdr::training
