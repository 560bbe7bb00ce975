// data_load_host: what HostBarProvider's connection pool buys a real multi-segment load. One
// in-process HostService on loopback serves IbHostService's routes over a SyntheticProvider
// (pacing unlimited, so pacing does not dominate); DataJobManager runs the same segment plan
// through an IbDataAdapter over a HostBarProvider with pooled kept-alive connections and over one
// that connects once per request (the baseline), alternating, in one run. Three series: EURUSD 1h
// in IB's 30-day segments, AAPL 5m in 7-day segments, and AAPL 1m in 1-day segments (small
// responses, weekend days answered IB 162). Target: pooling never loses (every ratio >= 1) and no
// segment fails.
#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "data_job_manager.hpp"
#include "host_bar_provider.hpp"
#include "ib_data_adapter.hpp"
#include "ib_host_service.hpp"
#include "ktrdr/sdk/host_service.hpp"
#include "segment_planner.hpp"
#include "stats.hpp"
#include "synthetic_provider.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono;
using namespace std::chrono_literals;
using ktrdr::data::BarProvider;

constexpr double kTargetRatio = 1.0;  // connect-per-request time / pooled time, every scenario
// Plans end here and reach back `segments` maximum-length segments (after SyntheticProvider's
// default head, 2000-01-03, for up to 300 segments of every scenario).
constexpr sys_days kPlanEnd{year{2025} / 1 / 6};

// A BarProvider that forwards to another and times each historical() call: the per-request
// latency the data domain sees (HTTP round trip, connect when not pooled, JSON both ways).
class TimedProvider final : public BarProvider {
 public:
  explicit TimedProvider(std::shared_ptr<ktrdr::data::HostBarProvider> inner)
      : inner_(std::move(inner)) {}

  std::string name() const override { return inner_->name(); }
  ktrdr::Result<ktrdr::data::PacingLimits> pacing_limits(
      const ktrdr::CancellationToken& token) override {
    return inner_->pacing_limits(token);
  }
  ktrdr::Result<ktrdr::data::ContractInfo> contract(
      std::string_view symbol, const ktrdr::CancellationToken& token) override {
    return inner_->contract(symbol, token);
  }
  ktrdr::Result<sys_seconds> head_timestamp(std::string_view symbol, ktrdr::Timeframe timeframe,
                                            const ktrdr::CancellationToken& token) override {
    return inner_->head_timestamp(symbol, timeframe, token);
  }
  ktrdr::Result<ktrdr::BarSeries> historical(const ktrdr::data::HistoricalRequest& request,
                                             const ktrdr::CancellationToken& token) override {
    const Clock::time_point start = Clock::now();
    auto result = inner_->historical(request, token);
    const double ms = duration<double, std::milli>(Clock::now() - start).count();
    std::lock_guard lock(mutex_);
    latencies_ms_.push_back(ms);
    return result;
  }
  ktrdr::Json health() override { return inner_->health(); }

  std::vector<double> latencies_ms() const {
    std::lock_guard lock(mutex_);
    return latencies_ms_;
  }
  const ktrdr::data::HostBarProvider& inner() const { return *inner_; }

 private:
  const std::shared_ptr<ktrdr::data::HostBarProvider> inner_;
  mutable std::mutex mutex_;
  std::vector<double> latencies_ms_;  // GUARDED_BY(mutex_)
};

struct Scenario {
  std::string label;
  std::string symbol;
  ktrdr::Timeframe timeframe;
};

// One load of the plan through a fresh client (as a `ktrdr data load` would make).
struct Load {
  double seconds = 0.0;
  std::uint64_t requests = 0;  // historical requests sent
  std::size_t bars = 0;
  std::size_t failed = 0;            // segments failed or cancelled
  std::uint64_t connections = 0;     // connections the client opened
  std::vector<double> latencies_ms;  // per historical request
};

Load load(const std::string& url, bool keep_alive, const Scenario& scenario,
          const std::vector<ktrdr::data::Segment>& plan) {
  ktrdr::AdapterOptions options = ktrdr::data::HostBarProvider::default_options();
  options.keep_alive = keep_alive;
  auto created = ktrdr::data::HostBarProvider::create(url, options);
  if (!created) return {.failed = plan.size()};
  auto timed = std::make_shared<TimedProvider>(std::move(created).value());
  auto adapter = std::make_shared<ktrdr::data::IbDataAdapter>(timed, "host_service");
  const ktrdr::data::DataJobManager manager(adapter);
  const Clock::time_point start = Clock::now();
  const ktrdr::data::DataJobSummary summary =
      manager.run(scenario.symbol, scenario.timeframe, plan, ktrdr::CancellationToken{});
  const double elapsed = duration<double>(Clock::now() - start).count();
  return {.seconds = elapsed,
          .requests = summary.requests,
          .bars = summary.bars_fetched,
          .failed = summary.segments_failed + summary.segments_cancelled,
          .connections = timed->inner().stats().pool_misses,
          .latencies_ms = timed->latencies_ms()};
}

// One client configuration's loads over the rounds.
struct Side {
  std::vector<double> seconds;
  std::vector<double> latencies_ms;
  std::uint64_t requests = 0;     // per load (the same every round)
  std::size_t bars = 0;           // per load
  std::uint64_t connections = 0;  // per load, the last round's
  std::size_t failed = 0;         // over all rounds

  void add(Load&& one) {
    seconds.push_back(one.seconds);
    latencies_ms.insert(latencies_ms.end(), one.latencies_ms.begin(), one.latencies_ms.end());
    requests = one.requests;
    bars = one.bars;
    connections = one.connections;
    failed += one.failed;
  }
};

struct Comparison {
  Side pooled;
  Side fresh;
  double ratio = 0.0;       // median over rounds of fresh time / pooled time
  double best_ratio = 0.0;  // fresh best time / pooled best time
};

Comparison compare(const std::string& url, const Scenario& scenario, std::size_t segments,
                   int rounds) {
  const days longest = ktrdr::ib_max_request_duration(scenario.timeframe);
  const ktrdr::data::FetchRange range{
      .from = sys_seconds{kPlanEnd - longest * static_cast<int>(segments)},
      .to = sys_seconds{kPlanEnd}};
  const std::vector<ktrdr::data::Segment> plan =
      ktrdr::data::plan_segments(std::span(&range, 1), {.timeframe = scenario.timeframe,
                                                        .mode = ktrdr::data::LoadMode::kBackfill,
                                                        .backfill_before = std::nullopt,
                                                        .merge_nearby = false});
  Comparison result;
  std::vector<double> ratios;
  for (int round = 0; round < rounds; ++round) {
    Load a = load(url, /*keep_alive=*/true, scenario, plan);
    Load b = load(url, /*keep_alive=*/false, scenario, plan);
    ratios.push_back(b.seconds / a.seconds);
    result.pooled.add(std::move(a));
    result.fresh.add(std::move(b));
  }
  result.ratio = ktrdr::bench::summarize(ratios).p50;
  result.best_ratio = ktrdr::bench::summarize(result.fresh.seconds).min /
                      ktrdr::bench::summarize(result.pooled.seconds).min;
  return result;
}

void print_side(const char* scenario, const char* client, const Side& side) {
  const ktrdr::bench::Summary took = ktrdr::bench::summarize(side.seconds);
  const ktrdr::bench::Summary latency = ktrdr::bench::summarize(side.latencies_ms);
  std::printf("  %-26s %-9s %6llu %8zu %9.4f %9.4f %9.0f %11.0f %8.3f %8.3f %6llu\n", scenario,
              client, static_cast<unsigned long long>(side.requests), side.bars, took.p50, took.min,
              static_cast<double>(side.requests) / took.p50,
              static_cast<double>(side.bars) / took.p50, latency.p50, latency.p99,
              static_cast<unsigned long long>(side.connections));
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Multi-segment data loads through the IB host service: pooled vs connect-per-request",
      "data_load_host"};
  std::size_t segments = 240;
  int rounds = 9;
  app.add_option("--segments", segments, "Segments per load (every scenario)")
      ->check(CLI::Range(10, 300))
      ->capture_default_str();
  app.add_option("--rounds", rounds, "Alternating pooled / connect-per-request loads per scenario")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  ktrdr::HostServiceOptions server_options;
  app.add_option("--server-threads", server_options.io_threads, "The server's I/O threads")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  ktrdr::HostService server(server_options);
  // Pacing unlimited (SyntheticProvider's default): neither the service nor the client waits.
  ktrdr::data::IbHostService service(std::make_shared<ktrdr::data::SyntheticProvider>());
  for (const ktrdr::RouteSpec& route : service.routes()) {
    server.route(route.method, route.pattern, route.handler, route.requires_auth, route.quick);
  }
  if (auto started = server.start(); !started.ok()) {
    std::fprintf(stderr, "data_load_host: %s\n", started.error().message.c_str());
    return 2;
  }

  const std::vector<Scenario> scenarios{
      {"EURUSD 1h, 30-day segments", "EURUSD", ktrdr::Timeframe::k1h},
      {"AAPL 5m, 7-day segments", "AAPL", ktrdr::Timeframe::k5m},
      {"AAPL 1m, 1-day segments", "AAPL", ktrdr::Timeframe::k1m},
  };
  std::printf(
      "data_load_host: DataJobManager loads of %zu segments (IB's maximum length per bar size, "
      "ending %s) through IbDataAdapter → HostBarProvider → IbHostService on %s over a synthetic "
      "provider (pacing unlimited; %zu server I/O threads, %zu handler threads), pooled vs a new "
      "connection per request; %d alternating rounds, a fresh client per load (medians; best = "
      "fastest load; latency per historical request over all rounds)\n\n",
      segments, "2025-01-06", server.url().c_str(), server_options.io_threads,
      server_options.handler_threads, rounds);
  std::printf("  %-26s %-9s %6s %8s %9s %9s %9s %11s %8s %8s %6s\n", "", "client", "req", "bars",
              "median s", "best s", "req/s", "bars/s", "p50 ms", "p99 ms", "conns");

  bool met = true;
  std::size_t failed = 0;
  std::vector<std::pair<std::string, double>> ratios;
  for (const Scenario& scenario : scenarios) {
    const Comparison c = compare(server.url(), scenario, segments, rounds);
    print_side(scenario.label.c_str(), "pooled", c.pooled);
    print_side("", "new conn", c.fresh);
    std::printf("  %-26s %-9s %7.2fx median of rounds, %.2fx best / best\n", "", "ratio", c.ratio,
                c.best_ratio);
    failed += c.pooled.failed + c.fresh.failed;
    ratios.emplace_back(scenario.label, c.ratio);
    if (c.ratio < kTargetRatio) met = false;
  }
  if (failed > 0) {
    std::printf("\n%zu segments failed\n", failed);
    met = false;
  }
  std::printf("\nconnect-per-request / pooled:");
  for (std::size_t i = 0; i < ratios.size(); ++i) {
    std::printf("%s %s %.2fx", i == 0 ? "" : ";", ratios[i].first.c_str(), ratios[i].second);
  }
  std::printf(" (target >= %.1fx each): target %s\n", kTargetRatio, met ? "met" : "MISSED");
  server.stop();
  return met ? 0 : 1;
}
