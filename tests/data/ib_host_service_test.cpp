#include "ib_host_service.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <semaphore>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "historical_wire.hpp"
#include "host_bar_provider.hpp"
#include "ib_error.hpp"
#include "ktrdr/sdk/host_service.hpp"

using namespace ktrdr;
using namespace ktrdr::data;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

constexpr sys_days kHead = sys_days{2020y / 1 / 2};

// A provider for these tests: AAPL with 1m and 1h bars from kHead on (one bar per bar length,
// with values that do not print short), IB's errors for anything else, optionally slow.
class FakeProvider final : public BarProvider {
 public:
  explicit FakeProvider(PacingLimits limits = PacingLimits::unlimited(), milliseconds delay = 0ms)
      : limits_(limits), delay_(delay) {}

  std::string name() const override { return "fake"; }

  Result<PacingLimits> pacing_limits(const CancellationToken&) override { return limits_; }

  Result<ContractInfo> contract(std::string_view symbol, const CancellationToken&) override {
    if (symbol != "AAPL") return unknown(symbol);
    return info();
  }

  Result<sys_seconds> head_timestamp(std::string_view symbol, Timeframe timeframe,
                                     const CancellationToken&) override {
    if (symbol != "AAPL") return unknown(symbol);
    if (timeframe != Timeframe::k1m && timeframe != Timeframe::k1h) {
      return make_ib_error(IbErrorKind::kNoData,
                           "no " + std::string(to_string(timeframe)) + " bars of AAPL");
    }
    return sys_seconds{kHead};
  }

  Result<BarSeries> historical(const HistoricalRequest& request,
                               const CancellationToken& token) override {
    ++calls;
    started.release();
    if (delay_ > 0ms && token.wait_for(delay_)) {
      return Error::cancelled("fake provider cancelled", {{"reason", token.reason_text()}});
    }
    if (request.symbol != "AAPL") return unknown(request.symbol);
    return bars(request);
  }

  Json health() override {
    Json json = Json::object();
    json.set("ok", true).set("source", "generated");
    return json;
  }

  // The bars the provider serves for `request` (empty → IB 162).
  static Result<BarSeries> bars(const HistoricalRequest& request) {
    BarSeries series(request.symbol, request.timeframe);
    const seconds step = ktrdr::duration(request.timeframe);
    for (sys_seconds t = std::max(request.from, sys_seconds{kHead}); t < request.to; t += step) {
      const double i = static_cast<double>((t - sys_seconds{kHead}) / step);
      const double open = 100.0 + i / 7.0;
      series.append(Bar{t, open, open + 0.1 + i / 1e6, open - 1.0 / 3.0, open + 0.01 * (i / 3.0),
                        1e6 + i * 0.5});
    }
    if (series.empty()) return make_ib_error(IbErrorKind::kNoData, "before AAPL's head");
    return series;
  }

  static ContractInfo info() {
    return ContractInfo{.symbol = "AAPL",
                        .instrument = Instrument::kStock,
                        .description = "Apple Inc. (fake)",
                        .timeframes = {Timeframe::k1m, Timeframe::k1h}};
  }

  std::atomic<int> calls{0};
  std::counting_semaphore<> started{0};  // released as each historical() call starts

 private:
  static Error unknown(std::string_view symbol) {
    return make_ib_error(IbErrorKind::kNoSecurityDefinition, "no contract " + std::string(symbol));
  }

  const PacingLimits limits_;
  const milliseconds delay_;
};

// A HostService on 127.0.0.1:0 serving an IbHostService over `provider`, a /health route, and a
// HostBarProvider talking to it. Members are destroyed client first, then the service (which
// cancels a slow provider's calls), then the server.
struct Fixture {
  explicit Fixture(std::shared_ptr<FakeProvider> fake,
                   std::unique_ptr<PacingClock> clock = std::make_unique<SteadyPacingClock>(),
                   AdapterOptions options = HostBarProvider::default_options())
      : server(HostServiceOptions{}), provider(fake), service(fake, std::move(clock)) {
    for (const RouteSpec& route : service.routes()) {
      server.route(route.method, route.pattern, route.handler, route.requires_auth, route.quick);
    }
    server.route(
        HttpMethod::kGet, "/health",
        [this](const ServerRequest&) {
          Json body = Json::object();
          body.set("status", "ok").set("ib", service.health());
          return ServerResponse::json(body);
        },
        /*requires_auth=*/false, /*quick=*/true);
    const auto started_ok = server.start();
    REQUIRE(started_ok.ok());
    auto created = HostBarProvider::create(server.url(), std::move(options));
    REQUIRE(created.ok());
    client = std::move(created).value();
    auto raw_adapter = AsyncServiceAdapter::create(server.url());
    REQUIRE(raw_adapter.ok());
    raw = std::move(raw_adapter).value();
  }

  HostService server;
  std::shared_ptr<FakeProvider> provider;
  IbHostService service;
  std::unique_ptr<HostBarProvider> client;
  std::unique_ptr<AsyncServiceAdapter> raw;  // for requests the client would not send
};

HistoricalRequest request(Timeframe timeframe, sys_days from, sys_days to,
                          std::string symbol = "AAPL") {
  return HistoricalRequest{.symbol = std::move(symbol),
                           .timeframe = timeframe,
                           .from = sys_seconds{from},
                           .to = sys_seconds{to}};
}

void check_ib_error(const Error& error, IbErrorKind kind, const std::string& code,
                    const std::string& status) {
  INFO(error.message);
  CHECK(ib_error_kind(error) == kind);
  CHECK(error.get("ib_code") == code);
  CHECK(error.get("status") == status);
  CHECK_THAT(error.message, Catch::Contains("IB error " + code));
}

}  // namespace

TEST_CASE("bars round-trip through the host service unchanged", "[data][service]") {
  Fixture f(std::make_shared<FakeProvider>());
  for (const HistoricalRequest& r :
       {request(Timeframe::k1h, sys_days{2024y / 1 / 2}, sys_days{2024y / 1 / 4}),
        request(Timeframe::k1m, sys_days{2024y / 1 / 2}, sys_days{2024y / 1 / 3})}) {
    const auto bars = f.client->historical(r, CancellationToken{});
    REQUIRE(bars.ok());
    const auto expected = FakeProvider::bars(r);
    REQUIRE(expected.ok());
    CHECK(bars->size() == expected->size());
    CHECK(*bars == *expected);  // values and timestamps, bit for bit
  }
  const Json stats = f.service.stats();
  CHECK(stats.get_int("requests") == 2);
  CHECK(stats.get_int("bars_served") == 48 + 1440);
  CHECK(stats.get_int("pacing_violations") == 0);
  CHECK(stats == f.raw->get_json("/data/stats").value());
  CHECK(f.client->stats().pool_hits >= 1);
}

TEST_CASE("contracts, head timestamps and validation", "[data][service]") {
  Fixture f(std::make_shared<FakeProvider>());
  const auto contract = f.client->contract("AAPL", CancellationToken{});
  REQUIRE(contract.ok());
  CHECK(contract->to_json() == FakeProvider::info().to_json());
  CHECK(f.client->head_timestamp("AAPL", Timeframe::k1h, CancellationToken{}).value() ==
        sys_seconds{kHead});

  SECTION("validate lists a head timestamp per timeframe, null where the provider has none") {
    Json body = Json::object();
    body.set("symbol", "AAPL").set("timeframes", std::vector<std::string>{"1h", "5m"});
    const auto validated = f.raw->post_json("/data/validate", body);
    REQUIRE(validated.ok());
    CHECK(validated->get_string("symbol") == "AAPL");
    CHECK(validated->get_bool("valid") == true);
    CHECK(validated->at("contract") == FakeProvider::info().to_json());
    const Json heads = validated->at("head_timestamps");
    CHECK(heads.get_string("1h") == "2020-01-02T00:00:00Z");
    CHECK(heads.has("5m"));
    CHECK(heads.at("5m").is_null());
  }
  SECTION("without timeframes, validate covers the contract's") {
    Json body = Json::object();
    body.set("symbol", "AAPL");
    const auto validated = f.raw->post_json("/data/validate", body);
    REQUIRE(validated.ok());
    CHECK(validated->at("head_timestamps").keys() == std::vector<std::string>{"1m", "1h"});
  }
  SECTION("the head-timestamp route") {
    const auto head = f.raw->get_json("/data/head-timestamp?symbol=AAPL&timeframe=1m");
    REQUIRE(head.ok());
    CHECK(head->get_string("symbol") == "AAPL");
    CHECK(head->get_string("timeframe") == "1m");
    CHECK(head->get_string("head_timestamp") == "2020-01-02T00:00:00Z");
  }
}

TEST_CASE("IB errors come back with their code, reason and HTTP status", "[data][service]") {
  Fixture f(std::make_shared<FakeProvider>());
  const CancellationToken none;

  SECTION("200 / 404: no security definition") {
    const auto bars = f.client->historical(
        request(Timeframe::k1h, sys_days{2024y / 1 / 2}, sys_days{2024y / 1 / 3}, "ZZZZ"), none);
    REQUIRE_FALSE(bars.ok());
    check_ib_error(bars.error(), IbErrorKind::kNoSecurityDefinition, "200", "404");
    CHECK(bars.error().code == ErrorCode::kNotFound);
    const auto contract = f.client->contract("ZZZZ", none);
    REQUIRE_FALSE(contract.ok());
    check_ib_error(contract.error(), IbErrorKind::kNoSecurityDefinition, "200", "404");
    const auto head = f.client->head_timestamp("ZZZZ", Timeframe::k1h, none);
    REQUIRE_FALSE(head.ok());
    check_ib_error(head.error(), IbErrorKind::kNoSecurityDefinition, "200", "404");
  }
  SECTION("162 / 404: no data") {
    const auto bars = f.client->historical(
        request(Timeframe::k1h, sys_days{2010y / 1 / 4}, sys_days{2010y / 1 / 5}), none);
    REQUIRE_FALSE(bars.ok());
    check_ib_error(bars.error(), IbErrorKind::kNoData, "162", "404");
    CHECK(bars.error().code == ErrorCode::kNotFound);
    CHECK_FALSE(is_transient(bars.error()));
    const auto head = f.client->head_timestamp("AAPL", Timeframe::k1d, none);
    REQUIRE_FALSE(head.ok());
    check_ib_error(head.error(), IbErrorKind::kNoData, "162", "404");
  }
  SECTION("321 / 400: an invalid request") {
    const auto bars = f.client->historical(
        request(Timeframe::k1h, sys_days{2024y / 1 / 3}, sys_days{2024y / 1 / 2}), none);
    REQUIRE_FALSE(bars.ok());
    check_ib_error(bars.error(), IbErrorKind::kInvalidRequest, "321", "400");
    CHECK(bars.error().code == ErrorCode::kInvalidArgument);
  }
  const Json errors = f.service.stats().at("errors");
  CHECK(errors.size() == 1);
  CHECK(f.provider->calls <= 1);
}

TEST_CASE("the service refuses, rather than delays, a request that breaks the provider's pacing",
          "[data][service][pacing]") {
  const PacingLimits tight{.max_requests = 0,
                           .window = 0ms,
                           .identical_interval = 15s,
                           .max_contract_requests = 0,
                           .contract_window = 0ms};
  const HistoricalRequest r =
      request(Timeframe::k1h, sys_days{2024y / 1 / 2}, sys_days{2024y / 1 / 3});

  SECTION("two identical requests in a row: the second is IB 162 / 429") {
    Fixture f(std::make_shared<FakeProvider>(tight));
    REQUIRE(f.client->historical(r, CancellationToken{}).ok());
    // A service that delayed it instead would answer with the bars, 15 s later.
    const auto second = f.client->historical(r, CancellationToken{});
    REQUIRE_FALSE(second.ok());
    check_ib_error(second.error(), IbErrorKind::kPacingViolation, "162", "429");
    CHECK(second.error().code == ErrorCode::kUnavailable);
    CHECK(is_transient(second.error()));
    CHECK(second.error().get("retry_after_ms").has_value());
    CHECK(f.provider->calls == 1);
    CHECK(f.service.stats().get_int("pacing_violations") == 1);
    CHECK(f.service.stats().at("errors").get_int("pacing_violation") == 1);
    CHECK(f.service.health().get_int("pacing_violations") == 1);

    // Another range is another request.
    auto other = r;
    other.to += hours(1);
    CHECK(f.client->historical(other, CancellationToken{}).ok());
  }
  SECTION("on a scaled clock the identical request is granted once the interval has passed") {
    Fixture f(std::make_shared<FakeProvider>(tight), std::make_unique<ScaledPacingClock>(1000));
    REQUIRE(f.client->historical(r, CancellationToken{}).ok());
    (void)CancellationToken{}.wait_for(40ms);  // 40 virtual seconds
    CHECK(f.client->historical(r, CancellationToken{}).ok());
    CHECK(f.service.stats().get_int("pacing_violations") == 0);
  }
}

TEST_CASE("a range longer than IB's maximum is IB 321 before the provider sees it",
          "[data][service]") {
  Fixture f(std::make_shared<FakeProvider>());
  const auto two_days = f.client->historical(
      request(Timeframe::k1m, sys_days{2024y / 1 / 2}, sys_days{2024y / 1 / 4}),
      CancellationToken{});
  REQUIRE_FALSE(two_days.ok());
  check_ib_error(two_days.error(), IbErrorKind::kInvalidRequest, "321", "400");
  CHECK(two_days.error().get("max_days") == "1");
  CHECK(f.provider->calls == 0);
  CHECK(f.client
            ->historical(request(Timeframe::k1m, sys_days{2024y / 1 / 2}, sys_days{2024y / 1 / 3}),
                         CancellationToken{})
            .ok());
}

TEST_CASE("bad parameters are IB 321 errors naming the field", "[data][service]") {
  Fixture f(std::make_shared<FakeProvider>());
  const struct {
    const char* body;
    const char* field;
  } bodies[] = {
      {R"({"timeframe":"1h","start":"2024-01-02","end":"2024-01-03"})", "symbol"},
      {R"({"symbol":"AA PL","timeframe":"1h","start":"2024-01-02","end":"2024-01-03"})", "symbol"},
      {R"({"symbol":"AAPL","timeframe":"3h","start":"2024-01-02","end":"2024-01-03"})",
       "timeframe"},
      {R"({"symbol":"AAPL","timeframe":"1h","start":"2024-01-32","end":"2024-02-03"})", "start"},
      {R"({"symbol":"AAPL","timeframe":"1h","start":"2024-01-02"})", "end"},
  };
  for (const auto& c : bodies) {
    INFO(c.body);
    const auto response = f.raw->post_json("/data/historical", Json::parse(c.body).value());
    REQUIRE_FALSE(response.ok());
    check_ib_error(response.error(), IbErrorKind::kInvalidRequest, "321", "400");
    CHECK(response.error().get("field") == c.field);
  }

  HttpRequest not_json;
  not_json.method = HttpMethod::kPost;
  not_json.target = "/data/historical";
  not_json.body = "{symbol";
  const auto raw = f.raw->request(not_json);
  REQUIRE(raw.ok());
  CHECK(raw->status == 400);
  CHECK_THAT(raw->body, Catch::Contains("\"ib_code\":\"321\""));

  for (const auto& [target, field] : std::vector<std::pair<std::string, std::string>>{
           {"/data/head-timestamp?timeframe=1h", "symbol"},
           {"/data/head-timestamp?symbol=..&timeframe=1h", "symbol"},
           {"/data/head-timestamp?symbol=AAPL&timeframe=1y", "timeframe"}}) {
    INFO(target);
    const auto response = f.raw->get_json(target);
    REQUIRE_FALSE(response.ok());
    check_ib_error(response.error(), IbErrorKind::kInvalidRequest, "321", "400");
    CHECK(response.error().get("field") == field);
  }

  Json validate = Json::object();
  validate.set("symbol", "AAPL").set("timeframes", std::vector<std::string>{"1h", "7m"});
  const auto bad_validate = f.raw->post_json("/data/validate", validate);
  REQUIRE_FALSE(bad_validate.ok());
  check_ib_error(bad_validate.error(), IbErrorKind::kInvalidRequest, "321", "400");
  CHECK(bad_validate.error().get("field") == "timeframes");
  CHECK(bad_validate.error().get("value") == "7m");

  CHECK(f.provider->calls == 0);
  CHECK(f.service.stats().at("errors").get_int("invalid_request") == 10);
}

TEST_CASE("a cancelled token aborts a slow historical request in flight", "[data][service]") {
  // The provider answers after 10 s, inside the client's 30 s request timeout: a client that
  // missed the cancel would return those bars, so the result tells, not how long it took.
  Fixture f(std::make_shared<FakeProvider>(PacingLimits::unlimited(), 10s));
  CancellationSource source;
  std::thread canceller([&] {
    f.provider->started.acquire();  // the request reached the provider
    source.cancel();
  });
  const auto bars = f.client->historical(
      request(Timeframe::k1h, sys_days{2024y / 1 / 2}, sys_days{2024y / 1 / 3}), source.token());
  canceller.join();
  REQUIRE_FALSE(bars.ok());
  CHECK(bars.error().code == ErrorCode::kCancelled);
}

TEST_CASE("clients learn the pacing limits from /data/pacing", "[data][service][pacing]") {
  const PacingLimits limits{.max_requests = 7,
                            .window = 1500ms,
                            .identical_interval = 250ms,
                            .max_contract_requests = 2,
                            .contract_window = 40ms};
  Fixture f(std::make_shared<FakeProvider>(limits));
  CHECK(f.client->pacing_limits(CancellationToken{}).value() == limits);
  const auto requests = f.client->stats().requests;
  CHECK(f.client->pacing_limits(CancellationToken{}).value() == limits);
  CHECK(f.client->stats().requests == requests);  // cached

  const auto pacing = f.raw->get_json("/data/pacing");
  REQUIRE(pacing.ok());
  CHECK(pacing->get_string("provider") == "fake");
  CHECK(pacing->at("pacing") == pacing_limits_to_json(limits));
  const Json days = pacing->at("max_duration_days");
  CHECK(days.get_int("1m") == 1);
  CHECK(days.get_int("5m") == 7);
  CHECK(days.get_int("1h") == 30);
  CHECK(days.get_int("1w") == 730);
  CHECK(days.size() == kAllTimeframes.size());
}

TEST_CASE("a malformed historical response is a wire decode error naming the bar",
          "[data][service]") {
  // The bars a HostBarProvider makes of `answer`, served as POST /data/historical's response.
  const auto historical_answered_with = [](const std::string& answer) {
    HostService server(HostServiceOptions{});
    server.route(HttpMethod::kPost, "/data/historical", [answer](const ServerRequest&) {
      ServerResponse response;
      response.body = answer;
      return response;
    });
    REQUIRE(server.start().ok());
    auto client = HostBarProvider::create(server.url());
    REQUIRE(client.ok());
    return (*client)->historical(
        request(Timeframe::k1h, sys_days{2024y / 1 / 2}, sys_days{2024y / 1 / 3}),
        CancellationToken{});
  };

  SECTION("a bad bar") {
    const auto bars = historical_answered_with(
        R"({"symbol":"AAPL","timeframe":"1h","count":2,"bars":[)"
        R"(["2024-01-02T14:00:00Z",1,2,0.5,1.5,9],["2024-01-02T15:00:00Z",1,2,0.5,"x",9]]})");
    REQUIRE_FALSE(bars.ok());
    CHECK(bars.error().code == ErrorCode::kMalformedResponse);
    CHECK(bars.error().get("index") == "1");
    CHECK(bars.error().get("field") == "close");
  }
  SECTION("bars of another symbol") {
    const auto bars =
        historical_answered_with(R"({"symbol":"MSFT","timeframe":"1h","count":0,"bars":[]})");
    REQUIRE_FALSE(bars.ok());
    CHECK(bars.error().code == ErrorCode::kMalformedResponse);
    CHECK_THAT(bars.error().message, Catch::Contains("MSFT"));
  }
  SECTION("not JSON") {
    const auto bars = historical_answered_with("bars!");
    REQUIRE_FALSE(bars.ok());
    CHECK(bars.error().code == ErrorCode::kMalformedResponse);
  }
}

TEST_CASE("health reports the provider and the service", "[data][service]") {
  Fixture f(std::make_shared<FakeProvider>());
  const Json health = f.service.health();
  CHECK(health.get_bool("ok") == true);
  CHECK(health.get_string("provider") == "fake");
  CHECK(health.at("provider_health").get_string("source") == "generated");
  CHECK(health.get_int("pacing_violations") == 0);
  const Json client_health = f.client->health();
  CHECK(client_health.get_bool("ok") == true);
  CHECK(client_health.get_string("status") == "ok");
  CHECK(client_health.get_string("url") == f.server.url());
}

TEST_CASE("connect-per-request opens a connection for every call", "[data][service]") {
  AdapterOptions options = HostBarProvider::default_options();
  options.keep_alive = false;
  Fixture f(std::make_shared<FakeProvider>(), std::make_unique<SteadyPacingClock>(), options);
  for (int day = 2; day < 5; ++day) {
    const auto from = sys_days{2024y / 1 / day};
    REQUIRE(f.client->historical(request(Timeframe::k1h, from, from + days(1)), CancellationToken{})
                .ok());
  }
  const AdapterStats stats = f.client->stats();
  CHECK(stats.requests == 3);
  CHECK(stats.pool_hits == 0);
  CHECK(stats.pool_misses == 3);
}
