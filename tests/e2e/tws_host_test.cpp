// The tws provider end to end with real processes: `ktrdr serve --plugin data --provider tws`
// against a fake IB Gateway (tests/data/fake_tws_gateway.hpp) on loopback, `ktrdr run` loading
// two years of 1h bars through it in IB-sized segments, and `ktrdr ib check`.
#include <catch2/catch.hpp>
#include "fake_tws_gateway.hpp"
#include "ktrdr/sdk/csv_bar_store.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "data_plugin_run.hpp"
#include "ktrdr_server.hpp"

using namespace ktrdr;
using namespace ktrdr::test;
using namespace ktrdr::data::tws;
using namespace ktrdr::data::tws::testing;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

// A gateway that knows BTC on PAXOS (a 24/7 market: the generated round-the-clock bars are
// what its calendar expects).
FakeTwsScript btc_script() {
  FakeTwsScript script;
  TwsContractDetails btc;
  btc.contract = {.con_id = 479624278,
                  .symbol = "BTC",
                  .sec_type = "CRYPTO",
                  .exchange = "PAXOS",
                  .currency = "USD",
                  .local_symbol = "BTC.USD",
                  .trading_class = "BTC"};
  btc.long_name = "Bitcoin";
  btc.time_zone_id = "US/Central";
  script.contracts["BTC"] = {btc};
  return script;
}

std::size_t count_messages(const FakeTwsGateway& gateway, const std::string& id) {
  std::size_t n = 0;
  for (const Fields& message : gateway.received()) n += !message.empty() && message[0] == id;
  return n;
}

}  // namespace

TEST_CASE("ktrdr serve --provider tws serves IB's bars, and a load fills two years in segments",
          "[e2e][data][tws]") {
  FakeTwsGateway gateway(btc_script());
  DataPlugin plugins;
  TempDir work;
  const auto config = work.write("data.yaml", "pacing_speedup: 20\n");
  const std::map<std::string, std::string> server_env = {{"KTRDR_PLUGIN_PATH", ""},
                                                         {"KTRDR_DATA_CONFIG", config.string()}};
  KtrdrServer server(plugins.dir, work.path() / "ops.db",
                     {"--plugin", "data", "--provider", "tws", "--tws-port",
                      std::to_string(gateway.port()), "--client-id", "7"},
                     server_env);

  const CurlResponse health = curl({server.url() + "/health"});
  INFO(health.body);
  REQUIRE(health.status == 200);
  const Json provider = Json::parse(health.body)->at("dependencies").at("data.ib_provider");
  CHECK(provider.get_bool("ok") == true);
  CHECK(provider.get_string("provider") == "tws");
  const Json tws = provider.at("provider_health");
  CHECK(tws.get_bool("connected") == true);
  CHECK(tws.get_int("server_version") == 187);
  CHECK(tws.at("accounts").as_string_array() == std::vector<std::string>{"DU1234567", "DU7654321"});
  CHECK(tws.get_int("client_id") == 7);

  const auto store = work.path() / "store";
  const auto job = work.write("load.yaml",
                              "version: 1\njobs:\n  - name: btc\n    kind: data.load\n"
                              "    params: {symbol: BTCUSD, timeframe: 1h, start: 2023-01-01, "
                              "end: 2025-01-01, data_dir: " +
                                  store.string() + "}\n");
  std::map<std::string, std::string> env = server_env;
  env["USE_IB_HOST_SERVICE"] = "true";
  env["IB_HOST_SERVICE_URL"] = server.url();
  const Completed run =
      run_program(ktrdr_args(plugins.dir, {"run", job.string(), "--progress", "json"}), env);
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  const Json result = finished_event(lines_of(run.out)).at("result");
  CHECK(result.get_string("routing") == "host_service");
  CHECK(result.at("segments").get_int("planned") == 25);  // 731 days in 30-day requests
  CHECK(result.at("segments").get_int("ok") == 25);
  CHECK(result.at("gaps").get_int("left") == 0);

  auto saved = CsvBarStore(store).read("BTCUSD", Timeframe::k1h);
  REQUIRE(saved.ok());
  const auto from = std::chrono::floor<std::chrono::seconds>(*parse_iso8601("2023-01-01"));
  const auto to = std::chrono::floor<std::chrono::seconds>(*parse_iso8601("2025-01-01"));
  REQUIRE(saved->size() == static_cast<std::size_t>((to - from) / 1h));
  for (std::size_t i = 0; i < saved->size(); ++i) {
    REQUIRE(saved->timestamps()[i] == from + std::chrono::hours(static_cast<long>(i)));
  }
  // One contract lookup, 25 historical requests, each as IB wants it.
  CHECK(count_messages(gateway, "9") == 1);
  CHECK(count_messages(gateway, "20") == 25);
  const auto request = gateway.wait_for_message("20");
  REQUIRE(request);
  CHECK((*request)[2] == "479624278");  // the resolved conId
  CHECK((*request)[3] == "BTC");
  CHECK((*request)[4] == "CRYPTO");
  CHECK(server.stop() == 0);
}

TEST_CASE("ktrdr ib check prints what it found, or why it could not connect", "[e2e][data][tws]") {
  FakeTwsGateway gateway(btc_script());
  DataPlugin plugins;
  const std::map<std::string, std::string> env = {{"KTRDR_PLUGIN_PATH", ""}};
  const Completed check = run_program(
      ktrdr_args(plugins.dir, {"ib", "check", "--tws-port", std::to_string(gateway.port()),
                               "--client-id", "9", "--symbol", "BTCUSD", "--progress", "json"}),
      env);
  INFO(check.out << check.err);
  REQUIRE(check.exit_code == 0);
  const Json result = finished_event(lines_of(check.out)).at("result");
  CHECK(result.at("health").get_int("server_version") == 187);
  CHECK(result.at("contract").get_string("description") == "Bitcoin (IB conId 479624278, PAXOS)");
  CHECK(result.get_string("head_timestamp") == "1980-12-12T14:30:00Z");
  const auto start = gateway.wait_for_message("71");
  REQUIRE(start);
  CHECK((*start)[2] == "9");  // the client id asked for

  SECTION("the summary says it in a line") {
    const Completed plain = run_program(
        ktrdr_args(plugins.dir, {"ib", "check", "--tws-port", std::to_string(gateway.port()),
                                 "--symbol", "BTCUSD", "--progress", "plain"}),
        env);
    CHECK(plain.exit_code == 0);
    CHECK_THAT(plain.out, Contains("tws: connected (server version 187, accounts DU1234567 …) · "
                                   "BTCUSD: Bitcoin (IB conId 479624278, PAXOS) · 1h bars from "
                                   "1980-12-12T14:30:00Z"));
  }

  SECTION("nothing listening: exit 1, naming the address") {
    const std::uint16_t port = gateway.port();
    gateway.stop();
    const Completed dead = run_program(
        ktrdr_args(plugins.dir,
                   {"ib", "check", "--tws-port", std::to_string(port), "--progress", "plain"}),
        env);
    CHECK(dead.exit_code == 1);
    CHECK_THAT(dead.out, Contains("provider tws is not reachable: IB 502: couldn't connect to TWS "
                                  "at 127.0.0.1:" +
                                  std::to_string(port)));
    CHECK_THAT(dead.out, Contains("tws: not reachable"));
  }
}
