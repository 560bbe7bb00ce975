#include "ib_data_adapter.hpp"

#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>

#include "fake_bar_provider.hpp"
#include "manual_pacing_clock.hpp"

using namespace ktrdr;
using namespace ktrdr::data;
using namespace ktrdr::test;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

HistoricalRequest request(std::string symbol, int first_day, int days_long = 1) {
  return HistoricalRequest{std::move(symbol), Timeframe::k1h, day_at(first_day),
                           day_at(first_day + days_long)};
}

std::shared_ptr<IbDataAdapter> adapter_for(std::shared_ptr<FakeBarProvider> provider,
                                           std::uint32_t speedup = 1000) {
  return std::make_shared<IbDataAdapter>(std::move(provider), "local",
                                         std::make_unique<ScaledPacingClock>(speedup));
}

// A provider and an adapter on one clock that moves only by waiting: each request arrives at the
// provider at the virtual time the adapter granted it, however slowly the test runs. (On scaled
// clocks a busy machine could delay a request between grant and arrival by more than the safety
// margin, or let a window pass before the requests that should fill it.)
struct OnOneClock {
  explicit OnOneClock(const PacingLimits& limits)
      : clock(std::make_shared<ManualPacingClock>()),
        provider(std::make_shared<FakeBarProvider>(limits, clock)),
        adapter(std::make_shared<IbDataAdapter>(provider, "local",
                                                std::make_unique<SharedPacingClock>(clock))) {}

  std::shared_ptr<const ManualPacingClock> clock;
  std::shared_ptr<FakeBarProvider> provider;
  std::shared_ptr<IbDataAdapter> adapter;
};

}  // namespace

TEST_CASE("the safety margin widens windows and intervals, not counts", "[data][adapter]") {
  const PacingLimits ib = PacingLimits::interactive_brokers();
  const PacingLimits widened = with_safety_margin(ib, 0.05);
  CHECK(widened.max_requests == 60);
  CHECK(widened.window == 630s);
  CHECK(widened.identical_interval == 15750ms);
  CHECK(widened.max_contract_requests == 5);
  CHECK(widened.contract_window == 2100ms);
  CHECK(with_safety_margin(ib, 0.0) == ib);
  CHECK(with_safety_margin(ib, -1.0) == ib);
  CHECK(with_safety_margin(PacingLimits::unlimited(), 0.05).is_unlimited());
}

TEST_CASE("the adapter learns the provider's limits once and widens them", "[data][adapter]") {
  auto provider = std::make_shared<FakeBarProvider>(PacingLimits::interactive_brokers());
  auto adapter = adapter_for(provider);
  CHECK(adapter->pacing_limits(CancellationToken{}).value() ==
        with_safety_margin(PacingLimits::interactive_brokers(), 0.05));
  REQUIRE(adapter->fetch(request("AAPL", 0), CancellationToken{}).ok());
  CHECK(provider->limits_calls() == 1);
}

TEST_CASE("a failure to learn the limits is returned and asked again", "[data][adapter]") {
  auto provider = std::make_shared<FakeBarProvider>();
  provider->fail_limits_next(1);
  auto adapter = adapter_for(provider);
  const auto failed = adapter->fetch(request("AAPL", 0), CancellationToken{});
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == ErrorCode::kUnavailable);
  CHECK(failed.error().message.find("pacing limits of fake") != std::string::npos);
  CHECK(provider->historical_calls() == 0);
  CHECK(adapter->fetch(request("AAPL", 0), CancellationToken{}).ok());
  CHECK(provider->limits_calls() == 2);
}

TEST_CASE("contracts and head timestamps are cached, failures are not", "[data][adapter]") {
  auto provider = std::make_shared<FakeBarProvider>();
  auto adapter = adapter_for(provider);
  const CancellationToken token;

  for (int i = 0; i < 3; ++i) {
    const auto info = adapter->validate("AAPL", token);
    REQUIRE(info.ok());
    CHECK(info->symbol == "AAPL");
  }
  CHECK(provider->contract_calls() == 1);
  for (int i = 0; i < 2; ++i) {
    const auto unknown = adapter->validate("NOPE", token);
    REQUIRE_FALSE(unknown.ok());
    CHECK(ib_error_kind(unknown.error()) == IbErrorKind::kNoSecurityDefinition);
  }
  CHECK(provider->contract_calls() == 3);

  provider->list_at(day_at(-10));
  for (int i = 0; i < 3; ++i) {
    CHECK(adapter->head_timestamp("AAPL", Timeframe::k1h, token).value() == day_at(-10));
  }
  CHECK(provider->head_calls() == 1);
  REQUIRE(adapter->head_timestamp("AAPL", Timeframe::k1d, token).ok());
  CHECK(provider->head_calls() == 2);
  CHECK_FALSE(adapter->head_timestamp("NOPE", Timeframe::k1h, token).ok());
  CHECK_FALSE(adapter->head_timestamp("NOPE", Timeframe::k1h, token).ok());
  CHECK(provider->head_calls() == 4);
}

TEST_CASE("client pacing keeps 70 requests within IB's 10-minute limit at the provider",
          "[data][adapter][pacing]") {
  const PacingLimits ib = PacingLimits::interactive_brokers();
  const OnOneClock on_one_clock(ib);
  const auto& provider = on_one_clock.provider;
  const auto& adapter = on_one_clock.adapter;
  // One request per contract, so that only the 60-in-10-minutes rule comes into play.
  for (int i = 0; i < 70; ++i) {
    REQUIRE(adapter->fetch(request("C" + std::to_string(i), 0), CancellationToken{}).ok());
  }
  const auto arrivals = provider->arrivals();
  REQUIRE(arrivals.size() == 70);
  CHECK(provider->violations(ib) == 0);
  CHECK(arrivals[60].at - arrivals[0].at >= 10min);

  const IbDataAdapterStats stats = adapter->stats();
  CHECK(stats.requests == 70);
  CHECK(stats.pacing_waits == 1);
  CHECK(stats.pacing_waited > 10min);  // the 61st request's wait, its margin included
}

TEST_CASE("client pacing keeps one contract within IB's 2 s and 15 s rules at the provider",
          "[data][adapter][pacing]") {
  const PacingLimits ib = PacingLimits::interactive_brokers();
  const OnOneClock on_one_clock(ib);
  const auto& provider = on_one_clock.provider;
  const auto& adapter = on_one_clock.adapter;
  // Six ranges, then the first two again: the sixth request waits for the 2 s rule, the seventh
  // for the 15 s rule on identical requests.
  for (const int range : {0, 1, 2, 3, 4, 5, 0, 1}) {
    REQUIRE(adapter->fetch(request("AAPL", range), CancellationToken{}).ok());
  }
  const auto arrivals = provider->arrivals();
  REQUIRE(arrivals.size() == 8);
  CHECK(provider->violations(ib) == 0);
  CHECK(arrivals[5].at - arrivals[0].at >= 2s);
  CHECK(arrivals[6].at - arrivals[0].at >= 15s);
  CHECK(arrivals[7].at - arrivals[1].at >= 15s);
  CHECK(adapter->stats().pacing_waits == 2);
}

TEST_CASE("a provider without limits is never paced", "[data][adapter][pacing]") {
  auto provider = std::make_shared<FakeBarProvider>(PacingLimits::unlimited());
  auto adapter = adapter_for(provider);
  for (int i = 0; i < 200; ++i) {
    REQUIRE(adapter->fetch(request("AAPL", 0), CancellationToken{}).ok());
  }
  CHECK(adapter->stats().requests == 200);
  CHECK(adapter->stats().pacing_waits == 0);
  CHECK(adapter->stats().pacing_waited == 0ns);
}

TEST_CASE("fetch counts each request in the stats and in the caller's counters",
          "[data][adapter]") {
  auto provider = std::make_shared<FakeBarProvider>(PacingLimits::interactive_brokers());
  // On a clock that moves only by waiting, the identical request waits all of its 15.75 s
  // however long the machine took between the two.
  auto adapter = std::make_shared<IbDataAdapter>(provider, "local",
                                                 std::make_unique<ManualPacingClock>());
  FetchCounters mine;
  REQUIRE(adapter->fetch(request("AAPL", 0), CancellationToken{}, &mine).ok());
  REQUIRE(adapter->fetch(request("AAPL", 0), CancellationToken{}, &mine).ok());
  CHECK(adapter->fetch(request("NOPE", 0), CancellationToken{}, &mine).error().code ==
        ErrorCode::kNotFound);
  CHECK(mine.requests == 3);
  CHECK(mine.pacing_waits == 1);
  CHECK(mine.pacing_waited >= 15s);

  const IbDataAdapterStats stats = adapter->stats();
  CHECK(static_cast<const FetchCounters&>(stats) == mine);
  CHECK(stats.provider == "fake");
  CHECK(stats.mode == "local");
  const Json json = stats.to_json();
  CHECK(json.get_string("provider") == "fake");
  CHECK(json.get_string("mode") == "local");
  CHECK(json.get_int("requests") == 3);
  CHECK(json.get_int("pacing_waits") == 1);
  CHECK(json.get_number("pacing_waited_seconds").value_or(0.0) >= 15.0);
}

TEST_CASE("cancellation wakes a fetch waiting for pacing", "[data][adapter][pacing]") {
  // Identical requests two minutes apart, in real time: the second fetch waits over two minutes,
  // so a fetch still waiting after 30 s has not been woken by the cancel. (That bound only guards
  // against a fetch that sleeps through the cancel; a loaded machine stays far below it.)
  PacingLimits limits = PacingLimits::interactive_brokers();
  limits.identical_interval = 2min;
  auto provider = std::make_shared<FakeBarProvider>(limits);
  IbDataAdapter adapter(provider, "host_service");
  REQUIRE(adapter.fetch(request("AAPL", 0), CancellationToken{}).ok());

  CancellationSource source;
  std::thread canceller([&] {
    (void)CancellationToken{}.wait_for(20ms);
    source.cancel();
  });
  const auto start = steady_clock::now();
  const auto fetched = adapter.fetch(request("AAPL", 0), source.token());
  const auto elapsed = steady_clock::now() - start;
  canceller.join();
  REQUIRE_FALSE(fetched.ok());
  CHECK(fetched.error().code == ErrorCode::kCancelled);
  CHECK(elapsed < 30s);
  CHECK(provider->historical_calls() == 1);
  CHECK(adapter.stats().requests == 1);
}
