#include "training_manager.hpp"

#include <torch/cuda.h>

#include <thread>

#include "thread_budget.hpp"
#include "training_jobs.hpp"
#include "training_progress_renderer.hpp"

namespace ktrdr::training {
namespace {

// Reads the request when the operation starts (the strategy file as it is then), so a file
// that changed or vanished since the job was checked fails the operation with its error.
template <class Run>
OperationBody body(Run run) {
  return [run](OperationContext& context) {
    auto request = TrainingRequest::from_params(context.params());
    if (!request) throw ErrorException(std::move(request).error());
    return run(context, std::move(request).value());
  };
}

}  // namespace

TrainingManager::TrainingManager(HostServices services, EnvLookup env)
    : ServiceOrchestrator(services, "TRAINING", kDefaultTrainingHostServiceUrl,
                          std::make_shared<TrainingProgressRenderer>(), std::move(env)) {}

Result<std::string> TrainingManager::start_train(const OperationRequest& request) {
  return start_managed_operation(request, body(&run_training));
}

Result<std::string> TrainingManager::start_evaluate(const OperationRequest& request) {
  return start_managed_operation(request, body(&run_evaluation));
}

Result<std::string> TrainingManager::start_features(const OperationRequest& request) {
  return start_managed_operation(request, body(&run_feature_export));
}

Json TrainingManager::health() {
  const bool cuda = torch::cuda::is_available();
  Json health = Json::object();
  health.set("ok", true)
      .set("device", cuda ? "cuda" : "cpu")
      .set("cuda_available", cuda)
      .set("hardware_threads", std::thread::hardware_concurrency())
      .set("blas", active_blas_library());
  return health;
}

}  // namespace ktrdr::training
