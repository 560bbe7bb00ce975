// cancel_latency: how long a client waits from asking to cancel a running example.primes
// operation to seeing it cancelled, through the real engine path (PluginHost, the plugin's
// orchestrator, the executor, the OperationRegistry) — in-process, or with --host-service routed
// to a host service (a real HostService + operations API on loopback, in this process): then the
// cancel travels over HTTP and the local operation ends when the remote one has.
// Baseline: the chunk time of the same run.
#include <CLI/CLI.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine.hpp"
#include "ktrdr/sdk/host_service.hpp"
#include "operations_api.hpp"
#include "stats.hpp"

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kTargetP99Ms = 50.0;
constexpr double kTargetHostServiceP99Ms = 250.0;
// Far more work than a trial lasts: every trial is cancelled mid-work.
constexpr std::int64_t kLimit = 1'000'000'000'000;
constexpr std::int64_t kChunkSize = 1'000'000;  // the plugin's cancellation grain
constexpr std::int64_t kCounterThreads = 2;
constexpr std::size_t kEngineWorkers = 2;

// What one trial's subscription has seen of its operation. Guarded by `mutex`.
struct TrialWatch {
  std::mutex mutex;
  std::condition_variable changed;
  bool mid_work = false;                         // seen running with items_done > 0
  std::optional<Clock::time_point> terminal_at;  // when the registry reported the terminal state
  ktrdr::OperationRecord terminal;
};

struct TrialResult {
  double latency_ms = 0.0;
  double chunk_ms = 0.0;         // one chunk on one worker, from the partial result
  std::int64_t chunks_done = 0;  // finished before the cancel took effect
  std::string problem;           // empty when the trial ended cancelled with partial work
};

// `ktrdr serve --plugin example` in this process: its own engine, the operations API, a server
// on a free loopback port. Declared so that the server stops first.
struct InProcessHostService {
  ktrdr::CancellationSource shutdown;
  ktrdr::engine::Engine engine{{KTRDR_BENCH_PLUGIN_DIR}, kEngineWorkers};
  ktrdr::engine::OperationsApi api{engine, shutdown.token()};
  ktrdr::HostService server{ktrdr::HostServiceOptions{}};

  ktrdr::Result<void> start() {
    if (!engine.plugins().load_for({"example.primes"}).empty()) {
      return ktrdr::Error::not_found("example.primes is not available from " KTRDR_BENCH_PLUGIN_DIR);
    }
    api.mount(server);
    return server.start();
  }
  ~InProcessHostService() {
    shutdown.cancel(ktrdr::CancelReason::kShutdown);
    server.stop();
  }
};

double milliseconds(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

// Starts one operation, cancels it once it is running and has finished a chunk, and measures
// request_cancel() → terminal state as the registry's listeners see it.
TrialResult run_trial(ktrdr::engine::Engine& engine, const ktrdr::JobKindSpec& kind,
                      const ktrdr::Json& params, const ktrdr::RoutingOverride& routing, int index) {
  const std::string name = "cancel-trial-" + std::to_string(index);
  TrialWatch watch;
  const auto subscription = engine.registry().subscribe([&](const ktrdr::OperationRecord& record) {
    const Clock::time_point now = Clock::now();
    if (record.name != name) return;
    std::lock_guard lock(watch.mutex);
    if (record.state == ktrdr::OperationState::kRunning && record.progress.items_done > 0) {
      watch.mid_work = true;
    }
    if (ktrdr::is_terminal(record.state) && !watch.terminal_at) {
      watch.terminal_at = now;
      watch.terminal = record;
    }
    watch.changed.notify_all();
  });

  const ktrdr::Result<std::string> id =
      kind.start(ktrdr::OperationRequest{
          .kind = kind.kind, .name = name, .params = params, .routing = routing});
  if (!id) return {.problem = "start failed: " + id.error().message};

  std::unique_lock lock(watch.mutex);
  watch.changed.wait(lock, [&] { return watch.mid_work || watch.terminal_at.has_value(); });
  if (watch.terminal_at) {
    return {.problem = "ended " + std::string(ktrdr::to_string(watch.terminal.state)) +
                       " before it was cancelled"};
  }
  lock.unlock();

  const Clock::time_point requested = Clock::now();
  if (const ktrdr::Result<void> cancel = engine.registry().request_cancel(*id); !cancel) {
    return {.problem = "request_cancel failed: " + cancel.error().message};
  }
  lock.lock();
  watch.changed.wait(lock, [&] { return watch.terminal_at.has_value(); });

  const ktrdr::Json& partial = watch.terminal.result;
  TrialResult result{.latency_ms = milliseconds(*watch.terminal_at - requested),
                     .chunks_done = partial.get_int("chunks_done").value_or(0)};
  if (result.chunks_done > 0) {
    result.chunk_ms = partial.get_number("seconds").value_or(0.0) * 1e3 *
                      static_cast<double>(partial.get_int("threads").value_or(1)) /
                      static_cast<double>(result.chunks_done);
  }
  if (watch.terminal.state != ktrdr::OperationState::kCancelled) {
    result.problem = "ended " + std::string(ktrdr::to_string(watch.terminal.state));
  } else if (result.chunks_done == 0) {
    result.problem = "cancelled without a partial result (chunks_done 0)";
  }
  return result;
}

void print_row(const char* label, double ms, double chunk_ms) {
  std::printf("  %-6s %10.3f %10.2f\n", label, ms, ms / chunk_ms);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Latency from a cancel request to the cancelled state (example.primes)",
               "cancel_latency"};
  int trials = 200;
  app.add_option("--trials", trials, "Operations to start and cancel")
      ->check(CLI::Range(1, 100'000))
      ->capture_default_str();
  bool via_host_service = false;
  app.add_flag("--host-service", via_host_service,
               "Route every operation to a host service on loopback (in this process)");
  CLI11_PARSE(app, argc, argv);

  std::optional<InProcessHostService> host_service;
  ktrdr::RoutingOverride routing{.use_host_service = false};
  if (via_host_service) {
    host_service.emplace();
    if (auto started = host_service->start(); !started.ok()) {
      std::fprintf(stderr, "cancel_latency: %s\n", started.error().message.c_str());
      return 2;
    }
    routing = {.use_host_service = true, .url = host_service->server.url()};
  }
  const double target_ms = via_host_service ? kTargetHostServiceP99Ms : kTargetP99Ms;

  ktrdr::engine::Engine engine({KTRDR_BENCH_PLUGIN_DIR}, kEngineWorkers);
  if (const auto missing = engine.plugins().load_for({"example.primes"}); !missing.empty()) {
    std::fprintf(stderr, "cancel_latency: example.primes is not available from %s\n",
                 KTRDR_BENCH_PLUGIN_DIR);
    for (const auto& plugin : engine.plugins().plugins()) {
      std::fprintf(stderr, "  %s: %s %s\n", plugin.path.c_str(),
                   std::string(to_string(plugin.status)).c_str(), plugin.refusal.c_str());
    }
    return 2;
  }
  const ktrdr::JobKindSpec& kind = *engine.plugins().find_kind("example.primes");
  ktrdr::Json params = ktrdr::Json::object();
  params.set("limit", kLimit).set("chunk_size", kChunkSize).set("threads", kCounterThreads);
  if (const auto problems = kind.schema.validate(params); !problems.empty()) {
    std::fprintf(stderr, "cancel_latency: params rejected: %s\n", problems.front().message.c_str());
    return 2;
  }

  std::printf("cancel_latency: example.primes %s, %d trials, %zu engine workers, %s\n",
              params.dump().c_str(), trials, kEngineWorkers,
              via_host_service ? ("via the host service at " + *routing.url).c_str()
                               : "in-process");
  std::vector<double> latencies;
  std::vector<double> chunk_times;
  std::vector<double> chunks_done;
  int failed = 0;
  for (int i = 0; i < trials; ++i) {
    const TrialResult trial = run_trial(engine, kind, params, routing, i);
    if (!trial.problem.empty()) {
      std::fprintf(stderr, "  trial %d: %s\n", i, trial.problem.c_str());
      ++failed;
      continue;
    }
    latencies.push_back(trial.latency_ms);
    chunk_times.push_back(trial.chunk_ms);
    chunks_done.push_back(static_cast<double>(trial.chunks_done));
  }
  if (latencies.empty()) {
    std::printf("no trial was cancelled mid-work\ntarget MISSED\n");
    return 1;
  }

  const ktrdr::bench::Summary latency = ktrdr::bench::summarize(latencies);
  const double chunk_ms = ktrdr::bench::summarize(chunk_times).mean;
  std::printf("baseline: one %s-number chunk takes %.3f ms on one worker (mean over the run)\n",
              ktrdr::format_count(kChunkSize).c_str(), chunk_ms);
  std::printf("cancelled after %.0f chunks on average\n\n",
              ktrdr::bench::summarize(chunks_done).mean);
  std::printf("  %-6s %10s %10s\n", "", "ms", "x chunk");
  print_row("mean", latency.mean, chunk_ms);
  print_row("p50", latency.p50, chunk_ms);
  print_row("p99", latency.p99, chunk_ms);
  print_row("max", latency.max, chunk_ms);

  const bool met = failed == 0 && latency.p99 <= target_ms;
  if (failed > 0) std::printf("\n%d of %d trials did not end cancelled mid-work\n", failed, trials);
  std::printf("\np99 %.3f ms (target <= %.0f ms): target %s\n", latency.p99, target_ms,
              met ? "met" : "MISSED");
  return met ? 0 : 1;
}
