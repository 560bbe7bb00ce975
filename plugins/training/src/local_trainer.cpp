#include "local_trainer.hpp"

#include <ATen/CPUGeneratorImpl.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <numbers>
#include <string>
#include <torch/torch.h>
#include <tuple>
#include <utility>
#include <vector>

#include "class_weights.hpp"

namespace ktrdr::training {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The shuffles' generator: a stream apart from the model's (which uses `seed` as is).
std::uint64_t shuffle_seed(std::uint64_t seed) { return seed ^ 0x5DEECE66DULL; }

Result<void> check_spec(const ModelSpec& spec) {
  const auto bad = [](std::string field, std::string what) {
    return Error::invalid_argument("`model." + field + "` " + what, {{"field", "model." + field}});
  };
  if (spec.epochs < 1) return bad("epochs", "must be at least 1");
  if (spec.batch_size < 1) return bad("batch_size", "must be at least 1");
  if (!(spec.learning_rate > 0.0) || !std::isfinite(spec.learning_rate)) {
    return bad("learning_rate", "must be a positive number");
  }
  if (!(spec.weight_decay >= 0.0) || !std::isfinite(spec.weight_decay)) {
    return bad("weight_decay", "must be a non-negative number");
  }
  if (spec.early_stopping.patience < 0) {
    return bad("early_stopping.patience", "must not be negative");
  }
  if (!(spec.early_stopping.min_delta >= 0.0)) {
    return bad("early_stopping.min_delta", "must not be negative");
  }
  const LrScheduler& scheduler = spec.lr_scheduler;
  if (scheduler.step_size < 1) return bad("lr_scheduler.step_size", "must be at least 1");
  if (!(scheduler.gamma > 0.0 && scheduler.gamma <= 1.0)) {
    return bad("lr_scheduler.gamma", "must be in (0, 1]");
  }
  if (!(scheduler.factor > 0.0 && scheduler.factor <= 1.0)) {
    return bad("lr_scheduler.factor", "must be in (0, 1]");
  }
  if (scheduler.patience < 0) return bad("lr_scheduler.patience", "must not be negative");
  if (!(spec.gradient_clip >= 0.0) || !std::isfinite(spec.gradient_clip)) {
    return bad("gradient_clip", "must be a non-negative number");
  }
  return {};
}

// invalid_argument unless every row of `m` names one of its symbols (symbol balancing reads them).
Result<void> check_symbols(const FeatureMatrix& m, std::string_view name) {
  if (m.symbol_index.size() != m.rows()) {
    return Error::invalid_argument(std::string(name) + " rows: " +
                                   std::to_string(m.symbol_index.size()) + " symbol indices for " +
                                   std::to_string(m.rows()) + " rows");
  }
  for (std::size_t i = 0; i < m.rows(); ++i) {
    if (m.symbol_index[i] < 0 || static_cast<std::size_t>(m.symbol_index[i]) >= m.symbols.size()) {
      return Error::invalid_argument(std::string(name) + " row " + std::to_string(i) +
                                     " has symbol index " + std::to_string(m.symbol_index[i]) +
                                     " of " + std::to_string(m.symbols.size()) + " symbols");
    }
  }
  return {};
}

// Symbol balancing: per symbol of m.symbols, rows / (S · rows of the symbol), S the symbols that
// have rows, so every such symbol's rows weigh the same in total; 0 for a symbol without rows.
std::vector<double> symbol_weight_values(const FeatureMatrix& m) {
  std::vector<std::size_t> counts(m.symbols.size(), 0);
  for (const std::int32_t index : m.symbol_index) ++counts[static_cast<std::size_t>(index)];
  const auto present = static_cast<double>(std::count_if(
      counts.begin(), counts.end(), [](std::size_t count) { return count > 0; }));
  std::vector<double> weights(counts.size(), 0.0);
  for (std::size_t s = 0; s < counts.size(); ++s) {
    if (counts[s] > 0) {
      weights[s] = static_cast<double>(m.rows()) / (present * static_cast<double>(counts[s]));
    }
  }
  return weights;
}

// Each row's symbol weight, [rows] float on `device`.
torch::Tensor row_symbol_weights(const FeatureMatrix& m, const std::vector<double>& weights,
                                 torch::Device device) {
  std::vector<float> per_row;
  per_row.reserve(m.rows());
  for (const std::int32_t index : m.symbol_index) {
    per_row.push_back(static_cast<float>(weights[static_cast<std::size_t>(index)]));
  }
  return torch::tensor(per_row).to(device);
}

// Each row's weight in the loss: its class's (class_weight [3], undefined: 1) times its own
// (row_weight [rows], undefined: 1); undefined when both are.
torch::Tensor loss_weights(const torch::Tensor& target, const torch::Tensor& class_weight,
                           const torch::Tensor& row_weight) {
  if (!class_weight.defined()) return row_weight;
  const torch::Tensor by_class = class_weight.index_select(0, target);
  return row_weight.defined() ? by_class * row_weight : by_class;
}

// The learning rate of each epoch under spec.lr_scheduler, as PyTorch's schedulers stepped once
// at the end of every epoch: StepLR, ExponentialLR, CosineAnnealingLR (T_max = the epochs,
// eta_min 0), and ReduceLROnPlateau with threshold 0 and no cooldown (the rate × factor at the
// end of the (patience + 1)-th epoch in a row whose monitored value is not strictly better than
// the best so far; the count then restarts).
class LearningRateSchedule {
 public:
  explicit LearningRateSchedule(const ModelSpec& spec)
      : config_(spec.lr_scheduler),
        initial_(spec.learning_rate),
        epochs_(spec.epochs),
        rate_(spec.learning_rate) {}

  // The rate of the epoch under way.
  double rate() const noexcept { return rate_; }

  // Ends epoch `epoch` (1-based), whose monitored value was `value` (better when lower if
  // `lower_is_better`), and sets the next epoch's rate.
  void end_epoch(int epoch, double value, bool lower_is_better) {
    switch (config_.type) {
      case LrSchedule::kNone: return;
      case LrSchedule::kStep:
        rate_ = initial_ * std::pow(config_.gamma, epoch / config_.step_size);
        return;
      case LrSchedule::kExponential: rate_ = initial_ * std::pow(config_.gamma, epoch); return;
      case LrSchedule::kCosine:
        rate_ = initial_ * (1.0 + std::cos(std::numbers::pi * epoch / epochs_)) / 2.0;
        return;
      case LrSchedule::kReduceOnPlateau:
        if (epoch == 1 || (lower_is_better ? value < best_ : value > best_)) {
          best_ = value;
          bad_epochs_ = 0;
        } else if (++bad_epochs_ > config_.patience) {
          rate_ *= config_.factor;
          bad_epochs_ = 0;
        }
        return;
    }
  }

 private:
  LrScheduler config_;
  double initial_;
  int epochs_;
  double rate_;
  double best_ = 0.0;   // reduce_on_plateau: the best monitored value so far (from epoch 1)
  int bad_epochs_ = 0;  // reduce_on_plateau: epochs since it last improved
};

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const ModelSpec& spec,
                                                        std::vector<torch::Tensor> parameters) {
  switch (spec.optimizer) {
    case OptimizerKind::kSgd:
      return std::make_unique<torch::optim::SGD>(
          std::move(parameters),
          torch::optim::SGDOptions(spec.learning_rate).weight_decay(spec.weight_decay));
    case OptimizerKind::kRmsprop:
      return std::make_unique<torch::optim::RMSprop>(
          std::move(parameters),
          torch::optim::RMSpropOptions(spec.learning_rate).weight_decay(spec.weight_decay));
    case OptimizerKind::kAdam: break;
  }
  return std::make_unique<torch::optim::Adam>(
      std::move(parameters),
      torch::optim::AdamOptions(spec.learning_rate).weight_decay(spec.weight_decay));
}

[[noreturn]] void throw_cancelled(const CancellationToken& token, int epoch, std::int64_t batch,
                                  std::int64_t batches) {
  token.throw_if_cancelled("training: epoch " + std::to_string(epoch) + ", batch " +
                           std::to_string(batch) + " of " + std::to_string(batches));
  throw CancelledError(token.reason(), token.reason_text(), "training");  // not reached
}

// Deep copies of a module's parameters and buffers, refreshed in place (no reallocation) at
// each new best epoch and copied back at the end.
class WeightSnapshot {
 public:
  explicit WeightSnapshot(const torch::nn::Module& module) {
    for (const torch::Tensor& p : module.parameters()) live_.push_back(p);
    for (const torch::Tensor& b : module.buffers()) live_.push_back(b);
    for (const torch::Tensor& t : live_) saved_.push_back(t.detach().clone());
  }
  void take() {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < live_.size(); ++i) saved_[i].copy_(live_[i]);
  }
  void restore() {
    torch::NoGradGuard no_grad;
    for (std::size_t i = 0; i < live_.size(); ++i) live_[i].copy_(saved_[i]);
  }

 private:
  std::vector<torch::Tensor> live_;   // the module's own tensors
  std::vector<torch::Tensor> saved_;  // separate storage
};

}  // namespace

torch::Tensor flatten_parameters(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> parameters = module.parameters();
  if (parameters.empty()) return {};
  std::int64_t total = 0;
  for (const torch::Tensor& p : parameters) total += p.numel();
  const torch::TensorOptions options = parameters.front().options().requires_grad(false);
  torch::Tensor flat = torch::empty({total}, options);
  const torch::Tensor flat_grad = torch::zeros({total}, options);
  std::int64_t offset = 0;
  for (torch::Tensor& p : parameters) {
    const std::int64_t n = p.numel();
    const torch::Tensor slot = flat.narrow(0, offset, n);
    slot.copy_(p.reshape({n}));
    p.set_data(slot.view(p.sizes()));
    p.mutable_grad() = flat_grad.narrow(0, offset, n).view(p.sizes());
    offset += n;
  }
  flat.mutable_grad() = flat_grad;
  return flat;
}

EpochProgress TrainerProgress::epoch_progress() const {
  return {.epoch = static_cast<std::size_t>(current_epoch),
          .total_epochs = static_cast<std::size_t>(total_epochs),
          .batch = static_cast<std::size_t>(current_batch),
          .total_batches = static_cast<std::size_t>(total_batches),
          .train_loss = train_loss,
          .val_loss = val_loss,
          .val_accuracy = val_accuracy};
}

Json EpochMetrics::to_json() const {
  Json json = Json::object();
  json.set("epoch", epoch);
  json.set("train_loss", train_loss);
  json.set("train_accuracy", train_accuracy);
  if (val_loss) json.set("val_loss", *val_loss);
  if (val_accuracy) json.set("val_accuracy", *val_accuracy);
  json.set("learning_rate", learning_rate);
  json.set("duration_seconds", duration_seconds);
  return json;
}

Json TrainingResult::to_json() const {
  Json json = Json::object();
  json.set("device", device);
  json.set("epochs_run", epochs_run);
  json.set("best_epoch", best_epoch);
  json.set("stopped_early", stopped_early);
  json.set("seconds", seconds);
  json.set("samples_per_second", samples_per_second);
  json.set("train_rows", train_rows);
  json.set("validation_rows", validation_rows);
  json.set("features", features);
  Json weights = Json::object();
  weights.set("BUY", class_weights[0]).set("HOLD", class_weights[1]).set("SELL", class_weights[2]);
  json.set("class_weights", weights);
  if (!symbol_weights.empty()) {
    Json by_symbol = Json::object();
    for (const auto& [symbol, weight] : symbol_weights) by_symbol.set(symbol, weight);
    json.set("symbol_weights", by_symbol);
  }
  if (model) json.set("architecture", model->architecture().to_json());
  json.set("threads", threads.to_json());
  Json epochs = Json::array();
  for (const EpochMetrics& metrics : history) epochs.push_back(metrics.to_json());
  json.set("history", epochs);
  return json;
}

LocalTrainer::LocalTrainer(ModelSpec spec, TrainerOptions options)
    : spec_(std::move(spec)), options_(std::move(options)) {}

Result<TrainingResult> LocalTrainer::train(const FeatureMatrix& train,
                                           const FeatureMatrix& validation,
                                           const CancellationToken& token,
                                           const TrainerProgressCallback& progress) const {
  if (auto valid = check_spec(spec_); !valid) return std::move(valid).error();
  if (train.rows() == 0) return Error::invalid_argument("no train rows to train on");
  if (auto valid = check_rows(train, "train"); !valid) return std::move(valid).error();
  if (auto valid = check_rows(validation, "validation"); !valid) return std::move(valid).error();
  const bool validating = validation.rows() > 0;
  if (validating && validation.cols() != train.cols()) {
    return Error::invalid_argument("validation rows have " + std::to_string(validation.cols()) +
                                   " features, train rows " + std::to_string(train.cols()));
  }
  if (spec_.symbol_balancing) {
    if (auto valid = check_symbols(train, "train"); !valid) return std::move(valid).error();
    if (auto valid = check_symbols(validation, "validation"); !valid) {
      return std::move(valid).error();
    }
    if (validating && validation.symbols != train.symbols) {
      return Error::invalid_argument(
          "symbol balancing: the validation rows list other symbols than the train rows");
    }
  }
  const MlpArchitecture architecture =
      MlpArchitecture::from_spec(spec_, static_cast<int>(train.cols()), train.symbols);
  if (auto valid = architecture.validate(); !valid) return std::move(valid).error();
  auto resolved = resolve_device(options_.device);
  if (!resolved) return std::move(resolved).error();
  const torch::Device device = *resolved;
  token.throw_if_cancelled("training: before the first epoch");

  const Clock::time_point run_start = Clock::now();
  TrainingResult result;
  result.threads = apply_thread_budget(options_.threads);
  result.device = device.is_cuda() ? "cuda" : "cpu";
  result.train_rows = static_cast<std::int64_t>(train.rows());
  result.validation_rows = static_cast<std::int64_t>(validation.rows());
  result.features = static_cast<std::int64_t>(train.cols());

  try {
    const auto [x_train, y_train] = row_tensors(train, device);
    torch::Tensor x_val;
    torch::Tensor y_val;
    if (validating) std::tie(x_val, y_val) = row_tensors(validation, device);
    // Each row's symbol, for a symbol embedding (undefined without one).
    auto ids_train = symbol_ids(architecture, train, device);
    if (!ids_train) return std::move(ids_train).error();
    auto ids_val = validating ? symbol_ids(architecture, validation, device) : torch::Tensor();
    if (!ids_val) return std::move(ids_val).error();

    result.class_weights = class_weight_values(spec_.class_weights, train.labels);
    // Undefined (no weighting) unless the strategy asks for weights.
    torch::Tensor class_weight;
    if (spec_.class_weights.mode != ClassWeighting::kNone) {
      class_weight = torch::tensor(std::vector<float>(result.class_weights.begin(),
                                                      result.class_weights.end()))
                         .to(device);
    }
    // Symbol balancing's weight of each row; undefined (all 1) without it or with one symbol.
    torch::Tensor train_row_weight;
    torch::Tensor val_row_weight;
    if (spec_.symbol_balancing) {
      const std::vector<double> weights = symbol_weight_values(train);
      for (std::size_t s = 0; s < weights.size(); ++s) {
        result.symbol_weights.emplace_back(train.symbols[s], weights[s]);
      }
      if (weights.size() > 1) {
        train_row_weight = row_symbol_weights(train, weights, device);
        if (validating) val_row_weight = row_symbol_weights(validation, weights, device);
      }
    }
    // Each validation row's weight in the validation loss, as in the training loss.
    const torch::Tensor val_weight =
        validating ? loss_weights(y_val, class_weight, val_row_weight) : torch::Tensor();

    MlpModel model(architecture, options_.seed);
    model->to(device);
    const torch::Tensor flat_parameters = flatten_parameters(*model);
    const std::unique_ptr<torch::optim::Optimizer> optimizer =
        make_optimizer(spec_, {flat_parameters});
    LearningRateSchedule schedule(spec_);
    WeightSnapshot best_weights(*model);
    at::Generator shuffle = at::make_generator<at::CPUGeneratorImpl>(shuffle_seed(options_.seed));

    const std::int64_t rows = result.train_rows;
    const std::int64_t batch_size = spec_.batch_size;
    const std::int64_t batches = (rows + batch_size - 1) / batch_size;
    const std::int64_t interval = std::clamp(options_.progress_interval_batches, 1, 50);
    const EarlyStopping& stopping = spec_.early_stopping;
    const bool monitor_loss = stopping.monitor == MonitorMetric::kValLoss;
    // Per-epoch accumulators, allocated once: the loss summed over rows, and each row's
    // predicted label (argmax written in place), compared with the labels once per epoch.
    const torch::Tensor loss_sum =
        torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(device));
    const torch::Tensor predicted =
        torch::empty({rows}, torch::TensorOptions().dtype(torch::kInt64).device(device));

    TrainerProgress report{.total_epochs = spec_.epochs, .total_batches = batches};
    double best_value = 0.0;
    for (int epoch = 1; epoch <= spec_.epochs; ++epoch) {
      token.throw_if_cancelled("training: before epoch " + std::to_string(epoch));
      const Clock::time_point epoch_start = Clock::now();
      model->train();
      // This epoch's order; each batch gathers its rows (a gather per batch stays in cache,
      // where one gather of the whole epoch would write and re-read every row in memory).
      torch::Tensor order =
          torch::randperm(rows, shuffle, torch::TensorOptions().dtype(torch::kInt64));
      if (device.is_cuda()) order = order.to(device);
      loss_sum.zero_();
      report.current_epoch = epoch;

      for (std::int64_t batch = 0; batch < batches; ++batch) {
        if (token.is_cancelled()) throw_cancelled(token, epoch, batch + 1, batches);
        const std::int64_t begin = batch * batch_size;
        const std::int64_t n = std::min(batch_size, rows - begin);
        const torch::Tensor index = order.narrow(0, begin, n);
        const torch::Tensor target = y_train.index_select(0, index);
        const torch::Tensor logits = model->forward(
            x_train.index_select(0, index),
            ids_train->defined() ? ids_train->index_select(0, index) : torch::Tensor());
        torch::Tensor loss;
        if (train_row_weight.defined()) {
          const torch::Tensor weight =
              loss_weights(target, class_weight, train_row_weight.index_select(0, index));
          loss = weighted_cross_entropy_sum(logits, target, weight) / weight.sum();
        } else {
          loss = torch::cross_entropy_loss(logits, target, class_weight);  // the same, fused
        }
        optimizer->zero_grad();
        loss.backward();
        if (spec_.gradient_clip > 0.0) {
          torch::nn::utils::clip_grad_norm_(flat_parameters, spec_.gradient_clip);
        }
        optimizer->step();
        {
          torch::NoGradGuard no_grad;
          loss_sum.add_(loss, static_cast<double>(n));
          at::Tensor slot = predicted.narrow(0, begin, n);
          at::argmax_out(slot, logits, 1);
        }
        if (progress && ((batch + 1) % interval == 0 || batch + 1 == batches)) {
          report.current_batch = batch + 1;
          report.batches_done = static_cast<std::int64_t>(epoch - 1) * batches + batch + 1;
          report.train_loss = loss_sum.item<double>() / static_cast<double>(begin + n);
          progress(report);
        }
      }

      EpochMetrics metrics;
      metrics.epoch = epoch;
      metrics.train_loss = loss_sum.item<double>() / static_cast<double>(rows);
      // predicted[i] is the prediction for row order[i].
      metrics.train_accuracy =
          static_cast<double>(
              predicted.eq(y_train.index_select(0, order)).sum().item<std::int64_t>()) /
          static_cast<double>(rows);
      if (validating) {
        const RowsEvaluation val =
            evaluate_rows(*model, x_val, *ids_val, y_val, val_weight, options_.eval_batch_rows,
                          token, "training: validating epoch " + std::to_string(epoch));
        metrics.val_loss = val.loss;
        metrics.val_accuracy = val.accuracy;
      }
      metrics.learning_rate = optimizer->param_groups().front().options().get_lr();
      metrics.duration_seconds = seconds_since(epoch_start);
      report.val_loss = metrics.val_loss;
      report.val_accuracy = metrics.val_accuracy;

      const double value = monitor_loss ? metrics.val_loss.value_or(metrics.train_loss)
                                        : metrics.val_accuracy.value_or(metrics.train_accuracy);
      const bool improved = result.best_epoch == 0 ||
                            (monitor_loss ? value < best_value - stopping.min_delta
                                          : value > best_value + stopping.min_delta);
      if (improved) {
        best_value = value;
        result.best_epoch = epoch;
        best_weights.take();
      }
      schedule.end_epoch(epoch, value, monitor_loss);
      optimizer->param_groups().front().options().set_lr(schedule.rate());
      result.history.push_back(metrics);
      result.epochs_run = epoch;
      model->eval();
      if (options_.on_epoch_end) options_.on_epoch_end(metrics, *model);
      if (stopping.enabled && epoch < spec_.epochs &&
          epoch - result.best_epoch >= std::max(stopping.patience, 1)) {
        result.stopped_early = true;
        break;
      }
    }

    best_weights.restore();
    for (torch::Tensor& p : model->parameters()) p.mutable_grad() = torch::Tensor();
    model->eval();
    result.model = model;
  } catch (const c10::Error& e) {
    return Error::internal(std::string("LibTorch failed while training: ") +
                           e.what_without_backtrace());
  }
  result.seconds = seconds_since(run_start);
  result.samples_per_second =
      static_cast<double>(result.train_rows) * result.epochs_run / result.seconds;
  return result;
}

}  // namespace ktrdr::training
