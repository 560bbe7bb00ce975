// ops_history: does serving a long operations history cost more than serving a short one? The
// same in-process server (`ktrdr serve`'s parts: engine, SQLite store, operations API) restored
// from a history of --history finished operations and from one of --baseline (the baseline), then
// hit by --clients concurrent clients alternating GET /api/v1/operations?limit=50 and GET /health.
#include <stdlib.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine.hpp"
#include "ktrdr/sdk/async_service_adapter.hpp"
#include "ktrdr/sdk/host_service.hpp"
#include "operation_store.hpp"
#include "operations_api.hpp"
#include "stats.hpp"

namespace {

using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

// The long history's p99 latencies may be at most this many times the short one's.
constexpr double kTargetRatio = 2.0;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// A database holding `count` finished data.load operations, one a minute, with params and a
// result the size of real ones.
void write_history(const fs::path& db, std::size_t count) {
  ktrdr::OperationRegistry registry;
  auto store = ktrdr::engine::OperationStore::open(db);
  if (!store.ok()) throw std::runtime_error(store.error().message);
  (*store)->follow(registry);
  const auto first = std::chrono::system_clock::now() - std::chrono::minutes(count);
  for (std::size_t i = 0; i < count; ++i) {
    ktrdr::OperationRecord record;
    record.id = "op_data_load_" + std::to_string(1'000'000 + i);
    record.kind = "data.load";
    record.name = "eurusd-" + std::to_string(i);
    record.state = ktrdr::OperationState::kCompleted;
    record.created_at = first + std::chrono::minutes(i);
    record.finished_at = record.created_at + std::chrono::seconds(3);
    record.params = ktrdr::Json::object()
                        .set("symbol", "EURUSD")
                        .set("timeframe", "1h")
                        .set("start", "2019-01-01")
                        .set("end", "2021-01-01")
                        .set("data_dir", "/srv/ktrdr/data");
    record.result = ktrdr::Json::object()
                        .set("bars_stored", 12'345)
                        .set("provider", "csv-archive")
                        .set("file", "/srv/ktrdr/data/EURUSD_1h.csv");
    record.version = 4;
    registry.restore(std::move(record));
  }
  if (auto flushed = (*store)->flush(); !flushed.ok())
    throw std::runtime_error(flushed.error().message);
}

struct Measure {
  std::size_t operations = 0;
  double restore_ms = 0.0;
  ktrdr::bench::Summary list;
  ktrdr::bench::Summary health;
  int errors = 0;
};

// Restores `db` into a fresh server and measures the clients against it.
Measure measure(const fs::path& db, int clients, int requests_per_client) {
  Measure out;
  ktrdr::CancellationSource shutdown;
  ktrdr::engine::Engine engine({}, 2);
  auto store = ktrdr::engine::OperationStore::open(db);
  if (!store.ok()) throw std::runtime_error(store.error().message);
  const Clock::time_point restore_start = Clock::now();
  auto restored = (*store)->restore_into(engine.registry(), [](const std::string&) {});
  out.restore_ms = ms_since(restore_start);
  if (!restored.ok()) throw std::runtime_error(restored.error().message);
  out.operations = *restored;
  (*store)->follow(engine.registry());

  ktrdr::HostService server(ktrdr::HostServiceOptions{});
  {
    ktrdr::engine::OperationsApi api(engine, shutdown.token());
    ktrdr::engine::OperationStore& journal = **store;
    api.set_journal({.commit = [&journal] { return journal.flush(); },
                     .failure = [&journal] { return journal.failure(); }});
    api.mount(server);
    if (auto started = server.start(); !started.ok())
      throw std::runtime_error(started.error().message);
    ktrdr::AdapterOptions options;
    options.service_name = "bench server";
    options.max_connections = static_cast<std::size_t>(clients);
    options.max_attempts = 1;
    auto adapter = ktrdr::AsyncServiceAdapter::create(server.url(), options);
    if (!adapter.ok()) throw std::runtime_error(adapter.error().message);
    std::mutex mutex;
    std::vector<double> list;
    std::vector<double> health;
    std::atomic<int> errors{0};
    {
      std::vector<std::jthread> workers;
      for (int c = 0; c < clients; ++c) {
        workers.emplace_back([&] {
          std::vector<double> mine_list;
          std::vector<double> mine_health;
          for (int i = 0; i < requests_per_client; ++i) {
            const bool listing = i % 2 == 0;
            const Clock::time_point start = Clock::now();
            const auto answer =
                (*adapter)->get_json(listing ? "/api/v1/operations?limit=50" : "/api/v1/health");
            (listing ? mine_list : mine_health).push_back(ms_since(start));
            if (!answer.ok()) ++errors;
          }
          std::lock_guard lock(mutex);
          list.insert(list.end(), mine_list.begin(), mine_list.end());
          health.insert(health.end(), mine_health.begin(), mine_health.end());
        });
      }
    }
    out.list = ktrdr::bench::summarize(list);
    out.health = ktrdr::bench::summarize(health);
    out.errors = errors.load();
    server.stop(std::chrono::seconds(5));
  }
  return out;
}

void print(const char* label, const Measure& m) {
  std::printf(
      "  %-9s %8zu ops  restore %8.1f ms   list p50 %7.2f p99 %7.2f max %7.2f ms   "
      "health p50 %7.2f p99 %7.2f max %7.2f ms\n",
      label, m.operations, m.restore_ms, m.list.p50, m.list.p99, m.list.max, m.health.p50,
      m.health.p99, m.health.max);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Serving a long operations history vs a short one", "ops_history"};
  std::size_t history = 80'000;
  std::size_t baseline = 1'000;
  int clients = 50;
  int requests = 40;
  app.add_option("--history", history, "Finished operations in the long history")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  app.add_option("--baseline", baseline, "Finished operations in the baseline history")
      ->check(CLI::Range(1, 10'000'000))
      ->capture_default_str();
  app.add_option("--clients", clients, "Concurrent clients")
      ->check(CLI::Range(1, 512))
      ->capture_default_str();
  app.add_option("--requests", requests, "Requests per client (half list, half health)")
      ->check(CLI::Range(2, 100'000))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::string pattern = (fs::temp_directory_path() / "ops_history.XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) return 2;
  const fs::path dir = pattern;
  int code = 1;
  try {
    write_history(dir / "short.db", baseline);
    write_history(dir / "long.db", history);
    std::printf(
        "ops_history: %d clients x %d requests, GET /api/v1/operations?limit=50 and "
        "GET /api/v1/health alternating\n\n",
        clients, requests);
    const Measure short_history = measure(dir / "short.db", clients, requests);
    const Measure long_history = measure(dir / "long.db", clients, requests);
    print("baseline", short_history);
    print("long", long_history);
    const double list_ratio = long_history.list.p99 / short_history.list.p99;
    const double health_ratio = long_history.health.p99 / short_history.health.p99;
    const int errors = short_history.errors + long_history.errors;
    if (errors > 0) std::printf("\n%d requests failed\n", errors);
    const bool met = errors == 0 && list_ratio <= kTargetRatio && health_ratio <= kTargetRatio;
    std::printf("\np99 long/baseline: list %.2fx, health %.2fx (target <= %.0fx): target %s\n",
                list_ratio, health_ratio, kTargetRatio, met ? "met" : "MISSED");
    code = met ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ops_history: %s\n", e.what());
    code = 2;
  }
  fs::remove_all(dir);
  return code;
}
