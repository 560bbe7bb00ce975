// train_mlp: what LocalTrainer costs over the physics of training. The same MLP
// (32 inputs → 64 → ReLU → 32 → ReLU → 3 logits, cross-entropy, Adam lr 1e-3, batches of 256,
// rows reshuffled each epoch) is trained on the same synthetic rows with the same thread budget
// three ways in one run:
//   LocalTrainer  — the training domain's trainer (progress every 10 batches to a callback,
//                   a live cancellation token, train accuracy, best-weight snapshots);
//   plain LibTorch — a bare loop over torch::nn::Sequential, no framework: the reference;
//   Python PyTorch — the same loop in Python (train_mlp.py, /usr/bin/python3 with Debian's
//                   python3-torch), run as a subprocess on the rows this program writes.
// No validation rows: the figures are training throughput, rows × epochs / wall time of a run
// (model construction included). The C++ variants alternate, after one warm-up run each.
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "baseline_command.hpp"
#include "scratch_dir.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/progress_renderer.hpp"
#include "local_trainer.hpp"
#include "stats.hpp"
#include "thread_budget.hpp"

namespace {

using ktrdr::bench::field;
using ktrdr::bench::run_command;
using ktrdr::bench::shell_quoted;

namespace fs = std::filesystem;
namespace kt = ktrdr::training;
using Clock = std::chrono::steady_clock;

constexpr double kTargetPlainRatio = 0.90;   // LocalTrainer / plain LibTorch
constexpr double kTargetPythonRatio = 1.25;  // LocalTrainer / Python PyTorch
constexpr std::int64_t kFeatures = 32;
constexpr int kBatchSize = 256;
constexpr double kLearningRate = 1e-3;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// splitmix64: a fixed, documented stream, so the rows are the same on every machine.
struct SplitMix64 {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [-1, 1): the top 24 bits, exact in a float.
  float uniform() {
    return static_cast<float>(static_cast<double>(next() >> 40) / 8388608.0 - 1.0);
  }
};

// The rows: features uniform in [-1, 1) from splitmix64(seed), row by row; the label of a row
// is the argmax over k of Σ_c w[k][c]·x[c], with the 3 × 32 weights w uniform in [-1, 1) from
// splitmix64(seed + 1). Linearly separable, roughly balanced.
kt::FeatureMatrix make_rows(std::int64_t rows, std::uint64_t seed) {
  SplitMix64 weights_stream{seed + 1};
  std::vector<double> weights(3 * kFeatures);
  for (double& w : weights) w = weights_stream.uniform();
  SplitMix64 stream{seed};
  kt::FeatureMatrix m;
  for (std::int64_t c = 0; c < kFeatures; ++c) m.feature_names.push_back("x" + std::to_string(c));
  m.symbols = {"SYNTHETIC"};
  const auto n = static_cast<std::size_t>(rows);
  const auto cols = static_cast<std::size_t>(kFeatures);
  m.values.resize(n * cols);
  m.labels.resize(n);
  m.timestamps.resize(n);
  m.symbol_index.assign(n, 0);
  for (std::size_t r = 0; r < n; ++r) {
    float* row = m.values.data() + r * cols;
    for (std::size_t c = 0; c < cols; ++c) row[c] = stream.uniform();
    double best = -1e300;
    for (std::size_t k = 0; k < 3; ++k) {
      double score = 0.0;
      for (std::size_t c = 0; c < cols; ++c) score += weights[k * cols + c] * row[c];
      if (score > best) {
        best = score;
        m.labels[r] = static_cast<std::int64_t>(k);
      }
    }
    m.timestamps[r] = std::chrono::sys_seconds{std::chrono::hours{static_cast<long>(r)}};
  }
  return m;
}


bool write_raw(const fs::path& file, const void* data, std::size_t bytes) {
  std::ofstream out(file, std::ios::binary);
  out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
  return static_cast<bool>(out);
}

struct Run {
  double samples_per_second = 0.0;
  double final_loss = 0.0;  // mean train loss of the last epoch
};

Run run_local_trainer(const kt::FeatureMatrix& rows, int epochs, const kt::ThreadBudget& budget,
                      std::uint64_t seed) {
  kt::ModelSpec spec;
  spec.hidden_layers = {64, 32};
  spec.activation = kt::Activation::kRelu;
  spec.learning_rate = kLearningRate;
  spec.batch_size = kBatchSize;
  spec.epochs = epochs;
  spec.optimizer = kt::OptimizerKind::kAdam;
  kt::TrainerOptions options;
  options.device = kt::DeviceKind::kCpu;
  options.seed = seed;
  options.threads = budget;
  options.progress_interval_batches = 10;
  const kt::LocalTrainer trainer(spec, options);
  const ktrdr::CancellationSource source;
  kt::TrainerProgress last;
  const Clock::time_point start = Clock::now();
  auto result = trainer.train(rows, kt::FeatureMatrix{}, source.token(),
                              [&](const kt::TrainerProgress& progress) { last = progress; });
  const double seconds = seconds_since(start);
  if (!result.ok()) {
    std::fprintf(stderr, "train_mlp: LocalTrainer failed: %s\n", result.error().message.c_str());
    std::exit(2);
  }
  if (last.batches_done != last.total_batches * epochs) {
    std::fprintf(stderr, "train_mlp: LocalTrainer reported %lld of %lld batches\n",
                 static_cast<long long>(last.batches_done),
                 static_cast<long long>(last.total_batches * epochs));
    std::exit(2);
  }
  return {static_cast<double>(rows.rows()) * epochs / seconds, result->history.back().train_loss};
}

// The reference: a bare LibTorch loop, as one would write it without any framework.
Run run_plain(const kt::FeatureMatrix& rows, int epochs, std::uint64_t seed) {
  const Clock::time_point start = Clock::now();
  const auto n = static_cast<std::int64_t>(rows.rows());
  const torch::Tensor x =
      torch::from_blob(const_cast<float*>(rows.values.data()), {n, kFeatures}, torch::kFloat32);
  const torch::Tensor y =
      torch::from_blob(const_cast<std::int64_t*>(rows.labels.data()), {n}, torch::kInt64);
  torch::manual_seed(seed);
  torch::nn::Sequential model(torch::nn::Linear(kFeatures, 64), torch::nn::ReLU(),
                              torch::nn::Linear(64, 32), torch::nn::ReLU(),
                              torch::nn::Linear(32, 3));
  torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(kLearningRate));
  at::Generator generator = at::detail::createCPUGenerator(seed);
  double final_loss = 0.0;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    const torch::Tensor order = torch::randperm(n, generator, torch::kInt64);
    const torch::Tensor loss_sum = torch::zeros({}, torch::kFloat64);
    for (std::int64_t begin = 0; begin < n; begin += kBatchSize) {
      const torch::Tensor index =
          order.narrow(0, begin, std::min<std::int64_t>(kBatchSize, n - begin));
      const torch::Tensor features = x.index_select(0, index);
      const torch::Tensor labels = y.index_select(0, index);
      optimizer.zero_grad();
      const torch::Tensor loss = torch::cross_entropy_loss(model->forward(features), labels);
      loss.backward();
      optimizer.step();
      loss_sum.add_(loss.detach(), static_cast<double>(index.size(0)));
    }
    final_loss = loss_sum.item<double>() / static_cast<double>(n);
  }
  return {static_cast<double>(n) * epochs / seconds_since(start), final_loss};
}

double millions(double rate) { return rate / 1e6; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"train_mlp: LocalTrainer vs a plain LibTorch loop vs Python PyTorch"};
  std::int64_t rows = 131'072;
  int epochs = 3;
  int runs = 5;
  int threads = 1;
  int blas_threads = 1;
  std::uint64_t seed = 42;
  std::string python = "/usr/bin/python3";
  std::string script = KTRDR_BENCH_TORCH_SCRIPT;
  app.add_option("--rows", rows, "synthetic train rows")
      ->check(CLI::Range(1'000, 10'000'000))
      ->capture_default_str();
  app.add_option("--epochs", epochs, "epochs per run")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--runs", runs, "measured runs per variant (the median counts)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--threads", threads, "LibTorch intra-op threads, every variant")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--blas-threads", blas_threads, "OpenBLAS threads, every variant")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--seed", seed, "rows, initial weights and shuffles")->capture_default_str();
  app.add_option("--python", python, "the Python with torch (python3-torch)");
  app.add_option("--script", script, "the PyTorch loop");
  CLI11_PARSE(app, argc, argv);

  const kt::ThreadBudget budget{.intra_op_threads = threads, .blas_threads = blas_threads};
  const kt::AppliedThreadBudget applied = kt::apply_thread_budget(budget);
  const kt::FeatureMatrix data = make_rows(rows, seed);
  std::printf(
      "train_mlp: %s rows x %lld features -> 64 -> 32 -> 3 (ReLU), batch %d, Adam lr %g, "
      "%d epochs per run, %d runs per variant (median)\n",
      ktrdr::format_count(rows).c_str(), static_cast<long long>(kFeatures), kBatchSize,
      kLearningRate, epochs, runs);
  std::printf("threads: %d LibTorch intra-op, %d OpenBLAS (%s; %s)\n", applied.intra_op_threads,
              applied.blas_threads, applied.blas_library.c_str(), applied.blas_config.c_str());

  // Warm-up: OpenMP and OpenBLAS pools, allocator, lazy initialisation.
  run_local_trainer(data, 1, budget, seed);
  run_plain(data, 1, seed);
  std::vector<double> trainer_rates;
  std::vector<double> plain_rates;
  Run trainer_run;
  Run plain_run;
  std::printf("\n  %-6s %16s %16s %9s\n", "run", "LocalTrainer", "plain LibTorch", "ratio");
  for (int run = 0; run < runs; ++run) {
    trainer_run = run_local_trainer(data, epochs, budget, seed);
    plain_run = run_plain(data, epochs, seed);
    trainer_rates.push_back(trainer_run.samples_per_second);
    plain_rates.push_back(plain_run.samples_per_second);
    std::printf("  %-6d %12.3f M/s %12.3f M/s %9.3f\n", run + 1,
                millions(trainer_run.samples_per_second), millions(plain_run.samples_per_second),
                trainer_run.samples_per_second / plain_run.samples_per_second);
  }
  const double trainer_rate = ktrdr::bench::summarize(trainer_rates).p50;
  const double plain_rate = ktrdr::bench::summarize(plain_rates).p50;
  std::printf("  %-6s %12.3f M/s %12.3f M/s %9.3f\n", "median", millions(trainer_rate),
              millions(plain_rate), trainer_rate / plain_rate);
  std::printf("  last epoch's train loss: LocalTrainer %.4f, plain %.4f\n", trainer_run.final_loss,
              plain_run.final_loss);

  bool met = true;
  const double plain_ratio = trainer_rate / plain_rate;
  met = met && plain_ratio >= kTargetPlainRatio;
  std::printf("\nLocalTrainer / plain LibTorch = %.3f (target >= %.2f)\n", plain_ratio,
              kTargetPlainRatio);

  // Python: the same rows, written raw for numpy.fromfile.
  const ktrdr::bench::ScratchDir scratch("train_mlp");
  const fs::path features = scratch.path() / "features.f32";
  const fs::path labels = scratch.path() / "labels.i64";
  if (!write_raw(features, data.values.data(), data.values.size() * sizeof(float)) ||
      !write_raw(labels, data.labels.data(), data.labels.size() * sizeof(std::int64_t))) {
    std::fprintf(stderr, "train_mlp: cannot write the rows under %s\n", scratch.path().c_str());
    return 2;
  }
  const bool have_torch =
      run_command(shell_quoted(python) + " -c 'import torch' 2>/dev/null").has_value();
  if (!have_torch) {
    std::printf("PyTorch is not available to %s (install python3-torch): no Python figure\n",
                python.c_str());
  } else {
    // The same OpenBLAS as this process (preloaded, so it serves LibTorch's sgemm_ there too),
    // its thread count set before it initialises.
    const std::string environment =
        "OPENBLAS_NUM_THREADS=" + std::to_string(blas_threads) +
        " OMP_NUM_THREADS=" + std::to_string(threads) +
        (applied.blas_library.empty() ? "" : " LD_PRELOAD=" + shell_quoted(applied.blas_library));
    const auto out = run_command(
        environment + " " + shell_quoted(python) + " " + shell_quoted(script) + " --features " +
        shell_quoted(features.string()) + " --labels " + shell_quoted(labels.string()) +
        " --rows " + std::to_string(rows) + " --cols " + std::to_string(kFeatures) + " --epochs " +
        std::to_string(epochs) + " --runs " + std::to_string(runs) + " --threads " +
        std::to_string(threads) + " --batch-size " + std::to_string(kBatchSize) + " --seed " +
        std::to_string(seed));
    const auto rate = out ? field(*out, "samples_per_second") : std::nullopt;
    if (!rate) {
      std::printf("Python PyTorch: %s failed\n", script.c_str());
      met = false;
    } else {
      const double python_rate = std::stod(*rate);
      std::printf(
          "Python PyTorch: %.3f M/s (median of %d runs; best %.3f M/s; last epoch's loss %s; "
          "%s torch threads; %s)\n",
          millions(python_rate), runs, millions(std::stod(field(*out, "best").value_or("0"))),
          field(*out, "final_loss").value_or("?").c_str(),
          field(*out, "threads").value_or("?").c_str(), field(*out, "blas").value_or("?").c_str());
      const double python_ratio = trainer_rate / python_rate;
      met = met && python_ratio >= kTargetPythonRatio;
      std::printf("LocalTrainer / Python PyTorch = %.3f (target >= %.2f); plain / Python = %.3f\n",
                  python_ratio, kTargetPythonRatio, plain_rate / python_rate);
    }
  }
  std::printf("\ntarget %s\n", met ? "met" : "MISSED");
  return met ? 0 : 1;
}
