// LocalTrainer and model files: learning a separable data set with each optimizer, restoring
// the best epoch's weights (as deep copies), early stopping, reproducibility from a seed,
// cancellation inside an epoch, progress reports, save → load → identical predictions,
// the thread budget and OpenBLAS, and input errors.
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <memory>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "classification_metrics.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "local_trainer.hpp"
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
