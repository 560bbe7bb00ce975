// LocalTrainer: trains a strategy's MLP in this process with LibTorch — cross-entropy over the
// three labels (rows weighed by class and, with symbol balancing, by symbol), Adam / SGD /
// RMSprop with weight decay, an optional learning-rate schedule (step, exponential,
// reduce-on-plateau, cosine: PyTorch's, stepped once per epoch) and gradient-norm clipping,
// mini-batches of train rows shuffled each epoch by a seeded generator, per-epoch metrics, early
// stopping, and at the end the weights of the best epoch (deep copies of parameters and buffers
// taken when it ended). Cancellable between any two batches; reports progress every few batches
// without allocating. The parameters are kept in one flat tensor (each a view of it) so that
// each optimizer step (and clipping) is a few operations on one tensor rather than a few per
// parameter: on the benchmark MLP that makes LocalTrainer ~1.2× faster than a plain LibTorch
// loop (docs/performance.md, train_mlp).
// Reproducible on the CPU: the same data, spec, seed and thread budget give the same metrics
// and weights. A LocalTrainer is immutable; train() may run on several threads at once only
// with the same thread budget (see thread_budget.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "feature_matrix.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"
#include "mlp_model.hpp"
#include "strategy.hpp"
#include "thread_budget.hpp"
#include "training_progress.hpp"

namespace ktrdr::training {

struct EpochMetrics {
  int epoch = 0;                 // 1-based
  double train_loss = 0.0;       // mean (class-weighted) cross-entropy of the epoch's rows
  double train_accuracy = 0.0;   // share of the epoch's rows predicted right as they were trained
  std::optional<double> val_loss;      // after the epoch; absent without validation rows
  std::optional<double> val_accuracy;  // likewise
  double learning_rate = 0.0;     // the rate this epoch trained with (the schedule's)
  double duration_seconds = 0.0;  // training and validation

  // {"epoch", "train_loss", "train_accuracy", "val_loss"?, "val_accuracy"?, "learning_rate",
  //  "duration_seconds"}
  Json to_json() const;
};

// Handed to the progress callback every `progress_interval_batches` batches and after each
// epoch's last batch, on the training thread.
struct TrainerProgress {
  int current_epoch = 0;           // 1-based
  int total_epochs = 0;            // as configured; early stopping may end the run before
  std::int64_t current_batch = 0;  // 1-based, within the epoch
  std::int64_t total_batches = 0;  // per epoch
  std::int64_t batches_done = 0;   // over the whole run, across epochs
  double train_loss = 0.0;         // mean loss of this epoch's rows trained so far
  std::optional<double> val_loss;  // of the last completed epoch; absent before the first
  std::optional<double> val_accuracy;

  // As training_progress.hpp's EpochProgress, which feeds the operation's ProgressReporter.
  EpochProgress epoch_progress() const;
};
using TrainerProgressCallback = std::function<void(const TrainerProgress&)>;
// After each epoch, on the training thread, with the model as that epoch left it (eval mode).
using EpochEndCallback = std::function<void(const EpochMetrics&, const MlpModelImpl&)>;

struct TrainerOptions {
  DeviceKind device = DeviceKind::kAuto;
  std::uint64_t seed = 42;  // initial weights, dropout masks and the shuffles
  ThreadBudget threads;     // applied at the start of train()
  int progress_interval_batches = 10;   // 1–50 (clamped)
  std::int64_t eval_batch_rows = 8192;  // rows per forward pass when validating
  EpochEndCallback on_epoch_end;        // optional
};

struct TrainingResult {
  // The best epoch's weights, in eval mode, on `device`, without gradients. Its parameters
  // are views of one flat tensor (save_model writes that storage once).
  MlpModel model{nullptr};
  std::vector<EpochMetrics> history;  // one per epoch run
  int best_epoch = 0;                 // 1-based index into history (+1)
  int epochs_run = 0;
  bool stopped_early = false;
  std::string device;  // "cpu" or "cuda"
  AppliedThreadBudget threads;
  std::int64_t train_rows = 0;
  std::int64_t validation_rows = 0;
  std::int64_t features = 0;
  std::array<double, 3> class_weights{1.0, 1.0, 1.0};  // BUY, HOLD, SELL, as the loss used them
  // With symbol balancing, each train symbol and the weight of its rows in the loss (times the
  // class weight): rows / (S · rows of the symbol), S the symbols with rows; 0 for a symbol
  // without train rows. Empty without symbol balancing.
  std::vector<std::pair<std::string, double>> symbol_weights;
  double seconds = 0.0;             // the whole run
  double samples_per_second = 0.0;  // train rows × epochs run / seconds

  // Everything but the model's weights: {"device", "epochs_run", "best_epoch",
  // "stopped_early", "seconds", "samples_per_second", "train_rows", "validation_rows",
  // "features", "class_weights": {"BUY", "HOLD", "SELL"}, "symbol_weights": {symbol: weight}
  // (only with symbol balancing), "architecture", "threads", "history": [..]}
  Json to_json() const;
};

// Moves every parameter of `module` into one flat tensor: each parameter becomes a view of it
// (still the module's leaf parameter, same values) and its gradient a view of one flat
// gradient, which backward accumulates into in place. Returns the flat tensor, whose gradient
// is the flat gradient. Handed to an optimizer as its only parameter, zeroing the gradients and
// each step run a few operations on one tensor instead of a few per parameter; Adam, SGD and
// RMSprop being elementwise, the weights come out bit for bit as with the parameters one by one.
// The module must not be moved to another device afterwards (that would undo the views).
torch::Tensor flatten_parameters(torch::nn::Module& module);

class LocalTrainer {
 public:
  explicit LocalTrainer(ModelSpec spec, TrainerOptions options = {});

  // Trains on `train` and validates on `validation` (may have no rows: the monitor then uses
  // the train metrics). The matrices are read in place (no copy on the CPU) and must outlive
  // the call. The best epoch is the first, then any whose monitored metric
  // (spec.early_stopping.monitor) beats the best so far by more than min_delta; with early
  // stopping enabled the run ends once `patience` epochs in a row have not. The same monitored
  // value drives the reduce-on-plateau schedule. The validation loss weighs rows as the
  // training loss does (class and symbol weights, the latter counted on the train rows).
  // Errors: invalid_argument (spec out of range, no train rows, inconsistent matrix sizes,
  // column counts that differ, a label outside 0–2; with symbol balancing, a row without a
  // valid symbol index or validation rows listing other symbols); unavailable (CUDA asked
  // for, none usable); internal (LibTorch failed). Throws CancelledError when `token` is
  // cancelled, at the next batch.
  Result<TrainingResult> train(const FeatureMatrix& train, const FeatureMatrix& validation,
                               const CancellationToken& token = {},
                               const TrainerProgressCallback& progress = {}) const;

  const ModelSpec& spec() const noexcept { return spec_; }
  const TrainerOptions& options() const noexcept { return options_; }

 private:
  ModelSpec spec_;
  TrainerOptions options_;
};

}  // namespace ktrdr::training
