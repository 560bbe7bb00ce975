// The tws provider end to end with real processes: `ktrdr serve --plugin data --provider tws`
// against a fake IB Gateway (tests/data/fake_tws_gateway.hpp) on loopback, `ktrdr run` loading
// two years of 1h bars through it in IB-sized segments, and `ktrdr ib check`.
#include <signal.h>

#include <catch2/catch.hpp>
#include <thread>

#include "data_plugin_run.hpp"
#include "fake_tws_gateway.hpp"
#include "ktrdr/sdk/csv_bar_store.hpp"
#include "ktrdr/sdk/time_format.hpp"
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

std::filesystem::path write_load_job(const TempDir& work, const std::filesystem::path& store) {
  return work.write("load.yaml",
                    "version: 1\njobs:\n  - name: btc\n    kind: data.load\n"
                    "    params: {symbol: BTCUSD, timeframe: 1h, start: 2023-01-01, "
                    "end: 2025-01-01, data_dir: " +
                        store.string() + "}\n");
}

// btc_script() with historical requests never answered.
FakeTwsScript silent_btc_script() {
  FakeTwsScript script = btc_script();
  script.historical_answers["BTC"] = FakeTwsAnswer::of(FakeTwsAnswer::Kind::kSilence);
  return script;
}

// Ctrl-C to `ktrdr` once its first historical request reached `gateway`: it exits 130 cancelled,
// and the gateway receives cancelHistoricalData for that request.
void interrupt_and_expect_cancel_at_ib(Subprocess& ktrdr, const FakeTwsGateway& gateway) {
  const auto request = gateway.wait_for_message("20");
  REQUIRE(request);
  ktrdr.signal(SIGINT);
  REQUIRE(ktrdr.wait(30s) == 130);
  CHECK(finished_event(ktrdr.out_lines()).get_string("state") == "cancelled");
  const auto cancel = gateway.wait_for_message("25", 10s);
  REQUIRE(cancel);
  CHECK(*cancel == Fields{"25", "1", (*request)[1]});
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
  // 2x: IB's 2 s per-contract window is 1 s here, which 5 requests never outlast even under a
  // sanitizer, so the load must wait (at 20x a slow build's requests outlasted 100 ms windows).
  const auto config = work.write("data.yaml", "pacing_speedup: 2\n");
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
  const auto job = write_load_job(work, store);
  const auto env = routed_env(server_env, server.url());
  const Completed run =
      run_program(ktrdr_args(plugins.dir, {"run", job.string(), "--progress", "json"}), env);
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  const Json result = finished_event(lines_of(run.out)).at("result");
  CHECK(result.get_string("routing") == "host_service");
  CHECK(result.at("segments").get_int("planned") == 25);  // 731 days in 30-day requests
  CHECK(result.at("segments").get_int("ok") == 25);
  CHECK(result.at("gaps").get_int("left") == 0);
  CHECK(result.get_int("pacing_waits") > 0);  // fewer than 6 requests per contract in 2 s
  const CurlResponse stats = curl({server.url() + "/data/stats"});
  REQUIRE(stats.status == 200);
  CHECK(Json::parse(stats.body)->get_int("pacing_violations") == 0);

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

TEST_CASE("Ctrl-C in a load from IB in process cancels the request outstanding at IB",
          "[e2e][data][tws]") {
  FakeTwsGateway gateway(silent_btc_script());
  DataPlugin plugins;
  TempDir work;
  const std::map<std::string, std::string> env = {
      {"KTRDR_PLUGIN_PATH", ""}, {"KTRDR_TWS_PORT", std::to_string(gateway.port())}};
  const auto store = work.path() / "store";
  const auto job = work.write("load.yaml",
                              "version: 1\njobs:\n  - name: btc\n    kind: data.load\n"
                              "    params: {symbol: BTCUSD, timeframe: 1h, provider: tws, "
                              "start: 2024-01-01, end: 2024-03-01, data_dir: " +
                                  store.string() + "}\n");
  Subprocess ktrdr(ktrdr_args(plugins.dir, {"run", job.string(), "--progress", "json"}), env);
  interrupt_and_expect_cancel_at_ib(ktrdr, gateway);
}

TEST_CASE("Ctrl-C in a load through the IB host service cancels the request at IB",
          "[e2e][data][tws]") {
  FakeTwsGateway gateway(silent_btc_script());
  DataPlugin plugins;
  TempDir work;
  const std::map<std::string, std::string> server_env = {{"KTRDR_PLUGIN_PATH", ""}};
  KtrdrServer server(
      plugins.dir, work.path() / "ops.db",
      {"--plugin", "data", "--provider", "tws", "--tws-port", std::to_string(gateway.port())},
      server_env);
  const auto env = routed_env(server_env, server.url());
  Subprocess ktrdr(
      ktrdr_args(plugins.dir, {"run", write_load_job(work, work.path() / "store").string(),
                               "--progress", "json"}),
      env);
  interrupt_and_expect_cancel_at_ib(ktrdr, gateway);
  CHECK(server.stop() == 0);
}

TEST_CASE(
    "a gateway lost mid-load: reconnect attempts, a clear failure with the bars kept, and "
    "after a restart the re-run fetches only what is missing",
    "[e2e][data][tws]") {
  FakeTwsScript script = btc_script();
  script.historical_answers["BTC"].delay = 50ms;
  auto gateway = std::make_unique<FakeTwsGateway>(script);
  const std::uint16_t port = gateway->port();
  DataPlugin plugins;
  TempDir work;
  const auto config = work.write(
      "data.yaml", "pacing_speedup: 20\nproviders:\n  tws: {reconnect_max_backoff: 1}\n");
  const std::map<std::string, std::string> server_env = {{"KTRDR_PLUGIN_PATH", ""},
                                                         {"KTRDR_DATA_CONFIG", config.string()}};
  KtrdrServer server(plugins.dir, work.path() / "ops.db",
                     {"--plugin", "data", "--provider", "tws", "--tws-port", std::to_string(port)},
                     server_env);
  const auto env = routed_env(server_env, server.url());
  const auto store = work.path() / "store";
  const auto job = write_load_job(work, store);

  std::int64_t fetched = 0;
  std::int64_t segments_left = 0;
  {
    Subprocess ktrdr(ktrdr_args(plugins.dir, {"run", job.string(), "--progress", "json"}), env);
    REQUIRE(gateway->wait_for_count("20", 6) >= 6);
    gateway.reset();  // the Gateway goes away mid-load
    REQUIRE(ktrdr.wait(120s) == 1);
    const Json finished = finished_event(ktrdr.out_lines());
    CHECK(finished.get_string("state") == "failed");
    CHECK_THAT(finished.at("error").get_string("message").value_or(""),
               Contains("not connected") && Contains("segments in a row failed"));
    const Json partial = finished.at("result");
    CHECK(partial.get_int("retries") > 0);
    fetched = partial.get_int("bars_fetched").value_or(0);
    REQUIRE(fetched > 0);
    auto saved = CsvBarStore(store).read("BTCUSD", Timeframe::k1h);
    REQUIRE(saved.ok());
    CHECK(static_cast<std::int64_t>(saved->size()) == fetched);
    segments_left = partial.at("segments").get_int("planned").value_or(0) -
                    partial.at("segments").get_int("ok").value_or(0);
  }
  // The Gateway comes back on its port; the service reconnects on its own.
  gateway = std::make_unique<FakeTwsGateway>(script, port);
  const auto health_connected = [&] {
    const CurlResponse health = curl({server.url() + "/health"});
    const auto body = Json::parse(health.body);
    return body.ok() && body->at("dependencies")
                            .at("data.ib_provider")
                            .at("provider_health")
                            .get_bool("connected")
                            .value_or(false);
  };
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!health_connected() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(100ms);  // the test asks /health; nothing notifies it
  }
  REQUIRE(health_connected());
  const Json state = Json::parse(curl({server.url() + "/health"}).body)
                         ->at("dependencies")
                         .at("data.ib_provider")
                         .at("provider_health");
  CHECK(state.get_int("reconnects") == 1);

  const Completed rerun =
      run_program(ktrdr_args(plugins.dir, {"run", job.string(), "--progress", "json"}), env);
  INFO(rerun.out << rerun.err);
  REQUIRE(rerun.exit_code == 0);
  const Json result = finished_event(lines_of(rerun.out)).at("result");
  CHECK(result.get_int("bars_before") == fetched);
  CHECK(result.at("segments").get_int("planned") == segments_left);  // only what was missing
  CHECK(result.get_int("bars_after") == 731 * 24);
  CHECK(server.stop() == 0);
}
