// progress_overhead: what the example plugin's progress reporting costs. PrimeCounter::count()
// runs with an empty chunk callback (the baseline) and with the callback PrimesManager uses,
// alternated in one run, timing the reporting calls too; then the cost of one throttled progress
// update in a tight loop.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ktrdr/sdk/progress.hpp"
#include "ktrdr/sdk/progress_renderer.hpp"
#include "prime_counter.hpp"
#include "primes_progress.hpp"
#include "stats.hpp"

namespace {

using Clock = std::chrono::steady_clock;

constexpr double kTargetOverheadPercent = 0.5;
constexpr unsigned kThreadCounts[] = {1, 2};     // 1 first: the estimate below uses its time
constexpr std::int64_t kMicroCalls = 5'000'000;  // per micro-benchmark repetition
constexpr int kMicroRepetitions = 5;

struct RunResult {
  double seconds = 0.0;
  double reporting_seconds = 0.0;  // spent inside reporting calls, summed over threads
  std::uint64_t primes = 0;
  std::uint64_t emissions = 0;  // states handed to the progress callback
  std::string last_message;     // the last rendered progress line
};

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Baseline: the same sieve, reporting nothing.
RunResult run_silent(const example::PrimeCounter& counter) {
  const Clock::time_point start = Clock::now();
  const example::PrimeCount count =
      counter.count(ktrdr::CancellationToken{}, [](std::uint64_t, std::uint64_t, std::uint64_t) {});
  return {.seconds = seconds_since(start), .primes = count.primes};
}

// What PrimesManager::count does, with a sink that renders each emitted state and stores it, as
// the orchestrator does before handing it to the registry. Every reporting call is timed.
RunResult run_reported(const example::PrimeCounter& counter, std::uint64_t limit,
                       unsigned threads) {
  const Clock::time_point start = Clock::now();
  std::atomic<Clock::rep> reporting{0};
  const auto timed = [&reporting](auto&& report) {
    const Clock::time_point begin = Clock::now();
    report();
    reporting.fetch_add((Clock::now() - begin).count(), std::memory_order_relaxed);
  };
  const ktrdr::DefaultProgressRenderer renderer;
  RunResult result;
  ktrdr::ProgressState latest;
  ktrdr::ProgressReporter reporter([&](const ktrdr::ProgressState& state) {
    ktrdr::ProgressState rendered = state;
    rendered.message = renderer.render_message(state);
    latest = std::move(rendered);
    ++result.emissions;
  });
  std::optional<example::PrimesProgress> progress;
  timed([&] { progress.emplace(reporter, limit, counter.chunks_total(), threads); });

  const example::PrimeCount count = counter.count(
      ktrdr::CancellationToken{},
      [&](std::uint64_t done, std::uint64_t total, std::uint64_t found) {
        timed([&] { progress->chunk_done(done, total, found); });
      });
  result.seconds = seconds_since(start);
  result.reporting_seconds =
      std::chrono::duration<double>(Clock::duration(reporting.load())).count();
  result.primes = count.primes;
  result.last_message = latest.message;
  return result;
}

// Median ns per update call on a reporter whose throttle never opens, and how many states it
// emitted anyway (should be 0). `make_update(reporter)` returns the update: a callable(i, total).
template <class MakeUpdate>
std::pair<double, std::uint64_t> throttled_cost(MakeUpdate make_update) {
  std::vector<double> ns_per_call;
  std::uint64_t emissions = 0;
  for (int repetition = 0; repetition < kMicroRepetitions; ++repetition) {
    ktrdr::ProgressReporter reporter([&](const ktrdr::ProgressState&) { ++emissions; },
                                     {.min_interval = std::chrono::hours{1}});
    const auto update = make_update(reporter);
    const Clock::time_point start = Clock::now();
    for (std::int64_t i = 1; i <= kMicroCalls; ++i) update(i, kMicroCalls + 1);
    ns_per_call.push_back(seconds_since(start) * 1e9 / static_cast<double>(kMicroCalls));
  }
  return {ktrdr::bench::summarize(ns_per_call).p50, emissions};
}

struct Comparison {
  double end_to_end_percent = 0.0;  // median of reported / silent − 1
  double reporting_percent = 0.0;   // median share of worker time spent in reporting calls
  double silent_median = 0.0;       // seconds
};

// Runs the variants alternately on `threads` workers, A B A B … A (silent first and last). Each
// reported run is compared with the mean of the silent runs either side of it, so that drift and
// run order cancel.
Comparison compare(std::uint64_t limit, std::uint64_t chunk_size, unsigned threads, int runs) {
  const example::PrimeCounter counter(limit, chunk_size, threads);
  std::printf("\n%u thread(s), %s chunks\n  %-6s %12s %12s %9s %12s\n", threads,
              ktrdr::format_count(static_cast<std::int64_t>(counter.chunks_total())).c_str(), "run",
              "silent s", "reported s", "ratio", "reporting %");
  std::vector<double> silent{run_silent(counter).seconds};
  std::vector<double> reported;
  std::vector<double> ratios;
  std::vector<double> shares;
  RunResult b;
  for (int run = 0; run < runs; ++run) {
    b = run_reported(counter, limit, threads);
    const RunResult a = run_silent(counter);
    if (a.primes != b.primes) {
      std::fprintf(stderr, "progress_overhead: the variants disagree (%llu vs %llu primes)\n",
                   static_cast<unsigned long long>(a.primes),
                   static_cast<unsigned long long>(b.primes));
      std::exit(2);
    }
    reported.push_back(b.seconds);
    ratios.push_back(b.seconds / ((silent.back() + a.seconds) / 2.0));
    shares.push_back(b.reporting_seconds / (b.seconds * threads) * 100.0);
    std::printf("  %-6d %12.4f %12.4f %9.4f %12.4f\n", run + 1, silent.back(), b.seconds,
                ratios.back(), shares.back());
    silent.push_back(a.seconds);
  }
  std::printf("  %-6s %12.4f\n", "", silent.back());
  const ktrdr::bench::Summary ratio = ktrdr::bench::summarize(ratios);
  const Comparison result{.end_to_end_percent = (ratio.p50 - 1.0) * 100.0,
                          .reporting_percent = ktrdr::bench::summarize(shares).p50,
                          .silent_median = ktrdr::bench::summarize(silent).p50};
  std::printf("  %-6s %12.4f %12.4f %9.4f %12.4f\n", "median", result.silent_median,
              ktrdr::bench::summarize(reported).p50, ratio.p50, result.reporting_percent);
  std::printf("  last reported run: %llu progress states emitted, last line \"%s\"\n",
              static_cast<unsigned long long>(b.emissions), b.last_message.c_str());
  std::printf("  end to end: %+.3f %% (ratios %.4f .. %.4f: differences inside that are noise)\n",
              result.end_to_end_percent, ratio.min, ratio.max);
  std::printf("  in reporting calls: %.4f %% of worker time (target <= %.1f %%)\n",
              result.reporting_percent, kTargetOverheadPercent);
  return result;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Cost of the example plugin's progress reporting", "progress_overhead"};
  std::uint64_t limit = 1'000'000'000;
  std::uint64_t chunk_size = 1'000'000;
  int runs = 5;
  app.add_option("--limit", limit, "Count the primes below this")
      ->check(CLI::Range(std::uint64_t{1'000'000}, std::uint64_t{10'000'000'000}))
      ->capture_default_str();
  app.add_option("--chunk-size", chunk_size, "Numbers sieved per chunk (one update each)")
      ->check(CLI::Range(std::uint64_t{1000}, std::uint64_t{1'000'000'000}))
      ->capture_default_str();
  app.add_option("--runs", runs, "Reported runs per thread count, each between two silent runs")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::printf(
      "progress_overhead: PrimeCounter below %s, chunks of %s, %d reported runs per thread count\n",
      ktrdr::format_count(static_cast<std::int64_t>(limit)).c_str(),
      ktrdr::format_count(static_cast<std::int64_t>(chunk_size)).c_str(), runs);
  std::vector<Comparison> comparisons;
  for (const unsigned threads : kThreadCounts) {
    comparisons.push_back(compare(limit, chunk_size, threads, runs));
  }

  const std::uint64_t chunks = example::PrimeCounter(limit, chunk_size, 1).chunks_total();
  const auto [set_items_ns, set_items_emissions] =
      throttled_cost([](ktrdr::ProgressReporter& reporter) {
        return [step = reporter.root()](std::int64_t i, std::int64_t total) {
          step.set_items(i, total);
        };
      });
  const auto [update_ns, update_emissions] = throttled_cost([](ktrdr::ProgressReporter& reporter) {
    auto progress = std::make_shared<example::PrimesProgress>(
        reporter, /*limit=*/0, static_cast<std::uint64_t>(kMicroCalls + 1), /*threads=*/1u);
    return [progress](std::int64_t i, std::int64_t total) {
      progress->chunk_done(static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(total),
                           static_cast<std::uint64_t>(i));
    };
  });
  const double chunk_ms =
      comparisons.front().silent_median * 1e3 / static_cast<double>(chunks);
  std::printf("\nthrottled, in a tight loop (median of %d x %s calls):\n", kMicroRepetitions,
              ktrdr::format_count(kMicroCalls).c_str());
  std::printf("  ProgressStep::set_items              %7.1f ns/call (%llu emitted)\n", set_items_ns,
              static_cast<unsigned long long>(set_items_emissions));
  std::printf("  per-chunk update (2 fields + items)  %7.1f ns/call (%llu emitted)\n", update_ns,
              static_cast<unsigned long long>(update_emissions));
  std::printf("  = %.4f %% of one chunk on one thread (%.3f ms)\n",
              update_ns * 1e-6 / chunk_ms * 100.0, chunk_ms);

  bool met = true;
  std::printf("\nprogress reporting took");
  for (std::size_t i = 0; i < comparisons.size(); ++i) {
    std::printf("%s %.4f %% (%u thread(s))", i == 0 ? "" : ",", comparisons[i].reporting_percent,
                kThreadCounts[i]);
    met = met && comparisons[i].reporting_percent <= kTargetOverheadPercent;
  }
  std::printf(" of worker time (target <= %.1f %%): target %s\n", kTargetOverheadPercent,
              met ? "met" : "MISSED");
  return met ? 0 : 1;
}
