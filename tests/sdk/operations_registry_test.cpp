#include "ktrdr/sdk/operations_registry.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <regex>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using ktrdr::CancellationSource;
using ktrdr::Json;
using ktrdr::OperationFilter;
using ktrdr::OperationRecord;
using ktrdr::OperationRegistry;
using ktrdr::OperationState;

namespace {

std::string create(OperationRegistry& registry, const std::string& kind = "data.load",
                   CancellationSource source = {}) {
  return registry.create(kind, "job", Json::object().set("symbol", "AAPL"), std::move(source));
}

}  // namespace

TEST_CASE("a created operation is pending with an id, params and a creation time",
          "[sdk][registry]") {
  OperationRegistry registry;
  const auto before = std::chrono::system_clock::now();
  const std::string id = create(registry);
  CHECK(std::regex_match(id, std::regex("op_data_load_\\d{8}_\\d{6}_[0-9a-f]{8}")));
  const auto record = registry.get(id);
  REQUIRE(record);
  CHECK(record->state == OperationState::kPending);
  CHECK(record->kind == "data.load");
  CHECK(record->name == "job");
  CHECK(record->params.get_string("symbol") == "AAPL");
  CHECK(record->created_at >= before);
  CHECK(record->version == 1);
  CHECK_FALSE(registry.get("op_nope").has_value());
}

TEST_CASE("an operation moves through its states and records the times", "[sdk][registry]") {
  OperationRegistry registry;
  const std::string id = create(registry);
  CHECK(registry.mark_running(id));
  CHECK_FALSE(registry.mark_running(id));
  ktrdr::ProgressState progress;
  progress.percentage = 40;
  CHECK(registry.update_progress(id, progress));
  CHECK(registry.add_warning(id, "gap"));
  CHECK(registry.set_routing(id, Json::object().set("mode", "local")));
  CHECK(registry.complete(id, Json::object().set("bars", 10)));
  const auto record = registry.get(id);
  REQUIRE(record);
  CHECK(record->state == OperationState::kCompleted);
  CHECK(record->started_at.has_value());
  REQUIRE(record->finished_at.has_value());
  CHECK(*record->finished_at >= *record->started_at);
  CHECK(record->progress.percentage == 40);
  CHECK(record->warnings == std::vector<std::string>{"gap"});
  CHECK(record->routing.get_string("mode") == "local");
  CHECK(record->result.get_int("bars") == 10);
  CHECK(record->version == 6);
}

TEST_CASE("terminal states are sticky", "[sdk][registry]") {
  OperationRegistry registry;
  const std::string id = create(registry);
  REQUIRE(registry.mark_running(id));
  REQUIRE(registry.finish_cancelled(id, Json::object().set("bars", 3)));
  const auto cancelled = registry.get(id);
  CHECK_FALSE(registry.complete(id, Json::object().set("bars", 99)));
  CHECK_FALSE(registry.fail(id, ktrdr::Error::io("late")));
  CHECK_FALSE(registry.finish_cancelled(id));
  CHECK_FALSE(registry.update_progress(id, {}));
  CHECK_FALSE(registry.mark_running(id));
  const auto after = registry.get(id);
  REQUIRE(after);
  CHECK(after->state == OperationState::kCancelled);
  CHECK(after->result.get_int("bars") == 3);
  CHECK(after->version == cancelled->version);
  CHECK(after->to_json() == cancelled->to_json());
}

TEST_CASE("exactly one of racing terminal transitions wins and nothing changes afterwards",
          "[sdk][registry][concurrency]") {
  constexpr int kIterations = 200;
  OperationRegistry registry;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    const std::string id = create(registry);
    REQUIRE(registry.mark_running(id));
    std::atomic<int> wins{0};
    std::atomic<int> winner{-1};
    std::latch start(4);
    std::vector<std::thread> threads;
    const auto attempt = [&](int who, auto transition) {
      threads.emplace_back([&, who, transition] {
        start.arrive_and_wait();
        if (transition()) {
          wins.fetch_add(1);
          winner.store(who);
        }
      });
    };
    attempt(0, [&] { return registry.complete(id, Json::integer(0)); });
    attempt(1, [&] { return registry.fail(id, ktrdr::Error::io("x"), Json::integer(1)); });
    attempt(2, [&] { return registry.finish_cancelled(id, Json::integer(2)); });
    attempt(3, [&] {
      ktrdr::ProgressState progress;
      for (int i = 0; i < 20; ++i) {
        progress.percentage = i;
        registry.update_progress(id, progress);
      }
      return false;
    });
    for (auto& thread : threads) thread.join();
    REQUIRE(wins.load() == 1);
    const auto record = registry.get(id);
    REQUIRE(record);
    const OperationState expected[] = {OperationState::kCompleted, OperationState::kFailed,
                                       OperationState::kCancelled};
    REQUIRE(record->state == expected[winner.load()]);
    REQUIRE(record->result.as_int() == winner.load());
    REQUIRE_FALSE(registry.complete(id, Json::integer(9)));
    REQUIRE_FALSE(registry.update_progress(id, {}));
    REQUIRE(registry.get(id)->version == record->version);
  }
}

TEST_CASE("request_cancel marks the record and cancels its token", "[sdk][registry]") {
  OperationRegistry registry;
  const CancellationSource source;
  const std::string id = create(registry, "data.load", source);

  SECTION("a live operation") {
    auto requested = registry.request_cancel(id, ktrdr::CancelReason::kUser, "Ctrl-C");
    REQUIRE(requested.ok());
    CHECK(source.token().reason() == ktrdr::CancelReason::kUser);
    CHECK(source.token().reason_text() == "Ctrl-C");
    const auto record = registry.get(id);
    CHECK(record->cancel_requested);
    CHECK(record->cancel_reason == ktrdr::CancelReason::kUser);
    CHECK(record->state == OperationState::kPending);  // the runner finishes it
    CHECK(registry.request_cancel(id, ktrdr::CancelReason::kShutdown).ok());
    CHECK(registry.get(id)->cancel_reason == ktrdr::CancelReason::kUser);
  }
  SECTION("an unknown operation") {
    auto requested = registry.request_cancel("op_missing");
    REQUIRE_FALSE(requested.ok());
    CHECK(requested.error().code == ktrdr::ErrorCode::kNotFound);
  }
  SECTION("a finished operation") {
    REQUIRE(registry.complete(id, Json()));
    auto requested = registry.request_cancel(id);
    REQUIRE_FALSE(requested.ok());
    CHECK(requested.error().code == ktrdr::ErrorCode::kConflict);
    CHECK_FALSE(source.is_cancelled());
  }
}

TEST_CASE("an operation cancelled by its deadline records the timeout reason", "[sdk][registry]") {
  OperationRegistry registry;
  const CancellationSource source;
  const std::string id = create(registry, "data.load", source);
  source.cancel(ktrdr::CancelReason::kTimeout, "timed out");
  REQUIRE(registry.finish_cancelled(id));
  CHECK(registry.get(id)->cancel_reason == ktrdr::CancelReason::kTimeout);
  CHECK_FALSE(registry.get(id)->cancel_requested);
}

TEST_CASE("list returns newest first, filtered and paged, and count ignores paging",
          "[sdk][registry]") {
  OperationRegistry registry;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(create(registry, i % 2 == 0 ? "data.load" : "train"));
  REQUIRE(registry.complete(ids[0], Json()));
  REQUIRE(registry.complete(ids[3], Json()));

  const auto all = registry.list();
  REQUIRE(all.size() == 5);
  CHECK(all.front().id == ids[4]);
  CHECK(all.back().id == ids[0]);

  OperationFilter loads;
  loads.kind = "data.load";
  CHECK(registry.count(loads) == 3);
  OperationFilter completed;
  completed.state = OperationState::kCompleted;
  const auto done = registry.list(completed);
  REQUIRE(done.size() == 2);
  CHECK(done[0].id == ids[3]);

  OperationFilter page;
  page.offset = 1;
  page.limit = 2;
  const auto middle = registry.list(page);
  REQUIRE(middle.size() == 2);
  CHECK(middle[0].id == ids[3]);
  CHECK(middle[1].id == ids[2]);
  page.offset = 10;
  CHECK(registry.list(page).empty());
  CHECK(registry.count(page) == 5);
}

TEST_CASE("restore adds records as they are and never revives a finished one", "[sdk][registry]") {
  OperationRegistry registry;
  OperationRecord old;
  old.id = "op_data_load_20240101_000000_00000001";
  old.kind = "data.load";
  old.state = OperationState::kRunning;
  old.version = 5;
  registry.restore(old);
  CHECK(registry.get(old.id)->version == 5);
  old.state = OperationState::kCompleted;
  old.version = 2;
  registry.restore(old);
  const auto restored = registry.get(old.id);
  CHECK(restored->state == OperationState::kCompleted);
  CHECK(restored->version == 6);
  old.state = OperationState::kRunning;
  registry.restore(old);
  CHECK(registry.get(old.id)->state == OperationState::kCompleted);
  CHECK(registry.request_cancel(old.id).error().code == ktrdr::ErrorCode::kConflict);
}

TEST_CASE("listeners see every change in version order", "[sdk][registry][concurrency]") {
  constexpr int kThreads = 4;
  constexpr int kUpdates = 300;
  OperationRegistry registry;
  const std::string id = create(registry);
  std::vector<std::uint64_t> versions;  // written only by the serialised listener
  const auto subscription = registry.subscribe([&](const OperationRecord& record) {
    if (record.id == id) versions.push_back(record.version);
  });
  REQUIRE(registry.mark_running(id));
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      ktrdr::ProgressState progress;
      for (int i = 0; i < kUpdates; ++i) {
        progress.percentage = i;
        registry.update_progress(id, progress);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  REQUIRE(registry.complete(id, Json()));
  REQUIRE(versions.size() == 2 + kThreads * kUpdates);
  for (std::size_t i = 1; i < versions.size(); ++i) REQUIRE(versions[i] == versions[i - 1] + 1);
  CHECK(versions.back() == registry.get(id)->version);
}

TEST_CASE("a listener's own change is delivered after the one it is handling", "[sdk][registry]") {
  OperationRegistry registry;
  const std::string id = create(registry);
  std::vector<std::pair<std::string, std::uint64_t>> seen;
  const auto first = registry.subscribe([&](const OperationRecord& record) {
    seen.emplace_back("first", record.version);
    if (record.version == 2) registry.add_warning(id, "from a listener");
  });
  const auto second = registry.subscribe(
      [&](const OperationRecord& record) { seen.emplace_back("second", record.version); });
  REQUIRE(registry.mark_running(id));
  const std::vector<std::pair<std::string, std::uint64_t>> expected{
      {"first", 2}, {"second", 2}, {"first", 3}, {"second", 3}};
  CHECK(seen == expected);
  CHECK(registry.get(id)->warnings.size() == 1);
}

TEST_CASE("after a subscription is gone its listener is never called", "[sdk][registry]") {
  OperationRegistry registry;
  const std::string id = create(registry);

  SECTION("dropped by its owner") {
    int calls = 0;
    std::optional<OperationRegistry::Subscription> subscription =
        registry.subscribe([&](const OperationRecord&) { ++calls; });
    REQUIRE(registry.mark_running(id));
    subscription.reset();
    REQUIRE(registry.complete(id, Json()));
    CHECK(calls == 1);
  }
  SECTION("dropped from inside the listener itself, and its neighbour too") {
    int own_calls = 0;
    int neighbour_calls = 0;
    std::optional<OperationRegistry::Subscription> own;
    std::optional<OperationRegistry::Subscription> neighbour;
    own = registry.subscribe([&](const OperationRecord&) {
      ++own_calls;
      own.reset();
      neighbour.reset();
    });
    neighbour = registry.subscribe([&](const OperationRecord&) { ++neighbour_calls; });
    REQUIRE(registry.mark_running(id));
    REQUIRE(registry.complete(id, Json()));
    CHECK(own_calls == 1);
    CHECK(neighbour_calls == 0);
  }
  SECTION("moved subscriptions stay subscribed once") {
    int calls = 0;
    auto original = registry.subscribe([&](const OperationRecord&) { ++calls; });
    OperationRegistry::Subscription moved = std::move(original);
    OperationRegistry::Subscription assigned;
    assigned = std::move(moved);
    REQUIRE(registry.mark_running(id));
    CHECK(calls == 1);
  }
}

TEST_CASE("dropping a subscription waits for its listener running on another thread",
          "[sdk][registry][concurrency]") {
  OperationRegistry registry;
  const std::string id = create(registry);
  std::latch entered(1);
  std::latch release(1);
  std::latch dropping(1);
  std::atomic<bool> finished{false};
  std::atomic<bool> finished_when_dropped{false};
  std::optional<OperationRegistry::Subscription> subscription =
      registry.subscribe([&](const OperationRecord&) {
        if (finished.load()) return;
        entered.count_down();
        release.wait();
        finished.store(true);
      });
  std::thread changer([&] { registry.mark_running(id); });
  entered.wait();
  std::thread dropper([&] {
    dropping.count_down();
    subscription.reset();
    finished_when_dropped.store(finished.load());
  });
  dropping.wait();
  std::this_thread::sleep_for(20ms);  // let the dropper block; nothing to wait on for that
  release.count_down();
  changer.join();
  dropper.join();
  CHECK(finished_when_dropped.load());
}

TEST_CASE("wait_terminal blocks until the operation ends or the token is cancelled",
          "[sdk][registry][concurrency]") {
  OperationRegistry registry;
  const std::string id = create(registry);

  SECTION("the operation completes on another thread") {
    std::thread finisher([&] {
      registry.mark_running(id);
      registry.complete(id, Json::integer(7));
    });
    const auto record = registry.wait_terminal(id);
    finisher.join();
    REQUIRE(record);
    CHECK(record->state == OperationState::kCompleted);
    CHECK(record->result.as_int() == 7);
  }
  SECTION("the waiter's token is cancelled") {
    const CancellationSource stop;
    std::thread canceller([&] {
      std::this_thread::sleep_for(10ms);
      stop.cancel();
    });
    // The operation never ends: only the cancel can make wait_terminal return.
    const auto record = registry.wait_terminal(id, stop.token());
    canceller.join();
    REQUIRE(record);
    CHECK(record->state == OperationState::kPending);
  }
  SECTION("an unknown id") { CHECK_FALSE(registry.wait_terminal("op_missing").has_value()); }
}

TEST_CASE("restored history lists by creation time whatever order it arrives in, and pruned "
          "records are forgotten",
          "[sdk][registry]") {
  OperationRegistry registry;
  const auto day = [](int d) {
    return std::chrono::system_clock::time_point(std::chrono::hours(24 * d));
  };
  for (int d : {3, 1, 2}) {
    OperationRecord record;
    record.id = "op_" + std::to_string(d);
    record.kind = "data.load";
    record.state = OperationState::kCompleted;
    record.created_at = day(d);
    registry.restore(record);
  }
  const std::string live = create(registry);
  const auto ids = [&] {
    std::vector<std::string> out;
    for (const auto& record : registry.list()) out.push_back(record.id);
    return out;
  };
  CHECK(ids() == std::vector<std::string>{live, "op_3", "op_2", "op_1"});

  CHECK(registry.forget({"op_1", "op_3", live, "op_unknown"}) == 2);
  CHECK(ids() == std::vector<std::string>{live, "op_2"});
  CHECK_FALSE(registry.get("op_1"));
  CHECK(registry.get(live));
  CHECK(registry.count() == 2);
  CHECK(registry.count({.state = OperationState::kCompleted}) == 1);
  CHECK(registry.count({.state = OperationState::kPending, .kind = "data.load"}) == 1);
  REQUIRE(registry.complete(live, Json()));
  CHECK(registry.count({.state = OperationState::kCompleted}) == 2);
  CHECK(registry.count({.state = OperationState::kPending}) == 0);
  CHECK(registry.count({.kind = "train"}) == 0);
}
