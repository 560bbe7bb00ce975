// http_pool: what AsyncServiceAdapter's connection pool buys. The same small GET against the same
// loopback HostService, N times sequentially and N times from several threads, with kept-alive
// pooled connections and with a new connection per request (the baseline), in one run.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ktrdr/sdk/async_service_adapter.hpp"
#include "ktrdr/sdk/host_service.hpp"
#include "stats.hpp"

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kTargetSequentialRatio = 4.0;
constexpr int kRounds = 5;  // alternating pooled / new-connection rounds; medians are reported

struct Round {
  double seconds = 0.0;
  int errors = 0;
};

// `requests` GETs of /ping split over `threads` threads sharing one adapter.
Round run(const std::string& url, bool keep_alive, int requests, int threads) {
  ktrdr::AdapterOptions options;
  options.service_name = "bench server";
  options.keep_alive = keep_alive;
  options.max_connections = static_cast<std::size_t>(threads);
  auto adapter = ktrdr::AsyncServiceAdapter::create(url, options);
  if (!adapter.ok()) return {0.0, requests};
  std::atomic<int> errors{0};
  const Clock::time_point start = Clock::now();
  {
    std::vector<std::jthread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&, share = requests / threads] {
        for (int i = 0; i < share; ++i) {
          if (!(*adapter)->get_json("/ping").ok()) ++errors;
        }
      });
    }
  }
  return {std::chrono::duration<double>(Clock::now() - start).count(), errors.load()};
}

struct Comparison {
  double pooled_rps = 0.0;
  double fresh_rps = 0.0;
  double ratio = 0.0;  // median over rounds of fresh time / pooled time
  int errors = 0;
};

Comparison compare(const std::string& url, int requests, int threads) {
  std::vector<double> pooled;
  std::vector<double> fresh;
  std::vector<double> ratios;
  int errors = 0;
  for (int round = 0; round < kRounds; ++round) {
    const Round a = run(url, /*keep_alive=*/true, requests, threads);
    const Round b = run(url, /*keep_alive=*/false, requests, threads);
    errors += a.errors + b.errors;
    pooled.push_back(a.seconds);
    fresh.push_back(b.seconds);
    ratios.push_back(b.seconds / a.seconds);
  }
  const double n = static_cast<double>(requests);
  return {n / ktrdr::bench::summarize(pooled).p50, n / ktrdr::bench::summarize(fresh).p50,
          ktrdr::bench::summarize(ratios).p50, errors};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Pooled vs connect-per-request HTTP calls to one host service", "http_pool"};
  int requests = 2000;
  int threads = 8;
  app.add_option("--requests", requests, "Requests per measurement")
      ->check(CLI::Range(10, 1'000'000))
      ->capture_default_str();
  app.add_option("--threads", threads, "Client threads in the concurrent measurement")
      ->check(CLI::Range(2, 256))
      ->capture_default_str();
  std::size_t server_threads = ktrdr::HostServiceOptions{}.io_threads;
  app.add_option("--server-threads", server_threads, "The server's I/O threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  ktrdr::HostServiceOptions options;
  options.io_threads = server_threads;
  ktrdr::HostService server(options);
  server.route(
      ktrdr::HttpMethod::kGet, "/ping",
      [](const ktrdr::ServerRequest&) {
        ktrdr::Json body = ktrdr::Json::object();
        body.set("ok", true);
        return ktrdr::ServerResponse::json(body);
      },
      /*requires_auth=*/false, /*quick=*/true);
  if (auto started = server.start(); !started.ok()) {
    std::fprintf(stderr, "http_pool: %s\n", started.error().message.c_str());
    return 2;
  }
  std::printf(
      "http_pool: GET /ping on %s (%zu server I/O threads), %d requests per measurement, %d "
      "rounds (medians)\n\n",
      server.url().c_str(), server_threads, requests, kRounds);
  const Comparison sequential = compare(server.url(), requests, 1);
  const Comparison concurrent = compare(server.url(), requests, threads);
  std::printf("  %-24s %12s %12s %8s\n", "", "pooled req/s", "new req/s", "ratio");
  std::printf("  %-24s %12.0f %12.0f %7.2fx\n", "sequential", sequential.pooled_rps,
              sequential.fresh_rps, sequential.ratio);
  const std::string label = "concurrent (" + std::to_string(threads) + " threads)";
  std::printf("  %-24s %12.0f %12.0f %7.2fx\n", label.c_str(), concurrent.pooled_rps,
              concurrent.fresh_rps, concurrent.ratio);
  const int errors = sequential.errors + concurrent.errors;
  if (errors > 0) std::printf("\n%d requests failed\n", errors);
  const bool met = errors == 0 && sequential.ratio >= kTargetSequentialRatio;
  std::printf("\nsequential ratio %.2fx (target >= %.0fx): target %s\n", sequential.ratio,
              kTargetSequentialRatio, met ? "met" : "MISSED");
  server.stop();
  return met ? 0 : 1;
}
