// The training plugin's two exports: its descriptor (read by the engine before loading) and its
// register function — job kinds training.train, training.evaluate and training.features, the
// renderer, the TrainingAdapter switch, and the training host service's routes and health check
// for `ktrdr serve --plugin training`.
#include <memory>

#include "ktrdr/sdk/plugin_api.hpp"
#include "training_host_service.hpp"
#include "training_manager.hpp"
#include "training_request.hpp"

KTRDR_PLUGIN_DESCRIPTOR("training", KTRDR_TRAINING_PLUGIN_VERSION,
                        "training.train,training.evaluate,training.features");

extern "C" KTRDR_PLUGIN_EXPORT void ktrdr_plugin_register(ktrdr::PluginRegistrar& registrar) {
  using namespace ktrdr::training;
  auto manager = std::make_shared<TrainingManager>(registrar.host());
  ktrdr::register_domain<TrainingManager>(
      registrar, manager,
      {.name = "TrainingAdapter",
       .description = "trains in-process (LocalTrainer), or on `ktrdr serve --plugin training`"},
      {{.kind = kTrainKind,
        .description = "Train a strategy's MLP on stored bars (LibTorch)",
        .schema = TrainingRequest::train_schema(),
        .start = &TrainingManager::start_train},
       {.kind = kEvaluateKind,
        .description = "Evaluate a saved model on other symbols or dates",
        .schema = TrainingRequest::evaluate_schema(),
        .start = &TrainingManager::start_evaluate},
       {.kind = kFeaturesKind,
        .description = "Write a strategy's features and labels to CSV",
        .schema = TrainingRequest::features_schema(),
        .start = &TrainingManager::start_features}});
  const ktrdr::HostServices& host = registrar.host();
  for (auto& route : TrainingHostService(*manager, *host.registry, host.resolve_path).routes()) {
    registrar.add_route(std::move(route));
  }
  registrar.add_health_check({.name = "torch", .check = &TrainingManager::health});
}
