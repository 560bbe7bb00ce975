#include "ktrdr/sdk/progress.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using ktrdr::PhasePlan;
using ktrdr::ProgressOptions;
using ktrdr::ProgressReporter;
using ktrdr::ProgressState;

namespace {

ProgressOptions unthrottled() { return ProgressOptions{.min_interval = 0ms, .smoothing = 0.5}; }
ProgressOptions hourly() { return ProgressOptions{.min_interval = 1h, .smoothing = 0.3}; }

// Keeps every emitted state.
struct Recorder {
  std::mutex mutex;
  std::vector<ProgressState> states;
  ktrdr::ProgressCallback callback() {
    return [this](const ProgressState& state) {
      std::lock_guard lock(mutex);
      states.push_back(state);
    };
  }
};

}  // namespace

TEST_CASE("the percentage never decreases", "[sdk][progress]") {
  ProgressReporter reporter(nullptr, unthrottled());
  auto root = reporter.root();
  root.set_fraction(0.5);
  root.set_fraction(0.3);
  CHECK(reporter.snapshot().percentage == Approx(50.0));
  root.set_fraction(2.0);
  CHECK(reporter.snapshot().percentage == Approx(100.0));
}

TEST_CASE("nested steps interpolate inside their parent's range", "[sdk][progress]") {
  ProgressReporter reporter(nullptr, unthrottled());
  auto outer = reporter.root().sub("train", 0, 50);
  auto inner = outer.sub("epoch", 50, 100);
  CHECK(inner.begin() == Approx(25.0));
  CHECK(inner.end() == Approx(50.0));
  CHECK(reporter.snapshot().percentage == Approx(25.0));  // entering moves to the step's start
  inner.set_fraction(0.5);
  CHECK(reporter.snapshot().percentage == Approx(37.5));
  inner.set_items(3, 4);
  CHECK(reporter.snapshot().percentage == Approx(43.75));
  CHECK(reporter.snapshot().items_done == 3);
  CHECK(reporter.snapshot().items_total == 4);
  inner.finish();
  CHECK(reporter.snapshot().percentage == Approx(50.0));
}

TEST_CASE("entering steps names them and numbers the top-level ones", "[sdk][progress]") {
  ProgressReporter reporter(nullptr, unthrottled());
  PhasePlan phases(reporter.root(), {{"validate", 5}, {"fetch", 80}, {"save", 15}});
  REQUIRE(phases.size() == 3);
  auto fetch = phases.enter(1);
  CHECK(fetch.begin() == Approx(5.0));
  CHECK(fetch.end() == Approx(85.0));
  fetch.set_items(10, 20);
  ProgressState state = reporter.snapshot();
  CHECK(state.step == "fetch");
  CHECK(state.step_index == 2);
  CHECK(state.step_count == 3);
  CHECK(state.percentage == Approx(45.0));

  const auto segment = fetch.sub("segment 1", 0, 50, 1, 4);  // nested: keeps "step 2 of 3"
  CHECK(segment.end() == Approx(45.0));
  state = reporter.snapshot();
  CHECK(state.step == "segment 1");
  CHECK(state.step_index == 2);
  CHECK(state.items_done == 0);  // items belong to the step just entered
  CHECK(state.items_total == 0);

  auto save = phases.enter(2);
  save.finish();
  state = reporter.snapshot();
  CHECK(state.step_index == 3);
  CHECK(state.percentage == Approx(100.0));
  CHECK_THROWS_AS(phases.enter(3), std::out_of_range);
}

TEST_CASE("phase plans with no usable weights split evenly", "[sdk][progress]") {
  ProgressReporter reporter(nullptr, unthrottled());
  PhasePlan phases(reporter.root(), {{"a", 0}, {"b", 0}, {"c", 0}, {"d", 0}});
  CHECK(phases.enter(1).begin() == Approx(25.0));
  CHECK(phases.enter(3).end() == Approx(100.0));
}

TEST_CASE("emissions are throttled except for phase changes, flushes and completion",
          "[sdk][progress]") {
  std::atomic<int> emissions{0};
  ProgressReporter reporter([&](const ProgressState&) { emissions.fetch_add(1); }, hourly());
  auto root = reporter.root();
  for (int i = 0; i < 1000; ++i) root.set_fraction(i / 10000.0);
  reporter.set_message("working");
  reporter.set_context_field("symbol", "AAPL");
  CHECK(emissions.load() == 0);

  auto first = root.sub("first", 0, 50, 1, 2);
  CHECK(emissions.load() == 1);
  for (int i = 0; i < 1000; ++i) first.set_items(i, 1000);
  CHECK(emissions.load() == 1);
  auto second = root.sub("second", 50, 100, 2, 2);
  CHECK(emissions.load() == 2);
  second.finish();  // reaches 100 %
  CHECK(emissions.load() == 3);
  second.finish();  // already there
  reporter.set_message("done");
  CHECK(emissions.load() == 3);
  reporter.flush();
  CHECK(emissions.load() == 4);
}

TEST_CASE("unthrottled reporters emit every change", "[sdk][progress]") {
  Recorder recorder;
  ProgressReporter reporter(recorder.callback(), unthrottled());
  reporter.root().set_fraction(0.25);
  reporter.set_context_field("epoch", 3);
  reporter.set_context(ktrdr::Json::object().set("epoch", 4));
  REQUIRE(recorder.states.size() == 3);
  CHECK(recorder.states[0].percentage == Approx(25.0));
  CHECK(recorder.states[1].context.get_int("epoch") == 3);
  CHECK(recorder.states[2].context.get_int("epoch") == 4);
}

TEST_CASE("progress from racing threads stays monotonic and callbacks never overlap",
          "[sdk][progress][concurrency]") {
  constexpr int kThreads = 4;
  constexpr int kUpdates = 2000;
  std::atomic<int> in_callback{0};
  std::atomic<bool> overlapped{false};
  std::vector<double> seen;  // written only inside the (serialised) callback
  ProgressReporter reporter(
      [&](const ProgressState& state) {
        if (in_callback.fetch_add(1) != 0) overlapped.store(true);
        seen.push_back(state.percentage);
        in_callback.fetch_sub(1);
      },
      unthrottled());
  auto root = reporter.root();
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      const auto step = root.sub("worker " + std::to_string(t), 0, 100);
      for (int i = 1; i <= kUpdates; ++i) {
        step.set_items(i, kUpdates);
        if (i % 100 == 0) reporter.set_context_field("worker", t);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK_FALSE(overlapped.load());
  REQUIRE_FALSE(seen.empty());
  for (std::size_t i = 1; i < seen.size(); ++i) REQUIRE(seen[i] >= seen[i - 1]);
  CHECK(seen.back() == Approx(100.0));
  CHECK(reporter.snapshot().percentage == Approx(100.0));
}

TEST_CASE("items feed a smoothed rate and the percentage an ETA", "[sdk][progress]") {
  const auto began = std::chrono::steady_clock::now();
  ProgressReporter reporter(nullptr, unthrottled());
  auto root = reporter.root();
  root.set_items(0, 1000);
  CHECK_FALSE(reporter.snapshot().eta_seconds.has_value());
  // Rates need time to pass; there is nothing to wait on but the clock.
  for (int i = 1; i <= 3; ++i) {
    std::this_thread::sleep_for(60ms);
    root.set_items(i * 100, 1000);
  }
  const double run_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  const ProgressState state = reporter.snapshot();
  // Each rate sample is 100 items over more than the 60 ms slept and less than the whole run, and
  // the smoothed rate lies between its samples: bounds that hold however busy the machine is.
  CHECK(state.items_per_second <= 100.0 / 0.060);
  CHECK(state.items_per_second >= 100.0 / run_seconds);
  REQUIRE(state.eta_seconds.has_value());
  // The remaining 70 % (700 items) at the smoothed pace.
  CHECK(*state.eta_seconds == Approx(700.0 / state.items_per_second));
  root.finish();
  CHECK(reporter.snapshot().eta_seconds == 0.0);
}

TEST_CASE("states carry their start and update times", "[sdk][progress]") {
  const auto before = std::chrono::system_clock::now();
  ProgressReporter reporter(nullptr, unthrottled());
  const ProgressState initial = reporter.snapshot();
  CHECK(initial.started_at >= before);
  reporter.set_message("x");
  CHECK(reporter.snapshot().updated_at >= initial.started_at);
}

// What such an update costs is measured by bench/progress_overhead; here, what it does.
TEST_CASE("throttled updates change the state without emitting it", "[sdk][progress]") {
  constexpr int kUpdates = 200000;
  std::atomic<int> emitted{0};
  ProgressReporter reporter([&](const ProgressState&) { ++emitted; }, hourly());
  auto step = reporter.root().sub("hot loop", 0, 100);
  const int on_entering = emitted.load();  // entering a step is emitted at once
  for (int i = 0; i < kUpdates; ++i) step.set_items(i, kUpdates);
  CHECK(emitted.load() == on_entering);
  const ProgressState state = reporter.snapshot();
  CHECK(state.items_done == kUpdates - 1);
  CHECK(state.items_total == kUpdates);
  CHECK(state.percentage == Approx(100.0 * (kUpdates - 1) / kUpdates));
}

TEST_CASE("a progress state survives a JSON round trip", "[sdk][progress]") {
  ProgressState state;
  state.percentage = 12.5;
  state.step = "fetch";
  state.step_index = 1;
  state.step_count = 3;
  state.items_done = 5;
  state.items_total = 10;
  state.items_per_second = 2.5;
  state.message = "fetch · 5/10";
  state.context.set("symbol", "AAPL");
  state.started_at =
      std::chrono::system_clock::time_point(std::chrono::milliseconds(1700000000123));
  state.updated_at = state.started_at + 2s;
  ktrdr::Json json = state.to_json();
  CHECK(json.at("eta_seconds").is_null());
  for (const char* key :
       {"percentage", "step", "step_index", "step_count", "items_done", "items_total",
        "items_per_second", "eta_seconds", "message", "context", "started_at", "updated_at"}) {
    CHECK(json.has(key));
  }
  state.eta_seconds = 7.0;
  const ProgressState back = ProgressState::from_json(state.to_json());
  CHECK(back.to_json() == state.to_json());
  CHECK(back.started_at == state.started_at);
  CHECK(ProgressState::from_json(ktrdr::Json::object()).step_count == 0);
}

TEST_CASE("mirroring a remote state copies it but never lowers the percentage",
          "[sdk][progress]") {
  std::vector<ProgressState> emitted;
  ProgressReporter reporter([&](const ProgressState& state) { emitted.push_back(state); },
                            {.min_interval = std::chrono::hours(1)});
  reporter.root().set_fraction(0.4);
  ProgressState remote;
  remote.percentage = 25.0;  // behind what this reporter already showed
  remote.step = "sieve";
  remote.step_index = 2;
  remote.step_count = 3;
  remote.items_done = 7;
  remote.items_total = 9;
  remote.context.set("operation", "prime_counting");
  reporter.mirror(remote);
  const ProgressState mirrored = reporter.snapshot();
  CHECK(mirrored.percentage == Approx(40.0));
  CHECK(mirrored.step == "sieve");
  CHECK(mirrored.step_index == 2);
  CHECK(mirrored.items_done == 7);
  CHECK(mirrored.context.get_string("operation") == "prime_counting");
  REQUIRE_FALSE(emitted.empty());  // a new step is a phase change: emitted at once
  CHECK(emitted.back().step == "sieve");
  remote.percentage = 60.0;
  reporter.mirror(remote);
  CHECK(reporter.snapshot().percentage == Approx(60.0));
}
