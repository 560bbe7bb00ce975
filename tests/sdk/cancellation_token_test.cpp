#include "ktrdr/sdk/cancellation_token.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using ktrdr::CancellationRegistration;
using ktrdr::CancellationSource;
using ktrdr::CancellationToken;
using ktrdr::CancelReason;
using Clock = std::chrono::steady_clock;

namespace {

// How long a test waits for something due within milliseconds (a deadline to fire, a wake-up).
// Not a speed target: a loaded machine stays far below it; it only bounds a hang.
constexpr auto kHangGuard = 30s;

}  // namespace

TEST_CASE("a default token is never cancelled", "[sdk][cancel]") {
  const CancellationToken token;
  CHECK_FALSE(token.is_cancelled());
  CHECK(token.reason() == CancelReason::kNone);
  CHECK(token.reason_text().empty());
  CHECK_NOTHROW(token.throw_if_cancelled("anywhere"));
  bool ran = false;
  const auto registration = token.on_cancel([&] { ran = true; });
  const auto start = Clock::now();
  CHECK_FALSE(token.wait_for(20ms));
  CHECK(Clock::now() - start >= 20ms);
  CHECK_FALSE(ran);
}

TEST_CASE("cancelling records the reason and text of the first cancel", "[sdk][cancel]") {
  const CancellationSource source;
  const auto token = source.token();
  CHECK_FALSE(source.is_cancelled());
  CHECK(source.cancel(CancelReason::kUser, "Ctrl-C"));
  CHECK_FALSE(source.cancel(CancelReason::kShutdown, "SIGTERM"));
  CHECK(token.is_cancelled());
  CHECK(source.is_cancelled());
  CHECK(token.reason() == CancelReason::kUser);
  CHECK(token.reason_text() == "Ctrl-C");
  CHECK(token.wait_for(0ms));
}

TEST_CASE("throw_if_cancelled throws a CancelledError naming reason and place", "[sdk][cancel]") {
  const CancellationSource source;
  source.cancel(CancelReason::kUser, "Ctrl-C");
  try {
    source.token().throw_if_cancelled("loading bars");
    FAIL("expected CancelledError");
  } catch (const ktrdr::CancelledError& e) {
    CHECK(e.reason() == CancelReason::kUser);
    CHECK(e.error().code == ktrdr::ErrorCode::kCancelled);
    CHECK(e.error().message == "cancelled (user: Ctrl-C) at loading bars");
    CHECK(e.error().get("reason") == "user");
    CHECK(e.error().get("where") == "loading bars");
  }
}

TEST_CASE("cancel reasons have stable names", "[sdk][cancel]") {
  for (auto reason : {CancelReason::kNone, CancelReason::kUser, CancelReason::kTimeout,
                      CancelReason::kShutdown, CancelReason::kParent}) {
    CHECK(ktrdr::cancel_reason_from_string(ktrdr::to_string(reason)) == reason);
  }
  CHECK(ktrdr::to_string(CancelReason::kTimeout) == "timeout");
  CHECK(ktrdr::cancel_reason_from_string("bogus") == CancelReason::kNone);
}

TEST_CASE("callbacks run once, on the cancelling thread or at once when already cancelled",
          "[sdk][cancel]") {
  const CancellationSource source;
  const auto token = source.token();

  SECTION("a callback registered before the cancel runs on the cancelling thread") {
    int runs = 0;
    std::thread::id ran_on;
    const auto registration = token.on_cancel([&] {
      ++runs;
      ran_on = std::this_thread::get_id();
    });
    std::thread canceller([&] { source.cancel(); });
    const auto canceller_id = canceller.get_id();
    canceller.join();
    CHECK(runs == 1);
    CHECK(ran_on == canceller_id);
    source.cancel();
    CHECK(runs == 1);
  }
  SECTION("a callback registered after the cancel runs at once on the registering thread") {
    source.cancel();
    int runs = 0;
    std::thread::id ran_on;
    const auto registration = token.on_cancel([&] {
      ++runs;
      ran_on = std::this_thread::get_id();
    });
    CHECK(runs == 1);
    CHECK(ran_on == std::this_thread::get_id());
  }
  SECTION("a callback unregistered before the cancel never runs") {
    int runs = 0;
    auto registration = token.on_cancel([&] { ++runs; });
    registration.reset();
    {
      const auto scoped = token.on_cancel([&] { ++runs; });
    }
    source.cancel();
    CHECK(runs == 0);
  }
  SECTION("a moved registration keeps its callback registered exactly once") {
    int runs = 0;
    auto first = token.on_cancel([&] { ++runs; });
    CancellationRegistration second = std::move(first);
    CancellationRegistration third;
    third = std::move(second);
    source.cancel();
    CHECK(runs == 1);
  }
}

TEST_CASE("every callback runs exactly once when registration races the cancel",
          "[sdk][cancel][concurrency]") {
  constexpr int kIterations = 200;
  constexpr int kCallbacks = 50;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    const CancellationSource source;
    std::vector<std::atomic<int>> runs(kCallbacks);
    std::vector<CancellationRegistration> registrations;
    registrations.reserve(kCallbacks);
    std::latch start(2);
    std::thread registrar([&] {
      start.arrive_and_wait();
      for (int i = 0; i < kCallbacks; ++i) {
        registrations.push_back(source.token().on_cancel(
            [&runs, i] { runs[static_cast<std::size_t>(i)].fetch_add(1); }));
      }
    });
    std::thread canceller([&] {
      start.arrive_and_wait();
      source.cancel();
    });
    registrar.join();
    canceller.join();
    for (const auto& count : runs) REQUIRE(count.load() == 1);
  }
}

TEST_CASE("exactly one of racing cancels wins and its text is kept", "[sdk][cancel][concurrency]") {
  constexpr int kIterations = 100;
  constexpr int kThreads = 4;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    const CancellationSource source;
    std::atomic<int> winners{0};
    std::atomic<int> winner{-1};
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        start.arrive_and_wait();
        if (source.cancel(CancelReason::kUser, std::to_string(t))) {
          winners.fetch_add(1);
          winner.store(t);
        }
      });
    }
    for (auto& thread : threads) thread.join();
    REQUIRE(winners.load() == 1);
    REQUIRE(source.token().reason_text() == std::to_string(winner.load()));
  }
}

TEST_CASE("a registration's destructor waits for its callback running on another thread",
          "[sdk][cancel][concurrency]") {
  const CancellationSource source;
  std::latch entered(1);
  std::latch release(1);
  std::latch resetting(1);
  std::atomic<bool> finished{false};
  std::atomic<bool> finished_when_reset_returned{false};
  auto registration = source.token().on_cancel([&] {
    entered.count_down();
    release.wait();
    finished.store(true);
  });
  std::thread canceller([&] { source.cancel(); });
  entered.wait();
  std::thread resetter([&] {
    resetting.count_down();
    registration.reset();
    finished_when_reset_returned.store(finished.load());
  });
  resetting.wait();
  // Give the resetter time to block in reset(); there is nothing to wait on for that.
  std::this_thread::sleep_for(20ms);
  release.count_down();
  canceller.join();
  resetter.join();
  CHECK(finished_when_reset_returned.load());
}

TEST_CASE("a callback may drop its own registration without deadlock", "[sdk][cancel]") {
  const CancellationSource source;
  auto registration = std::make_shared<CancellationRegistration>();
  int runs = 0;
  *registration = source.token().on_cancel([&] {
    ++runs;
    registration->reset();
  });
  source.cancel();
  CHECK(runs == 1);
}

TEST_CASE("linked sources follow their parent but not the other way round", "[sdk][cancel]") {
  const CancellationSource parent;

  SECTION("cancelling the parent cancels the child with reason parent and the parent's text") {
    const auto child = CancellationSource::linked_to(parent.token());
    const auto grandchild = CancellationSource::linked_to(child.token());
    parent.cancel(CancelReason::kShutdown, "SIGTERM");
    CHECK(child.token().reason() == CancelReason::kParent);
    CHECK(child.token().reason_text() == "SIGTERM");
    CHECK(grandchild.token().reason() == CancelReason::kParent);
    CHECK(grandchild.token().reason_text() == "SIGTERM");
  }
  SECTION("cancelling the child leaves the parent alone") {
    const auto child = CancellationSource::linked_to(parent.token());
    child.cancel(CancelReason::kUser);
    CHECK(child.is_cancelled());
    CHECK_FALSE(parent.is_cancelled());
    parent.cancel();
    CHECK(child.token().reason() == CancelReason::kUser);
  }
  SECTION("a child of a cancelled parent starts cancelled") {
    parent.cancel(CancelReason::kUser, "stop");
    const auto child = CancellationSource::linked_to(parent.token());
    CHECK(child.token().reason() == CancelReason::kParent);
    CHECK(child.token().reason_text() == "stop");
  }
  SECTION("children dropped before the parent is cancelled are released") {
    std::weak_ptr<int> alive;
    for (int i = 0; i < 1000; ++i) {
      const auto child = CancellationSource::linked_to(parent.token());
      auto marker = std::make_shared<int>(i);
      alive = marker;
      const auto registration = child.token().on_cancel([marker] {});
    }
    CHECK(alive.expired());
    CHECK(parent.cancel());
  }
  SECTION("a child linked to a default token is an ordinary source") {
    const auto child = CancellationSource::linked_to(CancellationToken());
    CHECK_FALSE(child.is_cancelled());
    CHECK(child.cancel());
  }
}

TEST_CASE("a child token keeps working when its source is gone", "[sdk][cancel]") {
  std::optional<CancellationSource> parent(std::in_place);
  const auto child_token = CancellationSource::linked_to(parent->token()).token();
  const auto parent_token = parent->token();
  parent->cancel(CancelReason::kUser, "bye");
  parent.reset();
  CHECK(child_token.reason() == CancelReason::kParent);
  CHECK(parent_token.is_cancelled());
}

TEST_CASE("deadlines cancel with reason timeout", "[sdk][cancel][deadline]") {
  SECTION("cancel_after fires after the duration") {
    const CancellationSource source;
    const auto start = Clock::now();
    source.cancel_after(30ms);
    REQUIRE(source.token().wait_for(kHangGuard));
    CHECK(Clock::now() - start >= 30ms);
    CHECK(source.token().reason() == CancelReason::kTimeout);
    CHECK(source.token().reason_text() == "timed out after 30 ms");
  }
  SECTION("a later cancel_at replaces an earlier deadline") {
    // The 20 ms deadline must be replaced before it passes: a busy machine that took longer than
    // that gets another try, on a new source.
    std::optional<CancellationSource> source;
    for (int attempt = 0; attempt < 100 && !source; ++attempt) {
      const CancellationSource candidate;
      const auto first = Clock::now() + 20ms;
      candidate.cancel_at(first);
      candidate.cancel_at(Clock::now() + 1h);
      if (Clock::now() < first) source = candidate;
    }
    REQUIRE(source);
    CHECK_FALSE(source->token().wait_for(80ms));
    source->cancel_at(Clock::now() + 10ms);
    CHECK(source->token().wait_for(kHangGuard));
    CHECK(source->token().reason() == CancelReason::kTimeout);
  }
  SECTION("deadlines fire in time order whatever the order they were set in") {
    // Five deadlines 5 ms apart, set latest first; all must be set before the first is due. A busy
    // machine that took longer than the lead gets another try with a longer one.
    const auto fire_order = [](Clock::duration lead) -> std::optional<std::vector<std::size_t>> {
      std::mutex mutex;
      std::vector<std::size_t> fired;
      std::latch all_fired(5);
      std::vector<CancellationSource> sources(5);
      std::vector<CancellationRegistration> registrations;
      const auto first_due = Clock::now() + lead;
      for (std::size_t i = 0; i < sources.size(); ++i) {
        registrations.push_back(sources[i].token().on_cancel([&, i] {
          {
            std::lock_guard lock(mutex);
            fired.push_back(i);
          }
          all_fired.count_down();
        }));
        sources[i].cancel_at(first_due + std::chrono::milliseconds(5 * (4 - static_cast<int>(i))));
      }
      const bool set_in_time = Clock::now() < first_due;
      all_fired.wait();
      for (const auto& source : sources) CHECK(source.token().reason() == CancelReason::kTimeout);
      std::lock_guard lock(mutex);
      if (!set_in_time) return std::nullopt;
      return fired;
    };
    std::optional<std::vector<std::size_t>> fired;
    for (Clock::duration lead = 5ms; !fired && lead < 1min; lead *= 2) fired = fire_order(lead);
    REQUIRE(fired);
    CHECK(*fired == std::vector<std::size_t>{4, 3, 2, 1, 0});
  }
  SECTION("a deadline of a source cancelled first changes nothing") {
    // The user's cancel must come before the 10 ms deadline: a busy machine that took longer than
    // that gets another try, on a new source.
    std::optional<CancellationSource> source;
    for (int attempt = 0; attempt < 100 && !source; ++attempt) {
      const CancellationSource candidate;
      candidate.cancel_after(10ms);
      if (candidate.cancel(CancelReason::kUser, "first")) source = candidate;
    }
    REQUIRE(source);
    const CancellationSource witness;
    witness.cancel_after(30ms);  // due after the source's deadline: it has passed by then
    REQUIRE(witness.token().wait_for(kHangGuard));
    CHECK(source->token().reason() == CancelReason::kUser);
  }
  SECTION("a dropped source's deadline does not disturb the others") {
    {
      CancellationSource dropped;
      dropped.cancel_after(5ms);
    }
    const auto orphan_token = [] {
      const CancellationSource source;
      source.cancel_after(10ms);
      return source.token();
    }();
    CHECK(orphan_token.wait_for(kHangGuard));
    CHECK(orphan_token.reason() == CancelReason::kTimeout);
  }
  SECTION("a linked child's own deadline leaves the parent alone") {
    const CancellationSource parent;
    const auto child = CancellationSource::linked_to(parent.token());
    child.cancel_after(10ms);
    REQUIRE(child.token().wait_for(kHangGuard));
    CHECK(child.token().reason() == CancelReason::kTimeout);
    CHECK_FALSE(parent.is_cancelled());
  }
}

TEST_CASE("wait_for wakes when another thread cancels, not when its timeout runs out",
          "[sdk][cancel][concurrency]") {
  const CancellationSource source;
  std::thread canceller([&] {
    std::this_thread::sleep_for(20ms);  // let the main thread block first
    source.cancel();
  });
  const auto started = Clock::now();
  const bool cancelled = source.token().wait_for(kHangGuard);
  const auto waited = Clock::now() - started;
  canceller.join();
  REQUIRE(cancelled);
  // A wait the cancel did not wake would return (true) only at its timeout; woken, it returns
  // about 20 ms in, far below that however busy the machine is.
  CHECK(waited < kHangGuard);
}

TEST_CASE("wait_until returns false when the deadline passes first", "[sdk][cancel]") {
  const CancellationSource source;
  const auto deadline = Clock::now() + 15ms;
  CHECK_FALSE(source.token().wait_until(deadline));
  CHECK(Clock::now() >= deadline);
}
