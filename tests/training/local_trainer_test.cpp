// LocalTrainer and model files: learning a separable data set with each optimizer, restoring
// the best epoch's weights (as deep copies), early stopping, learning-rate schedules, gradient
// clipping, symbol balancing, a per-symbol embedding, reproducibility from a seed, cancellation
// inside an epoch, progress reports, save → load → identical predictions, the thread budget and
// OpenBLAS, and input errors.
#include "local_trainer.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <numbers>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "class_weights.hpp"
#include "classification_metrics.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "mlp_model.hpp"
#include "model_io.hpp"
#include "temp_dir.hpp"
#include "thread_budget.hpp"

using namespace ktrdr;
using namespace ktrdr::training;
using Clock = std::chrono::steady_clock;

namespace {

// `rows` rows of `cols` features uniform in [-1, 1]; the label is the argmax of three fixed
// random linear functions of the features (linearly separable), plus `label_shift` modulo 3.
// `seed` draws the rows; the three functions are the same for every seed.
FeatureMatrix make_rows(std::size_t rows, std::size_t cols, std::uint64_t seed,
                        int label_shift = 0) {
  std::mt19937_64 weights_rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> weights(3 * cols);
  for (double& w : weights) w = normal(weights_rng);

  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  FeatureMatrix m;
  for (std::size_t c = 0; c < cols; ++c) m.feature_names.push_back("f" + std::to_string(c));
  m.symbols = {"TEST"};
  m.values.resize(rows * cols);
  for (std::size_t r = 0; r < rows; ++r) {
    double best = -1e300;
    std::int64_t label = 0;
    for (std::size_t c = 0; c < cols; ++c) m.values[r * cols + c] = uniform(rng);
    for (std::int64_t k = 0; k < 3; ++k) {
      double score = 0.0;
      for (std::size_t c = 0; c < cols; ++c) {
        score += weights[static_cast<std::size_t>(k) * cols + c] * m.values[r * cols + c];
      }
      if (score > best) {
        best = score;
        label = k;
      }
    }
    m.labels.push_back((label + label_shift) % 3);
    m.timestamps.emplace_back(std::chrono::seconds{static_cast<std::int64_t>(r) * 3600});
    m.symbol_index.push_back(0);
  }
  return m;
}

ModelSpec small_spec(int epochs) {
  ModelSpec spec;
  spec.hidden_layers = {32, 16};
  spec.learning_rate = 0.003;
  spec.batch_size = 32;
  spec.epochs = epochs;
  return spec;
}

TrainerOptions cpu_options(std::uint64_t seed = 42) {
  TrainerOptions options;
  options.device = DeviceKind::kCpu;
  options.seed = seed;
  return options;
}

// Deep copies of a module's parameters and buffers.
std::vector<torch::Tensor> copy_state(const torch::nn::Module& module) {
  std::vector<torch::Tensor> state;
  for (const torch::Tensor& p : module.parameters()) state.push_back(p.detach().clone());
  for (const torch::Tensor& b : module.buffers()) state.push_back(b.detach().clone());
  return state;
}

bool same_state(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!torch::equal(a[i], b[i])) return false;
  }
  return true;
}

TrainingResult train_ok(const LocalTrainer& trainer, const FeatureMatrix& train,
                        const FeatureMatrix& validation,
                        const TrainerProgressCallback& progress = {}) {
  auto result = trainer.train(train, validation, CancellationToken{}, progress);
  if (!result.ok()) FAIL(result.error().message);
  return std::move(result).value();
}

// Mean cross-entropy of the model (eval mode) over the rows.
double loss_over(const MlpModel& model, const FeatureMatrix& m) {
  torch::NoGradGuard no_grad;
  const auto rows = static_cast<std::int64_t>(m.rows());
  const auto cols = static_cast<std::int64_t>(m.cols());
  const torch::Tensor x = torch::from_blob(const_cast<float*>(m.values.data()), {rows, cols});
  const torch::Tensor y =
      torch::from_blob(const_cast<std::int64_t*>(m.labels.data()), {rows}, torch::kInt64);
  return torch::cross_entropy_loss(model.ptr()->forward(x), y).item<double>();
}

}  // namespace

TEST_CASE("LocalTrainer learns a separable data set with each optimizer", "[training][torch]") {
  const FeatureMatrix train = make_rows(3000, 12, 1);
  const FeatureMatrix validation = make_rows(1000, 12, 2);
  struct Case {
    OptimizerKind optimizer;
    double learning_rate;
  };
  for (const Case c : {Case{OptimizerKind::kAdam, 0.003}, Case{OptimizerKind::kRmsprop, 0.001},
                       Case{OptimizerKind::kSgd, 0.1}}) {
    ModelSpec spec = small_spec(15);
    spec.optimizer = c.optimizer;
    spec.learning_rate = c.learning_rate;
    spec.weight_decay = 1e-5;
    INFO("optimizer " << to_string(c.optimizer));
    const TrainingResult result = train_ok(LocalTrainer(spec, cpu_options()), train, validation);
    REQUIRE(result.history.size() == 15);
    CHECK(result.epochs_run == 15);
    CHECK_FALSE(result.stopped_early);
    CHECK(result.device == "cpu");
    CHECK(result.history.back().learning_rate == Approx(c.learning_rate));
    CHECK(result.history.back().train_loss < result.history.front().train_loss);
    const EpochMetrics& best = result.history[static_cast<std::size_t>(result.best_epoch - 1)];
    CHECK(best.val_accuracy.value() > 0.9);
    CHECK(result.history.back().train_accuracy > 0.9);

    // The returned model is the best epoch's: evaluate() agrees with its recorded accuracy.
    auto metrics = evaluate(result.model, validation);
    REQUIRE(metrics.ok());
    CHECK(metrics->accuracy > 0.9);
    CHECK(metrics->accuracy == Approx(best.val_accuracy.value()).margin(1e-12));
    CHECK(metrics->samples == 1000);
  }
}

TEST_CASE("flatten_parameters: the same weights as optimizing parameter by parameter",
          "[training][torch]") {
  const MlpArchitecture architecture{.inputs = 12, .hidden_layers = {24, 8}};
  for (const OptimizerKind kind : {OptimizerKind::kAdam, OptimizerKind::kSgd,
                                   OptimizerKind::kRmsprop}) {
    INFO("optimizer " << to_string(kind));
    const auto make = [kind](std::vector<torch::Tensor> parameters)
        -> std::unique_ptr<torch::optim::Optimizer> {
      switch (kind) {
        case OptimizerKind::kSgd:
          return std::make_unique<torch::optim::SGD>(
              std::move(parameters), torch::optim::SGDOptions(0.05).weight_decay(1e-3));
        case OptimizerKind::kRmsprop:
          return std::make_unique<torch::optim::RMSprop>(
              std::move(parameters), torch::optim::RMSpropOptions(1e-3).weight_decay(1e-3));
        case OptimizerKind::kAdam: break;
      }
      return std::make_unique<torch::optim::Adam>(
          std::move(parameters), torch::optim::AdamOptions(1e-3).weight_decay(1e-3));
    };
    MlpModel one_by_one(architecture, std::uint64_t{5});
    MlpModel flat(architecture, std::uint64_t{5});
    const auto per_parameter = make(one_by_one->parameters());
    const torch::Tensor flat_tensor = flatten_parameters(*flat);
    CHECK(flat_tensor.numel() == 12 * 24 + 24 + 24 * 8 + 8 + 8 * 3 + 3);
    CHECK(same_state(copy_state(*flat), copy_state(*one_by_one)));
    const auto flat_optimizer = make({flat_tensor});
    at::Generator generator = at::detail::createCPUGenerator(3);
    for (int step = 0; step < 100; ++step) {
      const torch::Tensor x = torch::randn({32, 12}, generator, torch::kFloat32);
      const torch::Tensor y = torch::randint(0, 3, {32}, generator, torch::kInt64);
      per_parameter->zero_grad();
      torch::cross_entropy_loss(one_by_one->forward(x), y).backward();
      per_parameter->step();
      flat_optimizer->zero_grad();
      torch::cross_entropy_loss(flat->forward(x), y).backward();
      flat_optimizer->step();
    }
    CHECK(same_state(copy_state(*flat), copy_state(*one_by_one)));
    CHECK_FALSE(same_state(copy_state(*flat), copy_state(*MlpModel(architecture, std::uint64_t{5}))));
  }
}

TEST_CASE("LocalTrainer restores the best epoch's weights, not the last", "[training][torch]") {
  // The validation labels are the train labels shifted by one: the better the model fits the
  // train rows, the worse its validation loss, so the best epoch comes early.
  const FeatureMatrix train = make_rows(2000, 8, 1);
  const FeatureMatrix validation = make_rows(500, 8, 2, /*label_shift=*/1);
  std::vector<std::vector<torch::Tensor>> snapshots;  // per epoch, as the epoch left the model
  TrainerOptions options = cpu_options();
  options.on_epoch_end = [&](const EpochMetrics& metrics, const MlpModelImpl& model) {
    CHECK(metrics.epoch == static_cast<int>(snapshots.size()) + 1);
    snapshots.push_back(copy_state(model));
  };
  const TrainingResult result = train_ok(LocalTrainer(small_spec(8), options), train, validation);
  REQUIRE(result.epochs_run == 8);
  REQUIRE(snapshots.size() == 8);
  REQUIRE(result.best_epoch >= 1);
  REQUIRE(result.best_epoch < result.epochs_run);
  const auto best = static_cast<std::size_t>(result.best_epoch - 1);
  // The best epoch has the lowest validation loss; the last one's is worse.
  for (const EpochMetrics& epoch : result.history) {
    CHECK(epoch.val_loss.value() >= result.history[best].val_loss.value());
  }
  CHECK(result.history.back().val_loss.value() > result.history[best].val_loss.value());

  const std::vector<torch::Tensor> restored = copy_state(*result.model);
  CHECK(same_state(restored, snapshots[best]));
  CHECK_FALSE(same_state(restored, snapshots.back()));
  // And the restored model's validation loss is the best epoch's.
  CHECK(loss_over(result.model, validation) ==
        Approx(result.history[best].val_loss.value()).epsilon(1e-5));
  CHECK_FALSE(result.model->is_training());
  for (const torch::Tensor& p : result.model->parameters()) CHECK_FALSE(p.grad().defined());
}

TEST_CASE("LocalTrainer stops early", "[training][torch]") {
  const FeatureMatrix train = make_rows(2000, 8, 1);
  const FeatureMatrix shifted = make_rows(500, 8, 2, /*label_shift=*/1);

  SECTION("on val_loss: patience epochs after the best one") {
    ModelSpec spec = small_spec(50);
    spec.early_stopping = {.enabled = true, .patience = 3, .monitor = MonitorMetric::kValLoss};
    const TrainingResult result = train_ok(LocalTrainer(spec, cpu_options()), train, shifted);
    CHECK(result.stopped_early);
    CHECK(result.epochs_run == result.best_epoch + 3);
    CHECK(result.history.size() == static_cast<std::size_t>(result.epochs_run));
    CHECK(result.epochs_run < 50);
  }
  SECTION("on val_accuracy with a min_delta no epoch can beat") {
    ModelSpec spec = small_spec(50);
    spec.early_stopping = {.enabled = true,
                           .patience = 2,
                           .monitor = MonitorMetric::kValAccuracy,
                           .min_delta = 0.5};
    const TrainingResult result =
        train_ok(LocalTrainer(spec, cpu_options()), train, make_rows(500, 8, 2));
    CHECK(result.stopped_early);
    CHECK(result.best_epoch == 1);
    CHECK(result.epochs_run == 3);
  }
  SECTION("not when disabled") {
    ModelSpec spec = small_spec(6);
    const TrainingResult result = train_ok(LocalTrainer(spec, cpu_options()), train, shifted);
    CHECK_FALSE(result.stopped_early);
    CHECK(result.epochs_run == 6);
  }
}

TEST_CASE("LocalTrainer follows the learning-rate schedule", "[training][torch]") {
  const FeatureMatrix train = make_rows(400, 6, 1);
  const FeatureMatrix validation = make_rows(200, 6, 2);
  const double lr = 0.01;
  const auto rates = [&](const LrScheduler& scheduler, int epochs) {
    ModelSpec spec = small_spec(epochs);
    spec.learning_rate = lr;
    spec.lr_scheduler = scheduler;
    const TrainingResult result = train_ok(LocalTrainer(spec, cpu_options()), train, validation);
    std::vector<double> out;
    for (const EpochMetrics& epoch : result.history) out.push_back(epoch.learning_rate);
    return out;
  };
  const auto check_rates = [](const std::vector<double>& got, const std::vector<double>& want) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
      INFO("epoch " << i + 1);
      CHECK(got[i] == Approx(want[i]).epsilon(1e-12));
    }
  };

  SECTION("none: the rate throughout") {
    check_rates(rates({}, 3), {lr, lr, lr});
  }
  SECTION("step: × gamma every step_size epochs") {
    check_rates(rates({.type = LrSchedule::kStep, .step_size = 2, .gamma = 0.5}, 5),
                {lr, lr, lr / 2, lr / 2, lr / 4});
  }
  SECTION("exponential: × gamma each epoch") {
    check_rates(rates({.type = LrSchedule::kExponential, .gamma = 0.9}, 4),
                {lr, lr * 0.9, lr * 0.81, lr * 0.729});
  }
  SECTION("cosine: lr · (1 + cos(π · e / epochs)) / 2 for the e-th epoch from 0") {
    std::vector<double> want;
    for (int e = 0; e < 6; ++e) want.push_back(lr * (1.0 + std::cos(std::numbers::pi * e / 6)) / 2);
    check_rates(rates({.type = LrSchedule::kCosine}, 6), want);
  }
  SECTION("reduce_on_plateau: × factor after patience + 1 epochs without a better monitor") {
    // Validation labels shifted by one: the validation loss rises once the model fits the
    // train rows, so it stops improving early. The rates must be PyTorch's ReduceLROnPlateau
    // (threshold 0, no cooldown) replayed over the recorded monitor values.
    const FeatureMatrix shifted = make_rows(200, 6, 2, /*label_shift=*/1);
    for (const MonitorMetric monitor : {MonitorMetric::kValLoss, MonitorMetric::kValAccuracy}) {
      INFO("monitor " << to_string(monitor));
      ModelSpec spec = small_spec(12);
      spec.learning_rate = lr;
      spec.early_stopping.monitor = monitor;
      spec.lr_scheduler = {.type = LrSchedule::kReduceOnPlateau, .factor = 0.5, .patience = 1};
      const TrainingResult result = train_ok(LocalTrainer(spec, cpu_options()), train, shifted);
      REQUIRE(result.history.size() == 12);
      double rate = lr;
      std::optional<double> best;
      int bad = 0;
      int reductions = 0;
      for (const EpochMetrics& epoch : result.history) {
        INFO("epoch " << epoch.epoch);
        CHECK(epoch.learning_rate == Approx(rate).epsilon(1e-12));
        const bool lower = monitor == MonitorMetric::kValLoss;
        const double value = lower ? *epoch.val_loss : *epoch.val_accuracy;
        if (!best || (lower ? value < *best : value > *best)) {
          best = value;
          bad = 0;
        } else if (++bad > 1) {
          rate *= 0.5;
          bad = 0;
          ++reductions;
        }
      }
      CHECK(reductions >= 1);
      CHECK(result.history.back().learning_rate < lr);
    }
  }
  SECTION("the optimizer trains with the scheduled rate") {
    // SGD moves the weights by rate × gradient: after × 1e-6 they all but stop.
    ModelSpec spec = small_spec(3);
    spec.optimizer = OptimizerKind::kSgd;
    spec.learning_rate = 0.1;
    spec.lr_scheduler = {.type = LrSchedule::kStep, .step_size = 2, .gamma = 1e-6};
    std::vector<std::vector<torch::Tensor>> snapshots;
    TrainerOptions options = cpu_options();
    options.on_epoch_end = [&](const EpochMetrics&, const MlpModelImpl& model) {
      snapshots.push_back(copy_state(model));
    };
    train_ok(LocalTrainer(spec, options), train, validation);
    REQUIRE(snapshots.size() == 3);
    const auto moved = [&](std::size_t from) {
      double squares = 0.0;
      for (std::size_t i = 0; i < snapshots[from].size(); ++i) {
        squares += (snapshots[from + 1][i] - snapshots[from][i]).pow(2).sum().item<double>();
      }
      return std::sqrt(squares);
    };
    CHECK(moved(1) < moved(0) * 1e-4);  // epoch 3 (rate 1e-7) against epoch 2 (rate 0.1)
    CHECK(moved(1) > 0.0);
  }
  SECTION("reduce_on_plateau without validation rows watches the train loss") {
    ModelSpec spec = small_spec(6);
    spec.learning_rate = lr;
    spec.lr_scheduler = {.type = LrSchedule::kReduceOnPlateau, .factor = 0.5, .patience = 0};
    const TrainingResult result = train_ok(LocalTrainer(spec, cpu_options()), train, {});
    double rate = lr;
    double best = result.history.front().train_loss;
    for (const EpochMetrics& epoch : result.history) {
      CHECK(epoch.learning_rate == Approx(rate).epsilon(1e-12));
      if (epoch.epoch > 1 && !(epoch.train_loss < best)) rate *= 0.5;  // patience 0
      best = std::min(best, epoch.train_loss);
    }
  }
}

TEST_CASE("LocalTrainer clips the gradient norm", "[training][torch]") {
  const FeatureMatrix train = make_rows(640, 8, 1);  // 20 batches of 32
  const FeatureMatrix validation = make_rows(200, 8, 2);
  ModelSpec spec = small_spec(1);
  spec.optimizer = OptimizerKind::kSgd;  // each step moves the weights by lr × the gradient
  spec.learning_rate = 0.1;
  const auto run = [&](double clip) {
    ModelSpec clipped = spec;
    clipped.gradient_clip = clip;
    return train_ok(LocalTrainer(clipped, cpu_options()), train, validation);
  };
  // The weights before the first step: the trainer builds the model from the seed.
  const auto initial =
      copy_state(*MlpModel(MlpArchitecture::from_spec(spec, 8, {}), cpu_options().seed));
  const auto distance = [&](const TrainingResult& result) {
    const auto state = copy_state(*result.model);
    double squares = 0.0;
    for (std::size_t i = 0; i < state.size(); ++i) {
      squares += (state[i] - initial[i]).pow(2).sum().item<double>();
    }
    return std::sqrt(squares);
  };
  const TrainingResult plain = run(0.0);
  const TrainingResult tiny = run(1e-3);
  const TrainingResult huge = run(1e9);
  // A huge bound never binds: the same weights and losses, bit for bit.
  CHECK(same_state(copy_state(*huge.model), copy_state(*plain.model)));
  CHECK(huge.history.front().train_loss == plain.history.front().train_loss);
  CHECK(huge.history.front().val_loss == plain.history.front().val_loss);
  // A tiny one does: each of the 20 steps moves the weights by at most 0.1 × 1e-3.
  CHECK_FALSE(same_state(copy_state(*tiny.model), copy_state(*plain.model)));
  CHECK(tiny.history.front().train_loss != plain.history.front().train_loss);
  CHECK(distance(tiny) <= 20 * 0.1 * 1e-3 * (1 + 1e-5));
  CHECK(distance(plain) > 20 * 0.1 * 1e-3 * 10);
}

TEST_CASE("LocalTrainer balances symbols in the loss", "[training][torch]") {
  // 600 rows of AAA and 200 of BBB, whose labels follow another rule: without balancing AAA
  // dominates the loss.
  const auto two_symbols = [](std::size_t rows, std::uint64_t seed) {
    const std::size_t first = rows * 3 / 4;
    FeatureMatrix m = make_rows(rows, 6, seed);
    const FeatureMatrix other = make_rows(rows, 6, seed, /*label_shift=*/1);
    m.symbols = {"AAA", "BBB"};
    for (std::size_t r = first; r < rows; ++r) {
      m.symbol_index[r] = 1;
      m.labels[r] = other.labels[r];
    }
    return m;
  };
  const FeatureMatrix train = two_symbols(800, 1);
  const FeatureMatrix validation = two_symbols(400, 2);
  ModelSpec spec = small_spec(4);
  spec.class_weights.mode = ClassWeighting::kBalanced;
  ModelSpec balanced = spec;
  balanced.symbol_balancing = true;
  const TrainingResult off = train_ok(LocalTrainer(spec, cpu_options()), train, validation);
  const TrainingResult on = train_ok(LocalTrainer(balanced, cpu_options()), train, validation);

  // rows / (symbols × rows of the symbol): 800 / (2 × 600) and 800 / (2 × 200).
  REQUIRE(on.symbol_weights.size() == 2);
  CHECK(on.symbol_weights[0].first == "AAA");
  CHECK(on.symbol_weights[0].second == Approx(2.0 / 3.0));
  CHECK(on.symbol_weights[1].first == "BBB");
  CHECK(on.symbol_weights[1].second == Approx(2.0));
  const Json json = on.to_json();
  CHECK(json.at("symbol_weights").get_number("AAA").value() == Approx(2.0 / 3.0));
  CHECK(json.at("symbol_weights").get_number("BBB").value() == Approx(2.0));
  CHECK(off.symbol_weights.empty());
  CHECK_FALSE(off.to_json().has("symbol_weights"));

  // The loss changes…
  CHECK(on.history.front().train_loss != off.history.front().train_loss);
  CHECK(on.history.front().val_loss != off.history.front().val_loss);
  // …and the validation loss is Σ w·loss / Σ w with w = class weight × symbol weight.
  const std::array<double, 3> class_weight = class_weight_values(spec.class_weights, train.labels);
  const auto weighted_val_loss = [&](const TrainingResult& result) {
    torch::NoGradGuard no_grad;
    const auto rows = static_cast<std::int64_t>(validation.rows());
    const torch::Tensor x =
        torch::from_blob(const_cast<float*>(validation.values.data()), {rows, 6});
    const torch::Tensor y = torch::from_blob(const_cast<std::int64_t*>(validation.labels.data()),
                                             {rows}, torch::kInt64);
    const torch::Tensor losses =
        torch::cross_entropy_loss(result.model.ptr()->forward(x), y, {}, at::Reduction::None);
    double sum = 0.0;
    double weights = 0.0;
    for (std::int64_t r = 0; r < rows; ++r) {
      const auto i = static_cast<std::size_t>(r);
      const double w = class_weight[static_cast<std::size_t>(validation.labels[i])] *
                       (result.symbol_weights.empty()
                            ? 1.0
                            : result.symbol_weights[static_cast<std::size_t>(
                                  validation.symbol_index[i])].second);
      sum += w * losses[r].item<double>();
      weights += w;
    }
    return sum / weights;
  };
  const auto best_val_loss = [](const TrainingResult& result) {
    return *result.history[static_cast<std::size_t>(result.best_epoch - 1)].val_loss;
  };
  CHECK(weighted_val_loss(on) == Approx(best_val_loss(on)).epsilon(1e-5));
  CHECK(weighted_val_loss(off) == Approx(best_val_loss(off)).epsilon(1e-5));

  SECTION("one symbol: weight 1, reported") {
    const TrainingResult one =
        train_ok(LocalTrainer(balanced, cpu_options()), make_rows(200, 6, 1), {});
    REQUIRE(one.symbol_weights.size() == 1);
    CHECK(one.symbol_weights[0] == std::pair<std::string, double>{"TEST", 1.0});
  }
  SECTION("rows without a symbol are refused") {
    FeatureMatrix missing = train;
    missing.symbol_index.pop_back();
    CHECK(LocalTrainer(balanced, cpu_options()).train(missing, validation).error().code ==
          ErrorCode::kInvalidArgument);
    FeatureMatrix other_symbols = validation;
    other_symbols.symbols = {"BBB", "AAA"};
    CHECK(LocalTrainer(balanced, cpu_options()).train(train, other_symbols).error().code ==
          ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("LocalTrainer is reproducible from its seed", "[training][torch]") {
  const FeatureMatrix train = make_rows(1500, 10, 3);
  const FeatureMatrix validation = make_rows(400, 10, 4);
  ModelSpec spec = small_spec(4);
  spec.dropout = 0.2;  // masks come from the model's own seeded generator
  const auto run = [&](std::uint64_t seed) {
    return train_ok(LocalTrainer(spec, cpu_options(seed)), train, validation);
  };
  const TrainingResult a = run(11);
  const TrainingResult b = run(11);
  const TrainingResult c = run(12);
  REQUIRE(a.history.size() == b.history.size());
  for (std::size_t i = 0; i < a.history.size(); ++i) {
    CHECK(a.history[i].train_loss == b.history[i].train_loss);
    CHECK(a.history[i].train_accuracy == b.history[i].train_accuracy);
    CHECK(a.history[i].val_loss == b.history[i].val_loss);
    CHECK(a.history[i].val_accuracy == b.history[i].val_accuracy);
  }
  CHECK(a.best_epoch == b.best_epoch);
  CHECK(same_state(copy_state(*a.model), copy_state(*b.model)));
  CHECK(a.history.front().train_loss != c.history.front().train_loss);
  CHECK_FALSE(same_state(copy_state(*a.model), copy_state(*c.model)));
}

TEST_CASE("LocalTrainer cancelled inside an epoch returns cancelled before the epoch ends",
          "[training][torch]") {
  // One epoch is thousands of batches, far longer than the test waits for.
  const FeatureMatrix train = make_rows(100'000, 16, 5);
  const FeatureMatrix validation = make_rows(100, 16, 6);
  ModelSpec spec = small_spec(5);
  spec.batch_size = 16;
  TrainerOptions options = cpu_options();
  options.progress_interval_batches = 1;
  const LocalTrainer trainer(spec, options);

  const CancellationSource source;
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<TrainerProgress> last;  // guarded by mutex
  std::atomic<Clock::rep> returned_at{0};
  std::optional<Error> error;
  std::thread worker([&] {
    try {
      auto result = trainer.train(train, validation, source.token(), [&](const TrainerProgress& p) {
        const std::lock_guard lock(mutex);
        last = p;
        changed.notify_all();
      });
      returned_at = Clock::now().time_since_epoch().count();
      if (!result.ok()) error = result.error();
    } catch (const CancelledError& cancelled) {
      returned_at = Clock::now().time_since_epoch().count();
      error = cancelled.error();
    }
  });
  {
    std::unique_lock lock(mutex);
    REQUIRE(changed.wait_for(lock, std::chrono::seconds(60),
                             [&] { return last && last->current_batch >= 20; }));
  }
  const Clock::time_point cancelled_at = Clock::now();
  source.cancel(CancelReason::kUser, "test");
  worker.join();

  REQUIRE(returned_at.load() != 0);
  const auto latency = Clock::duration(returned_at.load()) - cancelled_at.time_since_epoch();
  const double latency_ms = std::chrono::duration<double, std::milli>(latency).count();
  // How soon is bench/train_cancel_latency's business; here, where it stopped: in the middle of
  // the epoch, not at its end (a trainer that checked only between epochs).
  INFO("cancel → return: " << latency_ms << " ms");
  REQUIRE(error.has_value());
  CHECK(error->code == ErrorCode::kCancelled);
  CHECK(error->get("where").value_or("").find("training: epoch 1, batch") != std::string::npos);
  const std::lock_guard lock(mutex);
  CHECK(last->current_epoch == 1);
  CHECK(last->current_batch < last->total_batches);  // it was inside the epoch
}

TEST_CASE("LocalTrainer stops before any batch when cancelled before the start",
          "[training][torch]") {
  const CancellationSource early;
  early.cancel();
  int reports = 0;
  const LocalTrainer trainer(small_spec(1), cpu_options());
  CHECK_THROWS_AS(trainer.train(make_rows(100, 4, 1), {}, early.token(),
                                [&](const TrainerProgress&) { ++reports; }),
                  CancelledError);
  CHECK(reports == 0);
}

TEST_CASE("LocalTrainer reports progress in order, cumulatively", "[training][torch]") {
  const FeatureMatrix train = make_rows(1000, 8, 1);  // 32 batches of 32 (the last has 8)
  const FeatureMatrix validation = make_rows(200, 8, 2);
  TrainerOptions options = cpu_options();
  options.progress_interval_batches = 5;
  std::vector<TrainerProgress> reports;
  const TrainingResult result =
      train_ok(LocalTrainer(small_spec(3), options), train, validation,
               [&](const TrainerProgress& p) { reports.push_back(p); });

  // Batches 5, 10, …, 30 and the last (32) of each of the 3 epochs.
  REQUIRE(reports.size() == 3 * 7);
  for (std::size_t i = 0; i < reports.size(); ++i) {
    const TrainerProgress& p = reports[i];
    CHECK(p.total_epochs == 3);
    CHECK(p.total_batches == 32);
    CHECK(p.current_batch >= 1);
    CHECK(p.current_batch <= p.total_batches);
    CHECK(p.batches_done == (p.current_epoch - 1) * p.total_batches + p.current_batch);
    CHECK(std::isfinite(p.train_loss));
    if (i > 0) {
      const TrainerProgress& q = reports[i - 1];
      CHECK(p.batches_done > q.batches_done);
      CHECK((p.current_epoch > q.current_epoch ||
             (p.current_epoch == q.current_epoch && p.current_batch > q.current_batch)));
    }
    if (p.current_epoch == 1) {
      CHECK_FALSE(p.val_loss.has_value());
    } else {
      // The last completed epoch's validation figures.
      const EpochMetrics& previous = result.history[static_cast<std::size_t>(p.current_epoch - 2)];
      CHECK(p.val_loss == previous.val_loss);
      CHECK(p.val_accuracy == previous.val_accuracy);
    }
    // The loss is the mean of the epoch so far: at its last batch, the epoch's train loss.
    if (p.current_batch == p.total_batches) {
      CHECK(p.train_loss ==
            result.history[static_cast<std::size_t>(p.current_epoch - 1)].train_loss);
    }
  }
  CHECK(reports.back().batches_done == 3 * 32);
}

TEST_CASE("model files: save → load gives identical predictions", "[training][torch]") {
  const FeatureMatrix train = make_rows(1500, 10, 1);
  const FeatureMatrix validation = make_rows(500, 10, 2);
  ModelSpec spec = small_spec(3);
  spec.activation = Activation::kTanh;
  spec.dropout = 0.1;
  const TrainingResult result = train_ok(LocalTrainer(spec, cpu_options()), train, validation);
  const test::TempDir dir;
  const auto file = dir.path() / "model.pt";
  REQUIRE(save_model(result.model, file).ok());
  CHECK_FALSE(std::filesystem::exists(dir.path() / "model.pt.tmp"));

  auto loaded = load_model(file);
  REQUIRE(loaded.ok());
  CHECK((*loaded)->architecture() == result.model->architecture());
  CHECK(same_state(copy_state(**loaded), copy_state(*result.model)));
  CHECK_FALSE((*loaded)->is_training());
  const auto before = predict(result.model, validation);
  const auto after = predict(*loaded, validation, /*batch_rows=*/64);
  REQUIRE(before.ok());
  REQUIRE(after.ok());
  CHECK(*before == *after);
  CHECK(evaluate(*loaded, validation)->to_json() == evaluate(result.model, validation)->to_json());

  // The file is also an ordinary module archive: torch::load reads it into a module built alike.
  MlpModel same(result.model->architecture(), std::uint64_t{999});
  torch::load(same, file.string());
  CHECK(same_state(copy_state(*same), copy_state(*result.model)));

  SECTION("errors") {
    auto missing = load_model(dir.path() / "absent.pt");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == ErrorCode::kIo);
    auto garbage = load_model(dir.write("garbage.pt", "not a model"));
    REQUIRE_FALSE(garbage.ok());
    CHECK(garbage.error().code == ErrorCode::kParse);
    // A plain module archive without the architecture is not a model file.
    const auto plain = dir.path() / "plain.pt";
    torch::save(result.model, plain.string());
    auto not_ours = load_model(plain);
    REQUIRE_FALSE(not_ours.ok());
    CHECK(not_ours.error().code == ErrorCode::kParse);
    auto wrong_width = predict(result.model, make_rows(10, 9, 1));
    REQUIRE_FALSE(wrong_width.ok());
    CHECK(wrong_width.error().code == ErrorCode::kInvalidArgument);
  }
}

// Rows of two symbols whose features are the same noise, labelled by symbol alone (BUY for
// the first, SELL for the second), interleaved in time: only the symbol tells the labels apart.
FeatureMatrix symbol_labelled_rows(std::size_t rows_per_symbol, std::uint64_t seed) {
  FeatureMatrix m = make_rows(2 * rows_per_symbol, 6, seed);
  m.symbols = {"AAA", "BBB"};
  for (std::size_t r = 0; r < m.rows(); ++r) {
    m.symbol_index[r] = static_cast<std::int32_t>(r % 2);
    m.labels[r] = r % 2 == 0 ? 0 : 2;
  }
  return m;
}

TEST_CASE("LocalTrainer learns a per-symbol embedding (symbol_embedding_dim)",
          "[training][torch]") {
  const FeatureMatrix train = symbol_labelled_rows(600, 1);
  const FeatureMatrix validation = symbol_labelled_rows(200, 2);
  ModelSpec spec = small_spec(8);

  // Without the symbol the model cannot beat the majority share.
  const TrainingResult plain = train_ok(LocalTrainer(spec, cpu_options()), train, validation);
  CHECK(plain.model->architecture().symbols.empty());
  CHECK(*plain.history.back().val_accuracy < 0.6);

  spec.symbol_embedding_dim = 4;
  const TrainingResult embedded = train_ok(LocalTrainer(spec, cpu_options()), train, validation);
  const MlpArchitecture& architecture = embedded.model->architecture();
  CHECK(architecture.symbol_embedding_dim == 4);
  CHECK(architecture.symbols == std::vector<std::string>{"AAA", "BBB"});
  CHECK(*embedded.history.back().val_accuracy > 0.99);
  const auto named = embedded.model->named_parameters();
  REQUIRE(named.contains("symbol_embedding.weight"));
  CHECK(named["symbol_embedding.weight"].sizes() == torch::IntArrayRef({2, 4}));

  // Rows listing their symbols in another order are mapped by name.
  FeatureMatrix reordered = validation;
  reordered.symbols = {"BBB", "AAA"};
  for (std::int32_t& s : reordered.symbol_index) s = 1 - s;
  CHECK(*predict(embedded.model, reordered) == *predict(embedded.model, validation));

  // The embedding survives a save and a load.
  const test::TempDir dir;
  REQUIRE(save_model(embedded.model, dir.path() / "model.pt").ok());
  auto loaded = load_model(dir.path() / "model.pt");
  REQUIRE(loaded.ok());
  CHECK((*loaded)->architecture() == architecture);
  CHECK(*predict(*loaded, validation) == *predict(embedded.model, validation));

  // A symbol the embedding does not know is refused by name.
  FeatureMatrix other = validation;
  other.symbols = {"AAA", "CCC"};
  const auto refused = predict(embedded.model, other);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().code == ErrorCode::kInvalidArgument);
  CHECK_THAT(refused.error().message,
             Catch::Matchers::Contains("CCC") && Catch::Matchers::Contains("AAA, BBB"));
}

TEST_CASE("LocalTrainer applies the thread budget and uses OpenBLAS", "[training][torch]") {
  const FeatureMatrix train = make_rows(300, 8, 1);
  TrainerOptions options = cpu_options();
  options.threads = ThreadBudget::for_threads(2);
  const TrainingResult result = train_ok(LocalTrainer(small_spec(1), options), train, {});
  CHECK(result.threads.intra_op_threads == 2);
  CHECK(result.threads.blas_threads == 1);
  CHECK(at::get_num_threads() == 2);
  // Linked directly, OpenBLAS serves LibTorch's sgemm_ whatever libblas.so.3 is.
  CHECK(result.threads.blas_library.find("openblas") != std::string::npos);
  CHECK(result.threads.blas_config.find("OpenBLAS") != std::string::npos);
  // Without validation rows the monitor falls back on the train metrics.
  CHECK_FALSE(result.history.front().val_loss.has_value());
  CHECK(result.best_epoch == 1);
  CHECK(result.to_json().at("threads").get_int("intra_op_threads") == 2);
  CHECK(result.to_json().at("history").size() == 1);

  const AppliedThreadBudget one = apply_thread_budget({});
  CHECK(one.intra_op_threads == 1);
  CHECK(one.blas_threads == 1);
}

TEST_CASE("LocalTrainer refuses bad input", "[training][torch]") {
  const FeatureMatrix train = make_rows(100, 8, 1);
  const auto error_of = [](const LocalTrainer& trainer, const FeatureMatrix& t,
                           const FeatureMatrix& v) {
    auto result = trainer.train(t, v);
    REQUIRE_FALSE(result.ok());
    return result.error();
  };
  const LocalTrainer trainer(small_spec(1), cpu_options());
  CHECK(error_of(trainer, FeatureMatrix{}, {}).code == ErrorCode::kInvalidArgument);
  CHECK(error_of(trainer, train, make_rows(10, 7, 1)).code == ErrorCode::kInvalidArgument);
  FeatureMatrix bad_label = train;
  bad_label.labels[3] = 5;
  CHECK(error_of(trainer, bad_label, {}).message.find("row 3 has label 5") != std::string::npos);
  FeatureMatrix short_values = train;
  short_values.values.pop_back();
  CHECK(error_of(trainer, short_values, {}).code == ErrorCode::kInvalidArgument);

  ModelSpec no_epochs = small_spec(0);
  CHECK(error_of(LocalTrainer(no_epochs, cpu_options()), train, {}).get("field") ==
        "model.epochs");
  ModelSpec zero_layer = small_spec(1);
  zero_layer.hidden_layers = {16, 0};
  CHECK(error_of(LocalTrainer(zero_layer, cpu_options()), train, {}).get("field") ==
        "model.hidden_layers");
  ModelSpec full_dropout = small_spec(1);
  full_dropout.dropout = 1.0;
  CHECK(error_of(LocalTrainer(full_dropout, cpu_options()), train, {}).code ==
        ErrorCode::kInvalidArgument);

  TrainerOptions cuda = cpu_options();
  cuda.device = DeviceKind::kCuda;
  if (!torch::cuda::is_available()) {
    CHECK(error_of(LocalTrainer(small_spec(1), cuda), train, {}).code == ErrorCode::kUnavailable);
    TrainerOptions automatic = cpu_options();
    automatic.device = DeviceKind::kAuto;
    CHECK(train_ok(LocalTrainer(small_spec(1), automatic), train, {}).device == "cpu");
  }
  CHECK(parse_device_kind("cuda").value() == DeviceKind::kCuda);
  CHECK_FALSE(parse_device_kind("tpu").ok());
}
