// TwsBarProvider over a fake IB Gateway: symbols resolved to contracts by instrument (a future by
// its local symbol when IB knows no such stock), the data type and request IB gets, the bars kept
// to the requested range, the errors, and health.
#include "tws_bar_provider.hpp"

#include <catch2/catch.hpp>

#include "fake_tws_gateway.hpp"
#include "ib_error.hpp"

using namespace ktrdr;
using namespace ktrdr::data;
using namespace ktrdr::data::tws;
using namespace ktrdr::data::tws::testing;
using namespace std::chrono;
using Catch::Matchers::Contains;

namespace {

TwsContractDetails details_of(std::int64_t con_id, std::string symbol, std::string sec_type,
                              std::string exchange, std::string local_symbol,
                              std::string long_name) {
  TwsContractDetails details;
  details.contract = {.con_id = con_id,
                      .symbol = std::move(symbol),
                      .sec_type = std::move(sec_type),
                      .exchange = std::move(exchange),
                      .currency = "USD",
                      .local_symbol = std::move(local_symbol)};
  details.long_name = std::move(long_name);
  return details;
}

FakeTwsScript script() {
  FakeTwsScript s;
  s.contracts["AAPL"] = {details_of(265598, "AAPL", "STK", "SMART", "AAPL", "APPLE INC")};
  s.contracts["EUR"] = {
      details_of(12087792, "EUR", "CASH", "IDEALPRO", "EUR.USD", "European Monetary Union Euro")};
  s.contracts["ESZ5"] = {details_of(495512563, "ES", "FUT", "CME", "ESZ5", "E-mini S&P 500")};
  return s;
}

TwsProviderOptions options_for(const FakeTwsGateway& gateway) {
  return {.client = {.port = gateway.port(), .client_id = 5, .connect_timeout = seconds(5)}};
}

// The fields of the last message `id` the gateway received.
Fields last_sent(const FakeTwsGateway& gateway, const std::string& id) {
  Fields found;
  for (const Fields& message : gateway.received()) {
    if (!message.empty() && message[0] == id) found = message;
  }
  REQUIRE_FALSE(found.empty());
  return found;
}

}  // namespace

TEST_CASE("TwsBarProvider resolves symbols to IB contracts by instrument, once", "[data][tws]") {
  FakeTwsGateway gateway(script());
  TwsBarProvider provider(options_for(gateway));
  const CancellationToken token;

  const ContractInfo aapl = provider.contract("AAPL", token).value();
  CHECK(aapl.instrument == Instrument::kStock);
  CHECK(aapl.description == "APPLE INC (IB conId 265598, SMART)");
  const Fields asked = last_sent(gateway, "9");
  CHECK(asked[4] == "AAPL");
  CHECK(asked[5] == "STK");
  CHECK(asked[10] == "SMART");

  const ContractInfo eurusd = provider.contract("EURUSD", token).value();
  CHECK(eurusd.instrument == Instrument::kForex);
  CHECK(last_sent(gateway, "9")[5] == "CASH");
  CHECK(last_sent(gateway, "9")[10] == "IDEALPRO");

  SECTION("a future by its local symbol, once IB knows no such stock") {
    const ContractInfo future = provider.contract("ESZ5", token).value();
    CHECK(future.instrument == Instrument::kFuture);
    CHECK(future.description == "E-mini S&P 500 (IB conId 495512563, CME)");
    const Fields by_local = last_sent(gateway, "9");
    CHECK(by_local[5] == "FUT");
    CHECK(by_local[13] == "ESZ5");
  }
  SECTION("cached: asking again sends nothing") {
    const std::size_t before = gateway.received().size();
    CHECK(provider.contract("AAPL", token).ok());
    CHECK(provider.head_timestamp("AAPL", Timeframe::k1h, token).ok());
    REQUIRE(gateway.wait_for_count("90", 1) == 1);  // the cancel follows the answer
    const auto sent = gateway.received();
    REQUIRE(sent.size() == before + 2);  // the head timestamp request and its cancel only
    CHECK(sent[before][0] == "87");
    CHECK(sent[before][2] == "265598");  // by conId
    CHECK(sent[before + 1] == Fields{"90", sent[before][1]});
  }
  SECTION("an unknown symbol is IB 200") {
    auto unknown = provider.contract("ZZZZ", token);
    REQUIRE_FALSE(unknown.ok());
    CHECK(ib_error_kind(unknown.error()) == IbErrorKind::kNoSecurityDefinition);
  }
}

TEST_CASE("TwsBarProvider asks one request per range and keeps its bars", "[data][tws]") {
  FakeTwsGateway gateway(script());
  TwsBarProvider provider(options_for(gateway));
  const CancellationToken token;
  const sys_seconds to = sys_days{year{2025} / January / 10} + hours{12};
  const HistoricalRequest request{
      .symbol = "EURUSD", .timeframe = Timeframe::k1h, .from = to - days(2) - hours(5), .to = to};
  const BarSeries bars = provider.historical(request, token).value();
  const Fields sent = last_sent(gateway, "20");
  CHECK(sent[2] == "12087792");            // the conId
  CHECK(sent[15] == "20250110-12:00:00");  // endDateTime: the range's end in UTC
  CHECK(sent[16] == "1 hour");
  CHECK(sent[17] == "3 D");  // covering 53 hours
  CHECK(sent[19] == "MIDPOINT");
  CHECK(sent[20] == "2");  // formatDate: epoch seconds
  // The fake answers 72 bars back from the end: those before `from` are dropped.
  REQUIRE(bars.size() == 53);
  CHECK(bars.timestamps().front() == request.from);
  CHECK(bars.timestamps().back() == to - hours(1));
  CHECK(provider.pacing_limits(token).value() == PacingLimits::interactive_brokers());

  SECTION("an empty range or one longer than IB serves is IB 321 before anything is sent") {
    const std::size_t before = gateway.received().size();
    HistoricalRequest longer = request;
    longer.from = to - days(31);
    auto refused = provider.historical(longer, token);
    REQUIRE_FALSE(refused.ok());
    CHECK(ib_error_kind(refused.error()) == IbErrorKind::kInvalidRequest);
    CHECK(gateway.received().size() == before);
  }
}

TEST_CASE("TwsBarProvider's health is the connection's state", "[data][tws]") {
  FakeTwsGateway gateway(script());
  TwsBarProvider provider(options_for(gateway));
  const Json health = provider.health();
  CHECK(health.get_bool("ok") == true);
  CHECK(health.get_string("source") == "tws");
  CHECK(health.get_int("server_version") == 187);
  CHECK(health.get_int("client_id") == 5);

  SECTION("nothing listening: not ok, saying why") {
    const std::uint16_t port = gateway.port();
    gateway.stop();
    TwsBarProvider orphan({.client = {.port = port, .reconnect_initial_backoff = {}}});
    const Json down = orphan.health();
    CHECK(down.get_bool("ok") == false);
    CHECK_THAT(down.get_string("last_disconnect").value_or(""), Contains("IB 502"));
  }
}
