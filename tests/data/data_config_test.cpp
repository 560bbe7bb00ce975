// DataConfig: the tws provider's settings from the config file and from the environment `ktrdr
// serve --provider --tws-host --tws-port --client-id` sets, and the errors naming each.
#include "data_config.hpp"

#include <catch2/catch.hpp>
#include <map>

#include "temp_dir.hpp"
#include "tws_bar_provider.hpp"

using namespace ktrdr;
using namespace ktrdr::data;
using Catch::Matchers::Contains;

namespace {

EnvLookup env_of(std::map<std::string, std::string> values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    const auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

}  // namespace

TEST_CASE("the tws settings default to IB Gateway paper on this machine", "[data][config]") {
  const DataConfig config = DataConfig::load(env_of({})).value();
  CHECK(config.provider == "csv-archive");
  CHECK(config.tws.host == "127.0.0.1");
  CHECK(config.tws.port == 4002);
  CHECK(config.tws.client_id == 1);
  CHECK_FALSE(config.tws.use_rth);
  const auto provider = config.make_provider("tws").value();
  CHECK(provider->name() == "tws");
  CHECK(provider->pacing_limits({}).value() == PacingLimits::interactive_brokers());
}

TEST_CASE("the environment sets the provider and where TWS is", "[data][config]") {
  const DataConfig config = DataConfig::load(env_of({{"KTRDR_DATA_PROVIDER", "tws"},
                                                     {"KTRDR_TWS_HOST", "gateway.local"},
                                                     {"KTRDR_TWS_PORT", "7497"},
                                                     {"KTRDR_TWS_CLIENT_ID", "17"}}))
                                .value();
  CHECK(config.provider == "tws");
  CHECK(config.tws.host == "gateway.local");
  CHECK(config.tws.port == 7497);
  CHECK(config.tws.client_id == 17);

  const auto error_of = [](std::map<std::string, std::string> values) {
    auto loaded = DataConfig::load(env_of(std::move(values)));
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == ErrorCode::kInvalidArgument);
    return loaded.error();
  };
  const Error provider = error_of({{"KTRDR_DATA_PROVIDER", "ib"}});
  CHECK(provider.get("field") == "KTRDR_DATA_PROVIDER");
  CHECK_THAT(provider.message, Contains("csv-archive, synthetic or tws, got \"ib\""));
  CHECK(error_of({{"KTRDR_TWS_PORT", "0"}}).get("field") == "KTRDR_TWS_PORT");
  CHECK(error_of({{"KTRDR_TWS_PORT", "4002x"}}).get("value") == "4002x");
  CHECK(error_of({{"KTRDR_TWS_CLIENT_ID", "-1"}}).get("field") == "KTRDR_TWS_CLIENT_ID");
}

TEST_CASE("the config file's providers.tws section, checked key by key", "[data][config]") {
  const test::TempDir dir;
  const auto file = dir.write("data.yaml",
                              "provider: tws\n"
                              "providers:\n"
                              "  tws: {host: 10.0.0.5, port: 4001, client_id: 3, use_rth: true,\n"
                              "        connect_timeout: 5, request_timeout: 120,\n"
                              "        reconnect_max_backoff: 4}\n");
  const DataConfig config = DataConfig::from_file(file).value();
  CHECK(config.provider == "tws");
  CHECK(config.tws.host == "10.0.0.5");
  CHECK(config.tws.port == 4001);
  CHECK(config.tws.client_id == 3);
  CHECK(config.tws.use_rth);
  CHECK(config.tws.connect_timeout_seconds == 5);
  CHECK(config.tws.request_timeout_seconds == 120);
  CHECK(config.tws.reconnect_max_backoff_seconds == 4);
  // The environment wins over the file.
  const DataConfig overridden =
      DataConfig::load(env_of({{"KTRDR_DATA_CONFIG", file.string()}, {"KTRDR_TWS_PORT", "4002"}}))
          .value();
  CHECK(overridden.tws.port == 4002);
  CHECK(overridden.tws.client_id == 3);

  const auto error_of = [&](std::string_view text) {
    auto read = DataConfig::from_file(dir.write("bad.yaml", text));
    REQUIRE_FALSE(read.ok());
    return read.error();
  };
  CHECK(error_of("providers:\n  tws: {port: 70000}\n").get("field") == "providers.tws.port");
  CHECK(error_of("providers:\n  tws: {client: 3}\n").get("field") == "providers.tws.client");
  const Error timeout = error_of("providers:\n  tws: {request_timeout: 0}\n");
  CHECK(timeout.get("field") == "providers.tws.request_timeout");
  CHECK(timeout.get("line") == "2");
}

TEST_CASE("symbols become IB contracts and data types by instrument", "[data][tws]") {
  const TwsSeriesSpec stock = tws_series_spec("AAPL", Instrument::kStock);
  CHECK(stock.contract.symbol == "AAPL");
  CHECK(stock.contract.sec_type == "STK");
  CHECK(stock.contract.exchange == "SMART");
  CHECK(stock.contract.currency == "USD");
  CHECK(stock.what_to_show == "TRADES");
  const TwsSeriesSpec fx = tws_series_spec("EURUSD", Instrument::kForex);
  CHECK(fx.contract.symbol == "EUR");
  CHECK(fx.contract.sec_type == "CASH");
  CHECK(fx.contract.exchange == "IDEALPRO");
  CHECK(fx.contract.currency == "USD");
  CHECK(fx.what_to_show == "MIDPOINT");
  const TwsSeriesSpec crypto = tws_series_spec("BTCUSDT", Instrument::kCrypto);
  CHECK(crypto.contract.symbol == "BTC");
  CHECK(crypto.contract.sec_type == "CRYPTO");
  CHECK(crypto.contract.exchange == "PAXOS");
  CHECK(crypto.what_to_show == "AGGTRADES");
  const TwsSeriesSpec future = tws_series_spec("ESZ5", Instrument::kFuture);
  CHECK(future.contract.local_symbol == "ESZ5");
  CHECK(future.contract.sec_type == "FUT");
}

TEST_CASE("bar sizes and durations are IB's, within its step-size tables", "[data][tws]") {
  using namespace std::chrono;
  CHECK(tws_bar_size(Timeframe::k1m) == "1 min");
  CHECK(tws_bar_size(Timeframe::k15m) == "15 mins");
  CHECK(tws_bar_size(Timeframe::k1h) == "1 hour");
  CHECK(tws_bar_size(Timeframe::k4h) == "4 hours");
  CHECK(tws_bar_size(Timeframe::k1d) == "1 day");
  CHECK(tws_bar_size(Timeframe::k1w) == "1 week");
  CHECK(tws_duration(Timeframe::k1h, days(30)) == "30 D");
  CHECK(tws_duration(Timeframe::k1h, hours(25)) == "2 D");
  CHECK(tws_duration(Timeframe::k1m, minutes(5)) == "1 D");
  CHECK(tws_duration(Timeframe::k4h, days(120)) == "18 W");
  CHECK(tws_duration(Timeframe::k1d, days(365)) == "365 D");
  CHECK(tws_duration(Timeframe::k1w, days(730)) == "2 Y");
}
