// TrainingProgress: how a training run reports itself — the spec's context
// {"operation":"model_training","model_type","symbols","timeframes","current_epoch",
// "total_epochs","current_batch","total_batches"} plus the phase, losses and accuracy, and
// before training the symbol/timeframe/indicator in hand, and the finished epochs' metrics; the
// pipeline's phases, each with its
// share of the percentage, epochs counted cumulatively. Thread-safe (the reporter is).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/progress.hpp"

namespace ktrdr::training {

enum class TrainingPhase : std::size_t {
  kLoadData,
  kIndicators,
  kFeatures,
  kSplit,
  kTrain,
  kTest,
  kSave,
};

std::string_view to_string(TrainingPhase phase) noexcept;

// One batch's (or epoch's) standing, as the trainer reports it.
struct EpochProgress {
  std::size_t epoch = 0;  // 1-based
  std::size_t total_epochs = 0;
  std::size_t batch = 0;  // 1-based, within the epoch
  std::size_t total_batches = 0;
  std::optional<double> train_loss;
  std::optional<double> val_loss;
  std::optional<double> val_accuracy;
};

class TrainingProgress {
 public:
  TrainingProgress(ProgressReporter& reporter, std::string_view model_type,
                   const std::vector<std::string>& symbols,
                   const std::vector<std::string>& timeframes);

  // Enters `phase` (its range of the percentage); returns it for finer updates.
  ProgressStep enter(TrainingPhase phase);
  // What the current phase works on now ("AAPL", "1h", "rsi"); empty values are left out.
  void working_on(std::string_view symbol, std::string_view timeframe = {},
                  std::string_view indicator = {});
  // Training's standing: moves the train phase to (epochs done + batch share) / total epochs.
  void training(const EpochProgress& progress);
  // Appends a finished epoch's figures ({"epoch", "train_loss", "val_loss", "val_accuracy", …})
  // to the context's "epochs" list, the metrics history a status request shows.
  void epoch_done(const Json& metrics);

 private:
  ProgressReporter& reporter_;
  Json context_;
  PhasePlan plan_;
  std::optional<ProgressStep> train_step_;
};

}  // namespace ktrdr::training
