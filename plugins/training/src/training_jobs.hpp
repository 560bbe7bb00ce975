// The bodies of the training domain's operations: training.train (dataset → chronological
// split → scaling fitted on train → LocalTrainer → test metrics → artifacts), training.evaluate
// (a saved model on other symbols or dates) and training.features (the strategy's indicator
// outputs, features and labels written as CSV). Each reports its phases and throws CancelledError when cancelled;
// nothing is written by a run that fails or is cancelled.
#pragma once

#include "ktrdr/sdk/service_orchestrator.hpp"
#include "training_request.hpp"

namespace ktrdr::training {

// {"strategy", "model_path", "symbols", "timeframes", "device", "rows": {"train",
// "validation", "test", "test_from"}, "features", "epochs_run", "best_epoch", "stopped_early",
// "best_epoch_metrics": {…}, "history": [{…} per epoch], "test_metrics": ClassificationMetrics, "samples_per_second",
// "duration_seconds"}
Json run_training(OperationContext& context, const TrainingRequest& request);

// {"model_path", "strategy", "symbols", "timeframes", "rows", "test_metrics", "duration_seconds"}
Json run_evaluation(OperationContext& context, TrainingRequest request);

// {"files": [{"symbol", "file", "rows", "columns"}], "features": [names], "duration_seconds"}
Json run_feature_export(OperationContext& context, const TrainingRequest& request);

}  // namespace ktrdr::training
