// train_cancel_latency: how long training.train takes to reach its terminal state after a cancel,
// at random points of the run — reading bars, computing indicators, building features, inside
// epochs. In-process, through TrainingManager, the executor and the OperationRegistry, on the
// long EURUSD 1h strategy of tests/training/fixtures (small batches, many epochs, no early stop).
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <unistd.h>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "ktrdr/sdk/executor.hpp"
#include "ktrdr/sdk/operations_registry.hpp"
#include "stats.hpp"
#include "training_manager.hpp"
#include "training_request.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

constexpr double kTargetP99Ms = 50.0;

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"training.train: cancel request → terminal state, at random points of the run"};
  int trials = 40;
  int max_delay_ms = 1500;
  app.add_option("--trials", trials, "runs, each cancelled once")->check(CLI::Range(1, 10000));
  app.add_option("--max-delay-ms", max_delay_ms,
                 "cancels land uniformly in [0, this] after the start")
      ->check(CLI::Range(1, 600000));
  CLI11_PARSE(app, argc, argv);

  const fs::path work =
      fs::temp_directory_path() / ("train_cancel_latency." + std::to_string(::getpid()));
  const fs::path strategy = KTRDR_BENCH_STRATEGY;

  ktrdr::OperationRegistry registry;
  auto executor = std::make_unique<ktrdr::ThreadPoolExecutor>(1);
  ktrdr::training::TrainingManager manager(
      {&registry, executor.get()}, [](const std::string&) { return std::optional<std::string>{}; });

  std::mt19937_64 random(2026);
  std::uniform_int_distribution<int> delay_ms(0, max_delay_ms);
  std::vector<double> latencies;
  std::map<std::string, int> phases;
  int problems = 0;
  for (int trial = 0; trial < trials; ++trial) {
    ktrdr::Json params = ktrdr::Json::object();
    params.set("strategy", strategy.string())
        .set("data_dir", KTRDR_BENCH_DATA_DIR)
        .set("models_dir", (work / "models").string());
    const auto schema = ktrdr::training::TrainingRequest::train_schema();
    if (const auto errors = schema.validate(params); !errors.empty()) {
      std::fprintf(stderr, "bad params: %s\n", errors.front().message.c_str());
      return 2;
    }
    ktrdr::OperationRequest request;
    request.kind = ktrdr::training::kTrainKind;
    request.params = params;
    auto id = manager.start_train(request);
    if (!id) {
      std::fprintf(stderr, "cannot start: %s\n", id.error().message.c_str());
      return 2;
    }
    ktrdr::CancellationSource wait;
    wait.cancel_after(std::chrono::milliseconds(delay_ms(random)));
    registry.wait_terminal(*id, wait.token());  // returns at the delay (or if it ended first)
    const auto before = registry.get(*id);
    const Clock::time_point asked = Clock::now();
    (void)registry.request_cancel(*id);
    const auto record = registry.wait_terminal(*id);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - asked).count();
    if (!record || record->state != ktrdr::OperationState::kCancelled) {
      ++problems;
      std::fprintf(stderr, "trial %d ended %s\n", trial,
                   record ? std::string(to_string(record->state)).c_str() : "unknown");
      continue;
    }
    latencies.push_back(ms);
    ++phases[before ? before->progress.context.get_string("phase").value_or("pending")
                    : "pending"];
  }
  executor.reset();
  fs::remove_all(work);
  if (latencies.empty()) {
    std::printf("train_cancel_latency: no trial ended cancelled\ntarget MISSED\n");
    return 1;
  }

  const auto summary = ktrdr::bench::summarize(latencies);
  std::printf("train_cancel_latency: %d trials of training.train (EURUSD 1h, long strategy), "
              "cancelled uniformly in [0, %d] ms after the start\n",
              trials, max_delay_ms);
  std::printf("  cancelled in phase:");
  for (const auto& [phase, count] : phases) std::printf(" %s %d,", phase.c_str(), count);
  std::printf("\n  cancel → cancelled: p50 %.2f ms, p99 %.2f ms, max %.2f ms (target p99 <= %.0f ms)\n",
              summary.p50, summary.p99, summary.max, kTargetP99Ms);
  const bool met = problems == 0 && summary.p99 <= kTargetP99Ms;
  std::printf("%s\n", met ? "target met" : "target MISSED");
  return met ? 0 : 1;
}
