#include "ib_pacer.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "manual_pacing_clock.hpp"

using namespace ktrdr;
using namespace ktrdr::data;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

using ktrdr::test::ManualPacingClock;
using VirtualTime = PacingClock::time_point;

PacingKey key(std::string contract, int range = 0) {
  const sys_seconds from = sys_seconds{sys_days{2024y / 1 / 1}} + days(range);
  return PacingKey{std::move(contract), Timeframe::k1h, from, from + days(1)};
}

// A simulated strict provider: records every granted request at its virtual time and counts
// every breach of IB's three rules.
class StrictProvider {
 public:
  void record(const PacingKey& k, VirtualTime at) {
    std::lock_guard lock(mutex_);
    requests_.push_back({k, at});
  }
  IbPacer::GrantObserver observer() {
    return [this](const PacingKey& k, VirtualTime at) { record(k, at); };
  }
  std::vector<std::pair<PacingKey, VirtualTime>> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  // The number of requests that would make IB report a pacing violation.
  int violations() const {
    std::lock_guard lock(mutex_);
    int count = 0;
    std::map<PacingKey, VirtualTime> last_identical;
    std::map<std::string, std::vector<VirtualTime>> by_contract;
    for (std::size_t i = 0; i < requests_.size(); ++i) {
      const auto& [k, at] = requests_[i];
      if (i > 0 && at < requests_[i - 1].second) ++count;  // grants must be in time order
      if (i >= 60 && at - requests_[i - 60].second < 10min) ++count;
      if (auto it = last_identical.find(k); it != last_identical.end() && at - it->second < 15s) {
        ++count;
      }
      last_identical[k] = at;
      auto& times = by_contract[k.contract];
      if (times.size() >= 5 && at - times[times.size() - 5] < 2s) ++count;
      times.push_back(at);
    }
    return count;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::pair<PacingKey, VirtualTime>> requests_;
};

}  // namespace

TEST_CASE("pacing presets are IB's limits and none", "[data][pacing]") {
  const PacingLimits ib = PacingLimits::interactive_brokers();
  CHECK(ib.max_requests == 60);
  CHECK(ib.window == 10min);
  CHECK(ib.identical_interval == 15s);
  CHECK(ib.max_contract_requests == 5);
  CHECK(ib.contract_window == 2s);
  CHECK_FALSE(ib.is_unlimited());
  CHECK(PacingLimits::unlimited().is_unlimited());
  CHECK(pacing_preset("ib").value() == ib);
  CHECK(pacing_preset("unlimited").value() == PacingLimits::unlimited());
  const auto bad = pacing_preset("fast");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidArgument);
  CHECK(bad.error().get("value") == "fast");
}

TEST_CASE("the scaled clock runs faster and its waits are cancellable", "[data][pacing]") {
  const ScaledPacingClock clock(1000);
  const VirtualTime start = clock.now();
  const auto real_start = steady_clock::now();
  CHECK_FALSE(clock.wait_until(start + 2s, CancellationToken{}));
  const auto real_end = steady_clock::now();
  const VirtualTime end = clock.now();
  CHECK(end - start >= 2s);
  // The real span lies inside the virtual one, which is 1000 times as long: however long the
  // machine took, virtual time ran far faster than real time.
  CHECK(end - start >= 100 * (real_end - real_start));

  CancellationSource source;
  source.cancel();
  CHECK(clock.wait_until(clock.now() + 1h, source.token()));
}

TEST_CASE("the 61st request waits until the first leaves the 10-minute window", "[data][pacing]") {
  StrictProvider provider;
  IbPacer pacer(PacingLimits::interactive_brokers(), std::make_unique<ManualPacingClock>(),
                provider.observer());
  for (int i = 0; i < 60; ++i) {
    const auto waited = pacer.acquire(key("C" + std::to_string(i)), CancellationToken{});
    REQUIRE(waited.ok());
    CHECK(waited.value() == 0ns);
  }
  const auto waited = pacer.acquire(key("C60"), CancellationToken{});
  REQUIRE(waited.ok());
  CHECK(waited.value() > 0ns);
  const auto requests = provider.requests();
  REQUIRE(requests.size() == 61);
  CHECK(requests[60].second - requests[0].second >= 10min);
  CHECK(pacer.stats().requests == 61);
  CHECK(pacer.stats().waits == 1);
  CHECK(pacer.stats().total_waited == waited.value());
  CHECK(provider.violations() == 0);
}

TEST_CASE("an identical request within 15 s waits 15 s", "[data][pacing]") {
  StrictProvider provider;
  IbPacer pacer(PacingLimits::interactive_brokers(), std::make_unique<ManualPacingClock>(),
                provider.observer());
  REQUIRE(pacer.acquire(key("AAPL"), CancellationToken{}).ok());
  const auto waited = pacer.acquire(key("AAPL"), CancellationToken{});
  REQUIRE(waited.ok());
  CHECK(waited.value() == 15s);  // asked at the same virtual time as the first
  const auto requests = provider.requests();
  CHECK(requests[1].second - requests[0].second >= 15s);
  CHECK(provider.violations() == 0);
}

TEST_CASE("the 6th request for one contract within 2 s waits", "[data][pacing]") {
  StrictProvider provider;
  IbPacer pacer(PacingLimits::interactive_brokers(), std::make_unique<ManualPacingClock>(),
                provider.observer());
  for (int i = 0; i < 5; ++i) {
    const auto waited = pacer.acquire(key("AAPL", i), CancellationToken{});
    REQUIRE(waited.ok());
    CHECK(waited.value() == 0ns);
  }
  const auto waited = pacer.acquire(key("AAPL", 5), CancellationToken{});
  REQUIRE(waited.ok());
  CHECK(waited.value() > 0ns);
  const auto requests = provider.requests();
  CHECK(requests[5].second - requests[0].second >= 2s);
  CHECK(provider.violations() == 0);
}

TEST_CASE("distinct contracts are not slowed by the 2 s rule", "[data][pacing]") {
  IbPacer pacer(PacingLimits::interactive_brokers(), std::make_unique<ScaledPacingClock>(1000));
  for (int i = 0; i < 30; ++i) {
    const auto waited = pacer.acquire(key("C" + std::to_string(i)), CancellationToken{});
    REQUIRE(waited.ok());
    CHECK(waited.value() == 0ns);
  }
  CHECK(pacer.stats().waits == 0);
}

TEST_CASE("a strict provider sees no violation from 300 mixed requests on 4 threads",
          "[data][pacing]") {
  StrictProvider provider;
  IbPacer pacer(PacingLimits::interactive_brokers(), std::make_unique<ScaledPacingClock>(10000),
                provider.observer());
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&pacer, &failures, t] {
      std::mt19937 rng(static_cast<std::uint32_t>(t + 1));
      for (int i = 0; i < 75; ++i) {
        // Three contracts and few ranges: every rule comes into play.
        const std::string contract = std::array{"AAPL", "MSFT", "EURUSD"}[rng() % 3];
        if (!pacer.acquire(key(contract, static_cast<int>(rng() % 4)), CancellationToken{}).ok()) {
          ++failures;
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  CHECK(failures == 0);
  CHECK(provider.requests().size() == 300);
  CHECK(provider.violations() == 0);
  CHECK(pacer.stats().requests == 300);
  CHECK(pacer.stats().waits > 0);
}

TEST_CASE("cancellation wakes a waiting acquire before its wait is up", "[data][pacing]") {
  SECTION("a real-time wait of 2 minutes") {
    // Identical requests two minutes apart: an acquire still waiting after 30 s was not woken by
    // the cancel. (That bound only guards against one that sleeps through it; a loaded machine
    // stays far below it.)
    PacingLimits limits = PacingLimits::interactive_brokers();
    limits.identical_interval = 2min;
    IbPacer pacer(limits);
    REQUIRE(pacer.acquire(key("AAPL"), CancellationToken{}).ok());
    CancellationSource source;
    std::thread canceller([&] {
      (void)CancellationToken{}.wait_for(20ms);  // let acquire start waiting
      source.cancel();
    });
    const auto start = steady_clock::now();
    const auto waited = pacer.acquire(key("AAPL"), source.token());
    const auto returned = steady_clock::now();
    canceller.join();
    REQUIRE_FALSE(waited.ok());
    CHECK(waited.error().code == ErrorCode::kCancelled);
    CHECK(returned - start < 30s);
    CHECK(pacer.stats().requests == 1);
  }
  SECTION("an already cancelled token records nothing") {
    IbPacer pacer(PacingLimits::unlimited());
    CancellationSource source;
    source.cancel();
    const auto waited = pacer.acquire(key("AAPL"), source.token());
    REQUIRE_FALSE(waited.ok());
    CHECK(waited.error().code == ErrorCode::kCancelled);
    CHECK(pacer.stats().requests == 0);
  }
}

TEST_CASE("the unlimited preset never waits", "[data][pacing]") {
  IbPacer pacer(PacingLimits::unlimited(), std::make_unique<ScaledPacingClock>(1000));
  for (int i = 0; i < 500; ++i) {
    const auto waited = pacer.acquire(key("AAPL"), CancellationToken{});
    REQUIRE(waited.ok());
    CHECK(waited.value() == 0ns);
  }
  CHECK(pacer.stats().requests == 500);
  CHECK(pacer.stats().waits == 0);
  CHECK(pacer.stats().total_waited == 0ns);
}

TEST_CASE("try_acquire grants without waiting or refuses with the earliest allowed time",
          "[data][pacing]") {
  StrictProvider provider;
  IbPacer pacer(PacingLimits::interactive_brokers(), std::make_unique<ManualPacingClock>(),
                provider.observer());

  SECTION("an identical request within 15 s is refused and nothing is recorded") {
    REQUIRE_FALSE(pacer.try_acquire(key("AAPL")).has_value());
    const VirtualTime granted = provider.requests().at(0).second;
    const auto refused = pacer.try_acquire(key("AAPL"));
    REQUIRE(refused.has_value());
    CHECK(*refused == granted + 15s);
    CHECK(pacer.try_acquire(key("AAPL")) == refused);  // the refusal recorded nothing
    CHECK(pacer.stats().requests == 1);
    CHECK(pacer.stats().waits == 0);
    CHECK_FALSE(pacer.clock().wait_until(*refused, CancellationToken{}));
    CHECK_FALSE(pacer.try_acquire(key("AAPL")).has_value());
    CHECK(pacer.stats().requests == 2);
  }
  SECTION("the 61st request in 10 minutes is refused until the first leaves the window") {
    for (int i = 0; i < 60; ++i) {
      REQUIRE_FALSE(pacer.try_acquire(key("C" + std::to_string(i))).has_value());
    }
    const auto refused = pacer.try_acquire(key("C60"));
    REQUIRE(refused.has_value());
    CHECK(*refused == provider.requests().at(0).second + 10min);
  }
  SECTION("the 6th request for one contract within 2 s is refused") {
    for (int i = 0; i < 5; ++i) REQUIRE_FALSE(pacer.try_acquire(key("AAPL", i)).has_value());
    const auto refused = pacer.try_acquire(key("AAPL", 5));
    REQUIRE(refused.has_value());
    CHECK(*refused == provider.requests().at(0).second + 2s);
    CHECK_FALSE(pacer.try_acquire(key("MSFT")).has_value());  // other contracts go
  }
  SECTION("acquire and try_acquire pace against each other's grants") {
    REQUIRE(pacer.acquire(key("AAPL"), CancellationToken{}).ok());
    CHECK(pacer.try_acquire(key("AAPL")).has_value());
    REQUIRE(pacer.acquire(key("MSFT"), CancellationToken{}).ok());
    REQUIRE_FALSE(pacer.try_acquire(key("EURUSD")).has_value());
    const auto waited = pacer.acquire(key("EURUSD"), CancellationToken{});
    REQUIRE(waited.ok());
    CHECK(waited.value() == 15s);
  }
  CHECK(provider.violations() == 0);
}
