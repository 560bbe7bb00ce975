// TwsClient against FakeTwsGateway over real loopback sockets: connect and readiness, the three
// requests, TWS's errors as the data domain's, cancellation, timeouts, dropped connections and
// reconnects, concurrent requests.
#include "tws/tws_client.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "fake_tws_gateway.hpp"
#include "ib_error.hpp"
#include "tws/tws_time.hpp"

namespace ktrdr::data::tws {
namespace {

using namespace std::chrono_literals;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using testing::FakeTwsAnswer;
using testing::FakeTwsGateway;
using testing::FakeTwsScript;

TwsClientOptions options_for(const FakeTwsGateway& gateway) {
  TwsClientOptions options;
  options.port = gateway.port();
  options.client_id = 7;
  options.connect_timeout = 5s;
  options.request_timeout = 10s;
  options.reconnect_initial_backoff = 0ms;  // tests that reconnect turn it on
  return options;
}

std::unique_ptr<TwsClient> connect_with(const TwsClientOptions& options) {
  Result<std::unique_ptr<TwsClient>> client = TwsClient::connect(options, CancellationToken());
  if (!client.ok()) FAIL("connect failed: " << client.error().message);
  return std::move(*client);
}

std::unique_ptr<TwsClient> connect_to(const FakeTwsGateway& gateway) {
  return connect_with(options_for(gateway));
}

TwsContract stock(std::string symbol) {
  TwsContract contract;
  contract.symbol = std::move(symbol);
  contract.sec_type = "STK";
  contract.exchange = "SMART";
  contract.currency = "USD";
  return contract;
}

TwsHistoricalDataRequest bars_of(std::string symbol, std::string duration = "1 D",
                                 std::string bar_size = "1 hour") {
  TwsHistoricalDataRequest request;
  request.contract = stock(std::move(symbol));
  request.duration = std::move(duration);
  request.bar_size = std::move(bar_size);
  return request;
}

TwsContractDetails aapl_details() {
  TwsContractDetails details;
  details.contract = stock("AAPL");
  details.contract.con_id = 265598;
  details.contract.local_symbol = "AAPL";
  details.contract.trading_class = "NMS";
  details.contract.primary_exchange = "NASDAQ";
  details.market_name = "NMS";
  details.long_name = "APPLE INC";
  details.min_tick = 0.01;
  details.time_zone_id = "US/Eastern";
  details.trading_hours = "20250324:0400-20250324:2000;20250325:CLOSED";
  details.liquid_hours = "20250324:0930-20250324:1600;20250325:CLOSED";
  return details;
}

// Waits (bounded) for a condition the client reaches on its own thread.
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds timeout = 30s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

std::size_t count_of(const FakeTwsGateway& gateway, const std::string& id) {
  std::size_t count = 0;
  for (const Fields& message : gateway.received()) count += message.front() == id ? 1 : 0;
  return count;
}

}  // namespace

TEST_CASE("TwsClient connects, starts the API and reports readiness", "[data][tws]") {
  FakeTwsGateway gateway;
  std::unique_ptr<TwsClient> client = connect_to(gateway);
  // The farm notices follow readiness; they are kept as last_error, not treated as errors.
  REQUIRE(eventually([&] {
    const TwsConnectionState state = client->state();
    return state.last_error && state.last_error->code == 2158;
  }));
  const TwsConnectionState state = client->state();
  CHECK(state.connected);
  CHECK(state.server_version == 187);
  CHECK(state.connection_time == "20250131 16:00:00 US/Eastern");
  CHECK(state.accounts == std::vector<std::string>{"DU1234567", "DU7654321"});
  CHECK(state.last_disconnect.empty());
  CHECK(state.reconnects == 0);

  const std::vector<Fields> received = gateway.received();
  REQUIRE(received.size() >= 2);
  CHECK(received[0] == Fields{"v100..187"});
  CHECK(received[1] == Fields{"71", "2", "7", ""});

  const Json json = state.to_json(client->options());
  CHECK(json.get_bool("connected") == true);
  CHECK(json.get_int("server_version") == 187);
  CHECK(json.get_int("port") == gateway.port());
  CHECK(json.get_int("client_id") == 7);
  CHECK(json.at("last_error").get_int("code") == 2158);
  CHECK(json.get_int("reconnects") == 0);
}

TEST_CASE("TwsClient accepts a lower server version and IB Gateway's quiet start", "[data][tws]") {
  FakeTwsScript script;
  script.server_version = 176;
  script.farm_notices = false;
  script.connection_time = "20240308 13:30:34 Greenwich Mean Time";
  script.contracts["AAPL"] = {aapl_details()};
  FakeTwsGateway gateway(script);
  std::unique_ptr<TwsClient> client = connect_to(gateway);
  CHECK(client->state().server_version == 176);
  CHECK_FALSE(client->state().last_error);
  Result<std::vector<TwsContractDetails>> details =
      client->contract_details(stock("AAPL"), CancellationToken());
  REQUIRE(details.ok());
  CHECK(details->size() == 1);
  Result<TwsHistoricalData> bars = client->historical_data(bars_of("AAPL"), CancellationToken());
  REQUIRE(bars.ok());
  CHECK(bars->bars.size() == 24);
}

TEST_CASE("TwsClient refuses a server version outside the offered range", "[data][tws]") {
  FakeTwsScript script;
  script.server_version = GENERATE(99, 190, 201);
  FakeTwsGateway gateway(script);
  Result<std::unique_ptr<TwsClient>> client =
      TwsClient::connect(options_for(gateway), CancellationToken());
  REQUIRE_FALSE(client.ok());
  CHECK(client.error().code == ErrorCode::kMalformedResponse);
  CHECK(count_of(gateway, "71") == 0);  // no startApi after a refused ack
}

TEST_CASE("TwsClient follows one redirect", "[data][tws]") {
  FakeTwsGateway target;
  FakeTwsScript script;
  script.handshake = FakeTwsScript::Handshake::kRedirect;
  script.redirect_to = "127.0.0.1:" + std::to_string(target.port());
  FakeTwsGateway redirector(script);

  SECTION("to a gateway that answers") {
    std::unique_ptr<TwsClient> client = connect_to(redirector);
    CHECK(client->state().connected);
    CHECK(target.wait_for_message("71"));
    CHECK(count_of(redirector, "71") == 0);
    Result<TwsHistoricalData> bars = client->historical_data(bars_of("AAPL"), CancellationToken());
    REQUIRE(bars.ok());
    CHECK(count_of(target, "20") == 1);
  }
  SECTION("but not a second one") {
    FakeTwsScript again = script;
    again.redirect_to = "127.0.0.1:" + std::to_string(redirector.port());
    FakeTwsGateway first(again);
    Result<std::unique_ptr<TwsClient>> client =
        TwsClient::connect(options_for(first), CancellationToken());
    REQUIRE_FALSE(client.ok());
    CHECK(client.error().code == ErrorCode::kUnavailable);
  }
}

TEST_CASE("TwsClient fails to connect as the header says", "[data][tws]") {
  SECTION("a silent server times out within connect_timeout") {
    FakeTwsScript script;
    script.handshake = FakeTwsScript::Handshake::kSilent;
    FakeTwsGateway gateway(script);
    TwsClientOptions options = options_for(gateway);
    options.connect_timeout = 200ms;
    Result<std::unique_ptr<TwsClient>> client = TwsClient::connect(options, CancellationToken());
    REQUIRE_FALSE(client.ok());
    CHECK(client.error().code == ErrorCode::kTimeout);
    CHECK(gateway.wait_for_message("v100..187"));
  }
  SECTION("nothing listening is kConnectionRefused naming host:port") {
    TwsClientOptions options;
    {
      FakeTwsGateway closed;
      options = options_for(closed);
      closed.stop();
    }
    Result<std::unique_ptr<TwsClient>> client = TwsClient::connect(options, CancellationToken());
    REQUIRE_FALSE(client.ok());
    CHECK(client.error().code == ErrorCode::kConnectionRefused);
    CHECK_THAT(client.error().message,
               Catch::Contains("127.0.0.1:" + std::to_string(options.port)));
    CHECK(is_transient(client.error()));
  }
  SECTION("a socket closed after the ack (client id in use) is kUnavailable") {
    FakeTwsScript script;
    script.handshake = FakeTwsScript::Handshake::kCloseAfterAck;
    FakeTwsGateway gateway(script);
    Result<std::unique_ptr<TwsClient>> client =
        TwsClient::connect(options_for(gateway), CancellationToken());
    REQUIRE_FALSE(client.ok());
    CHECK(client.error().code == ErrorCode::kUnavailable);
    CHECK_THAT(client.error().message, Catch::Contains("326"));
  }
  SECTION("cancelling the token ends a connect in progress") {
    FakeTwsScript script;
    script.handshake = FakeTwsScript::Handshake::kSilent;
    FakeTwsGateway gateway(script);
    CancellationSource source;
    auto connecting = std::async(std::launch::async, [&] {
      return TwsClient::connect(options_for(gateway), source.token());
    });
    REQUIRE(gateway.wait_for_message("v100..187"));
    source.cancel();
    Result<std::unique_ptr<TwsClient>> client = connecting.get();
    REQUIRE_FALSE(client.ok());
    CHECK(client.error().code == ErrorCode::kCancelled);
  }
}

TEST_CASE("TwsClient reads contract details", "[data][tws]") {
  FakeTwsScript script;
  TwsContractDetails second = aapl_details();
  second.contract.con_id = 38708077;
  second.contract.primary_exchange = "MEXI";
  script.contracts["AAPL"] = {aapl_details(), second};
  FakeTwsGateway gateway(script);
  std::unique_ptr<TwsClient> client = connect_to(gateway);

  SECTION("every contractData until contractDataEnd") {
    Result<std::vector<TwsContractDetails>> details =
        client->contract_details(stock("AAPL"), CancellationToken());
    REQUIRE(details.ok());
    REQUIRE(details->size() == 2);
    const TwsContractDetails& first = details->front();
    CHECK(first.contract.con_id == 265598);
    CHECK(first.contract.symbol == "AAPL");
    CHECK(first.contract.primary_exchange == "NASDAQ");
    CHECK(first.long_name == "APPLE INC");
    CHECK(first.min_tick == Approx(0.01));
    CHECK(first.time_zone_id == "US/Eastern");
    CHECK(first.liquid_hours == "20250324:0930-20250324:1600;20250325:CLOSED");
    CHECK(details->back().contract.con_id == 38708077);
    const std::optional<Fields> sent = gateway.wait_for_message("9");
    REQUIRE(sent);
    CHECK((*sent)[1] == "8");
    CHECK((*sent)[4] == "AAPL");
  }
  SECTION("an unknown contract is IB's no security definition") {
    Result<std::vector<TwsContractDetails>> details =
        client->contract_details(stock("NOPE"), CancellationToken());
    REQUIRE_FALSE(details.ok());
    CHECK(details.error().code == ErrorCode::kNotFound);
    CHECK(ib_error_kind(details.error()) == IbErrorKind::kNoSecurityDefinition);
  }
}

TEST_CASE("TwsClient reads the head timestamp, then cancels it at TWS", "[data][tws]") {
  SECTION("in epoch seconds") {
    FakeTwsGateway gateway;
    std::unique_ptr<TwsClient> client = connect_to(gateway);
    Result<sys_seconds> head =
        client->head_timestamp(stock("AAPL"), "TRADES", true, CancellationToken());
    REQUIRE(head.ok());
    CHECK(head->time_since_epoch().count() == 345479400);
    const std::optional<Fields> asked = gateway.wait_for_message("87");
    REQUIRE(asked);
    CHECK(asked->back() == "2");  // formatDate
    CHECK((*asked)[asked->size() - 2] == "TRADES");
    const std::optional<Fields> cancelled = gateway.wait_for_message("90");
    REQUIRE(cancelled);
    CHECK(*cancelled == Fields{"90", (*asked)[1]});
  }
  SECTION("without a zone, in the zone of TWS's connection time") {
    FakeTwsScript script;
    script.head_timestamp = "20220329  08:00:00";
    const bool eastern = GENERATE(true, false);
    script.connection_time = eastern ? "20250131 16:00:00 US/Eastern" : "20250131 16:00:00";
    FakeTwsGateway gateway(script);
    std::unique_ptr<TwsClient> client = connect_to(gateway);
    Result<sys_seconds> head =
        client->head_timestamp(stock("AAPL"), "TRADES", true, CancellationToken());
    REQUIRE(head.ok());
    // 2022-03-29 is in EDT (UTC-4); without a zone the clock is read as UTC.
    const sys_seconds expected =
        sys_days{std::chrono::year{2022} / 3 / 29} + std::chrono::hours{eastern ? 12 : 8};
    CHECK(*head == expected);
  }
}

TEST_CASE("TwsClient reads historical bars", "[data][tws]") {
  FakeTwsScript script;
  const auto writes =
      GENERATE(FakeTwsScript::Writes::kFramePerWrite, FakeTwsScript::Writes::kByteByByte,
               FakeTwsScript::Writes::kCoalesced);
  script.writes = writes;
  const sys_seconds now = script.now;  // 2025-01-31 21:00 UTC

  SECTION("hourly bars in epoch seconds, with every value") {
    FakeTwsGateway gateway(script);
    std::unique_ptr<TwsClient> client = connect_to(gateway);
    Result<TwsHistoricalData> data = client->historical_data(bars_of("AAPL"), CancellationToken());
    REQUIRE(data.ok());
    REQUIRE(data->bars.size() == 24);
    CHECK(data->start == now - 24h);
    CHECK(data->end == now);
    const TwsBar& first = data->bars.front();
    CHECK(first.time == now - 24h);
    CHECK(first.open == 100.0);
    CHECK(first.high == 102.0);
    CHECK(first.low == 99.0);
    CHECK(first.close == 101.0);
    CHECK(first.volume == 1000.0);
    CHECK(first.wap == 100.5);
    CHECK(first.bar_count == 10);
    const TwsBar& last = data->bars.back();
    CHECK(last.time == now - 1h);
    CHECK(last.open == 123.0);
    CHECK(last.bar_count == 33);

    const std::optional<Fields> sent = gateway.wait_for_message("20");
    REQUIRE(sent);
    CHECK(*sent == Fields{"20",     std::to_string(data->req_id),
                          "0",      "AAPL",
                          "STK",    "",
                          "0.0",    "",
                          "",       "SMART",
                          "",       "USD",
                          "",       "",
                          "0",      "",
                          "1 hour", "1 D",
                          "1",      "TRADES",
                          "2",      "0",
                          ""});
  }
  SECTION("daily bars dated yyyymmdd, with a fixed end") {
    FakeTwsGateway gateway(script);
    std::unique_ptr<TwsClient> client = connect_to(gateway);
    TwsHistoricalDataRequest request = bars_of("AAPL", "5 D", "1 day");
    request.end_date_time = format_end_date_time(now - 24h);
    Result<TwsHistoricalData> data = client->historical_data(request, CancellationToken());
    REQUIRE(data.ok());
    REQUIRE(data->bars.size() == 5);
    CHECK(data->bars.front().time == sys_days{std::chrono::year{2025} / 1 / 26});
    CHECK(data->bars.back().time == sys_days{std::chrono::year{2025} / 1 / 30});
  }
  SECTION("after a message of the largest size a frame may have") {
    script.answers["BIG"] = FakeTwsAnswer::of(FakeTwsAnswer::Kind::kMaxSizeFrame);
    // 16 MiB one byte at a time would take minutes: in one write instead.
    if (writes == FakeTwsScript::Writes::kByteByByte) {
      script.writes = FakeTwsScript::Writes::kCoalesced;
    }
    FakeTwsGateway gateway(script);
    std::unique_ptr<TwsClient> client = connect_to(gateway);
    Result<TwsHistoricalData> data = client->historical_data(bars_of("BIG"), CancellationToken());
    REQUIRE(data.ok());
    CHECK(data->bars.size() == 24);
    CHECK(client->state().connected);
  }
  SECTION("a zone-less header read in the zone of TWS's connection time") {
    script.zoneless_header_offset = -5h;  // US/Eastern in January
    FakeTwsGateway gateway(script);
    std::unique_ptr<TwsClient> client = connect_to(gateway);
    Result<TwsHistoricalData> data = client->historical_data(bars_of("AAPL"), CancellationToken());
    REQUIRE(data.ok());
    CHECK(data->start == now - 24h);
    CHECK(data->end == now);
  }
}

TEST_CASE("TwsClient maps TWS's errors to the data domain's", "[data][tws]") {
  struct Case {
    FakeTwsAnswer answer;
    ErrorCode code;
    std::optional<IbErrorKind> kind;
    bool transient;
  };
  const Case c = GENERATE(values<Case>(
      {Case{FakeTwsAnswer::no_data(), ErrorCode::kNotFound, IbErrorKind::kNoData, false},
       Case{FakeTwsAnswer::pacing(), ErrorCode::kUnavailable, IbErrorKind::kPacingViolation, true},
       Case{FakeTwsAnswer::error(162,
                                 "Historical Market Data Service error message:invalid step: 1"),
            ErrorCode::kInvalidArgument, IbErrorKind::kInvalidRequest, false},
       Case{FakeTwsAnswer::error(200, "No security definition has been found for the request"),
            ErrorCode::kNotFound, IbErrorKind::kNoSecurityDefinition, false},
       Case{FakeTwsAnswer::error(321, "Error validating request.-'bK' : cause - What to show"),
            ErrorCode::kInvalidArgument, IbErrorKind::kInvalidRequest, false},
       Case{FakeTwsAnswer::error(366, "No historical data query found for ticker id:1"),
            ErrorCode::kInvalidArgument, IbErrorKind::kInvalidRequest, false},
       Case{FakeTwsAnswer::error(
                322, "Error processing request:Only 50 simultaneous API historical data requests"),
            ErrorCode::kUnavailable, std::nullopt, true},
       Case{FakeTwsAnswer::error(354, "Requested market data is not subscribed."),
            ErrorCode::kForbidden, std::nullopt, false},
       Case{FakeTwsAnswer::error(10167, "Requested market data is not subscribed. Delayed"),
            ErrorCode::kForbidden, std::nullopt, false},
       Case{FakeTwsAnswer::error(10168, "Requested market data is not subscribed. No delayed"),
            ErrorCode::kForbidden, std::nullopt, false},
       Case{FakeTwsAnswer::error(9999, "Something new"), ErrorCode::kInternal, std::nullopt,
            false}}));
  FakeTwsScript script;
  script.answers["AAPL"] = c.answer;
  FakeTwsGateway gateway(script);
  std::unique_ptr<TwsClient> client = connect_to(gateway);
  INFO("IB " << c.answer.code << ": " << c.answer.text);

  Result<TwsHistoricalData> data = client->historical_data(bars_of("AAPL"), CancellationToken());
  REQUIRE_FALSE(data.ok());
  CHECK(data.error().code == c.code);
  CHECK(ib_error_kind(data.error()) == c.kind);
  CHECK(is_transient(data.error()) == c.transient);
  CHECK(data.error().get("tws_code") == std::to_string(c.answer.code));
  CHECK(data.error().get("ib_code") == std::to_string(c.kind ? ib_code(*c.kind) : c.answer.code));
  CHECK_THAT(data.error().message, Catch::Contains(c.answer.text));
  REQUIRE(client->state().last_error);
  CHECK(client->state().last_error->code == c.answer.code);
  CHECK(client->state().connected);

  // The same for the other two requests.
  Result<sys_seconds> head =
      client->head_timestamp(stock("AAPL"), "TRADES", true, CancellationToken());
  REQUIRE_FALSE(head.ok());
  CHECK(head.error().code == c.code);
}

TEST_CASE("TwsClient fails requests in flight when TWS loses IB (1100)", "[data][tws]") {
  FakeTwsScript script;
  script.answers["LOST"] =
      FakeTwsAnswer::error(1100, "Connectivity between IB and Trader Workstation has been lost.");
  FakeTwsGateway gateway(script);
  std::unique_ptr<TwsClient> client = connect_to(gateway);
  Result<TwsHistoricalData> data = client->historical_data(bars_of("LOST"), CancellationToken());
  REQUIRE_FALSE(data.ok());
  CHECK(data.error().code == ErrorCode::kUnavailable);
  CHECK(is_transient(data.error()));
  // Until TWS reports 1101/1102, later requests fail at once.
  Result<TwsHistoricalData> later = client->historical_data(bars_of("AAPL"), CancellationToken());
  REQUIRE_FALSE(later.ok());
  CHECK(later.error().code == ErrorCode::kUnavailable);
  CHECK(count_of(gateway, "20") == 1);
}

TEST_CASE("TwsClient cancels a request in flight at TWS", "[data][tws]") {
  FakeTwsScript script;
  script.answers["SILENT"] = FakeTwsAnswer::of(FakeTwsAnswer::Kind::kSilence);
  FakeTwsGateway gateway(script);
  std::unique_ptr<TwsClient> client = connect_to(gateway);
  CancellationSource source;
  auto pending = std::async(std::launch::async, [&] {
    return client->historical_data(bars_of("SILENT"), source.token());
  });
  const std::optional<Fields> sent = gateway.wait_for_message("20");
  REQUIRE(sent);
  source.cancel();
  Result<TwsHistoricalData> data = pending.get();
  REQUIRE_FALSE(data.ok());
  CHECK(data.error().code == ErrorCode::kCancelled);
  const std::optional<Fields> cancel = gateway.wait_for_message("25");
  REQUIRE(cancel);
  CHECK(*cancel == Fields{"25", "1", (*sent)[1]});

  // TWS's 162 "query cancelled" is ignored: a later request answers, and last_error is not it.
  Result<TwsHistoricalData> later = client->historical_data(bars_of("AAPL"), CancellationToken());
  REQUIRE(later.ok());
  CHECK(later->req_id != std::stoi((*sent)[1]));
  REQUIRE(client->state().last_error);
  CHECK(client->state().last_error->code == 2158);

  SECTION("a token cancelled before the call sends nothing") {
    Result<TwsHistoricalData> none = client->historical_data(bars_of("AAPL"), source.token());
    REQUIRE_FALSE(none.ok());
    CHECK(none.error().code == ErrorCode::kCancelled);
    CHECK(count_of(gateway, "20") == 2);
  }
}

TEST_CASE("TwsClient times a request out and cancels it at TWS", "[data][tws]") {
  FakeTwsScript script;
  script.answers["SILENT"] = FakeTwsAnswer::of(FakeTwsAnswer::Kind::kSilence);
  FakeTwsGateway gateway(script);
  TwsClientOptions options = options_for(gateway);
  options.request_timeout = 200ms;
  std::unique_ptr<TwsClient> client = connect_with(options);

  SECTION("historical data: cancelHistoricalData") {
    Result<TwsHistoricalData> data =
        client->historical_data(bars_of("SILENT"), CancellationToken());
    REQUIRE_FALSE(data.ok());
    CHECK(data.error().code == ErrorCode::kTimeout);
    CHECK(is_transient(data.error()));
    const std::optional<Fields> sent = gateway.wait_for_message("20");
    const std::optional<Fields> cancel = gateway.wait_for_message("25");
    REQUIRE(sent);
    REQUIRE(cancel);
    CHECK((*cancel)[2] == (*sent)[1]);
  }
  SECTION("head timestamp: cancelHeadTimestamp") {
    Result<sys_seconds> head =
        client->head_timestamp(stock("SILENT"), "TRADES", true, CancellationToken());
    REQUIRE_FALSE(head.ok());
    CHECK(head.error().code == ErrorCode::kTimeout);
    REQUIRE(gateway.wait_for_message("90"));
  }
  SECTION("contract details: nothing to cancel") {
    Result<std::vector<TwsContractDetails>> details =
        client->contract_details(stock("SILENT"), CancellationToken());
    REQUIRE_FALSE(details.ok());
    CHECK(details.error().code == ErrorCode::kTimeout);
  }
  // The connection survives.
  CHECK(client->state().connected);
  Result<TwsHistoricalData> later = client->historical_data(bars_of("AAPL"), CancellationToken());
  CHECK(later.ok());
}

TEST_CASE("TwsClient survives a connection dropped mid-response", "[data][tws]") {
  FakeTwsScript script;
  script.answers["DROP"] = FakeTwsAnswer::of(FakeTwsAnswer::Kind::kDropMidResponse);
  FakeTwsGateway gateway(script);
  TwsClientOptions options = options_for(gateway);

  SECTION("reconnecting after the backoff") {
    options.reconnect_initial_backoff = 50ms;
    options.reconnect_max_backoff = 200ms;
    std::unique_ptr<TwsClient> client = connect_with(options);
    Result<TwsHistoricalData> data = client->historical_data(bars_of("DROP"), CancellationToken());
    REQUIRE_FALSE(data.ok());
    CHECK(data.error().code == ErrorCode::kUnavailable);
    CHECK(is_transient(data.error()));
    CHECK_THAT(data.error().message,
               Catch::Contains("127.0.0.1:" + std::to_string(gateway.port())));
    REQUIRE(eventually([&] { return client->state().connected; }));
    const TwsConnectionState state = client->state();
    CHECK(state.reconnects == 1);
    CHECK_FALSE(state.last_disconnect.empty());
    CHECK(gateway.connections() == 2);
    Result<TwsHistoricalData> later = client->historical_data(bars_of("AAPL"), CancellationToken());
    REQUIRE(later.ok());
    CHECK(later->bars.size() == 24);
  }
  SECTION("without reconnecting, requests fail at once") {
    std::unique_ptr<TwsClient> client = connect_with(options);
    Result<TwsHistoricalData> data = client->historical_data(bars_of("DROP"), CancellationToken());
    REQUIRE_FALSE(data.ok());
    CHECK(data.error().code == ErrorCode::kUnavailable);
    const TwsConnectionState state = client->state();
    CHECK_FALSE(state.connected);
    CHECK_THAT(state.last_disconnect, Catch::Contains("127.0.0.1"));
    Result<TwsHistoricalData> later = client->historical_data(bars_of("AAPL"), CancellationToken());
    REQUIRE_FALSE(later.ok());
    CHECK(later.error().code == ErrorCode::kUnavailable);
    CHECK(count_of(gateway, "20") == 1);
    CHECK(gateway.connections() == 1);
  }
  SECTION("the gateway gone, the client is destroyed promptly while it backs off") {
    options.reconnect_initial_backoff = 10min;
    std::unique_ptr<TwsClient> client = connect_with(options);
    Result<TwsHistoricalData> data = client->historical_data(bars_of("DROP"), CancellationToken());
    REQUIRE_FALSE(data.ok());
    client.reset();  // would wait 10 minutes if the backoff could not be interrupted
    CHECK(gateway.connections() == 1);
  }
}

TEST_CASE("TwsClient matches concurrent requests by request id", "[data][tws]") {
  FakeTwsScript script;
  script.answers["SLOW"].delay = 300ms;  // answered after the others
  FakeTwsGateway gateway(script);
  std::unique_ptr<TwsClient> client = connect_to(gateway);

  auto slow = std::async(std::launch::async, [&] {
    return client->historical_data(bars_of("SLOW", "1 D"), CancellationToken());
  });
  REQUIRE(gateway.wait_for_message("20"));
  std::vector<std::future<Result<TwsHistoricalData>>> fast;
  for (int days = 2; days <= 5; ++days) {
    fast.push_back(std::async(std::launch::async, [&, days] {
      return client->historical_data(bars_of("FAST", std::to_string(days) + " D"),
                                     CancellationToken());
    }));
  }
  for (std::size_t i = 0; i < fast.size(); ++i) {
    Result<TwsHistoricalData> data = fast[i].get();
    REQUIRE(data.ok());
    CHECK(data->bars.size() == 24 * (i + 2));
  }
  Result<TwsHistoricalData> data = slow.get();
  REQUIRE(data.ok());
  CHECK(data->bars.size() == 24);
}

TEST_CASE("TwsClient's destruction cancels the requests in flight", "[data][tws]") {
  FakeTwsScript script;
  script.answers["SILENT"] = FakeTwsAnswer::of(FakeTwsAnswer::Kind::kSilence);
  FakeTwsGateway gateway(script);
  std::unique_ptr<TwsClient> client = connect_to(gateway);
  auto pending = std::async(std::launch::async, [&] {
    return client->historical_data(bars_of("SILENT"), CancellationToken());
  });
  REQUIRE(gateway.wait_for_message("20"));
  client.reset();
  Result<TwsHistoricalData> data = pending.get();
  REQUIRE_FALSE(data.ok());
  CHECK(data.error().code == ErrorCode::kCancelled);
}

}  // namespace ktrdr::data::tws
