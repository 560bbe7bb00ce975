// Strategy: a training strategy as KTRDR's YAML files declare it (v2 shape, with v3's
// indicator map and `nn_inputs` also accepted) — data, indicators, fuzzy sets, model, labels
// and split — read and checked in full before anything runs; errors name file, line and key.
// Plain value; thread-compatible.
#pragma once

#include <array>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "fuzzy_set.hpp"
#include "indicator.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"
#include "raw_input.hpp"

namespace ktrdr::training {

enum class Activation { kRelu, kTanh, kSigmoid, kLeakyRelu };
enum class OptimizerKind { kAdam, kSgd, kRmsprop };
enum class MonitorMetric { kValLoss, kValAccuracy };
enum class LabelMethod { kSegments, kFirstTouch };
enum class ClassWeighting { kNone, kBalanced, kGiven };
enum class LrSchedule { kNone, kStep, kExponential, kReduceOnPlateau, kCosine };

// How the training loss weighs the classes: not at all, inversely to their shares of the train
// rows (rows / (3 · rows of the class), as scikit-learn's "balanced"), or by the weights given
// (BUY, HOLD, SELL; 1 for a class not named).
struct ClassWeights {
  ClassWeighting mode = ClassWeighting::kNone;
  std::array<double, 3> given{1.0, 1.0, 1.0};
};

// How the learning rate changes over epochs (KTRDR's `lr_scheduler`, after PyTorch's
// schedulers): every `step_size` epochs × gamma; each epoch × gamma; × factor once the
// monitored validation metric has not improved for `patience` epochs; cosine from the rate down
// to 0 over the configured epochs.
struct LrScheduler {
  LrSchedule type = LrSchedule::kNone;
  int step_size = 30;
  double gamma = 0.1;  // 0.95 by default for exponential
  double factor = 0.5;
  int patience = 5;
};

struct EarlyStopping {
  bool enabled = false;
  int patience = 10;
  MonitorMetric monitor = MonitorMetric::kValLoss;
  double min_delta = 0.0;
};

struct ModelSpec {
  std::string type = "mlp";
  std::vector<int> hidden_layers{64, 32};
  Activation activation = Activation::kRelu;
  double dropout = 0.0;
  int lookback_periods = 0;     // lagged copies of each feature
  // `model.features.include_price_context`: price features beside the memberships
  // (price_context.hpp), over the strategy's moving averages.
  bool include_price_context = false;
  bool scale_features = false;  // standardise, fitted on the training split only
  double learning_rate = 0.001;
  int batch_size = 32;
  int epochs = 50;
  OptimizerKind optimizer = OptimizerKind::kAdam;
  double weight_decay = 0.0;
  EarlyStopping early_stopping;
  ClassWeights class_weights;
  LrScheduler lr_scheduler;
  double gradient_clip = 0.0;     // largest L2 norm of all gradients together; 0: no clipping
  bool symbol_balancing = false;  // several symbols: each weighs the same in the loss
  // `model.symbol_embedding_dim`: each symbol's learned vector of this many values is appended
  // to its rows' features (KTRDR's multi-symbol MLP); 0: no symbol input.
  int symbol_embedding_dim = 0;
  std::optional<int> input_size;  // `model.input_size`: the feature count training must find
};

struct LabelSpec {
  std::string source = "zigzag";
  double zigzag_threshold = 0.03;  // a swing of this fraction starts a new leg
  int label_lookahead = 20;        // bars a first-touch label may look ahead
  LabelMethod method = LabelMethod::kSegments;  // KTRDR's rule unless the file says otherwise
};

struct DataSplit {
  double train = 0.7;
  double validation = 0.15;
  double test = 0.15;
};

struct Strategy {
  std::string name;
  std::string description;
  std::vector<std::string> symbols;
  std::vector<Timeframe> timeframes;  // all used; base_timeframe first
  Timeframe base_timeframe = Timeframe::k1h;
  int history_required = 0;
  std::vector<IndicatorSpec> indicators;
  std::vector<FuzzySetSpec> fuzzy_sets;  // in file order
  std::vector<RawInput> raw_inputs;      // v3 `nn_inputs` with `raw_indicator`, in file order
  ModelSpec model;
  LabelSpec labels;
  DataSplit split;
  // `training.date_range`: the rows' range when a job gives no start / end (end exclusive).
  std::optional<std::chrono::sys_seconds> start;
  std::optional<std::chrono::sys_seconds> end;
  // What the file asks that is done as KTRDR does it but differs from what it says (a parameter
  // KTRDR ignores): "<file>:<line>: `<key.path>` …", for the jobs' warnings.
  std::vector<std::string> warnings;
  std::filesystem::path source_file;  // where it was read from
  Json document;                      // the file as read (kept with the model's artifacts)

  // Reads and checks a strategy file: every key known (unknown keys are errors), every
  // indicator made by make_indicator, every fuzzy set by FuzzySet::create and reading an
  // indicator output that exists, splits each in [0, 1] summing to 1 (±1e-6), positive sizes
  // and rates. Errors: kIo (unreadable), kParse (YAML) or kInvalidArgument, each message
  // "<file>:<line>: `<key.path>` <what is wrong>", context {"file", "line", "field"}.
  static Result<Strategy> load(const std::filesystem::path& file);
};

// "relu"… / "adam"… / "val_loss"…: the names the YAML uses.
std::string_view to_string(Activation activation) noexcept;
std::string_view to_string(OptimizerKind optimizer) noexcept;
std::string_view to_string(MonitorMetric metric) noexcept;
std::string_view to_string(LabelMethod method) noexcept;
std::string_view to_string(ClassWeighting weighting) noexcept;
std::string_view to_string(LrSchedule schedule) noexcept;

}  // namespace ktrdr::training
