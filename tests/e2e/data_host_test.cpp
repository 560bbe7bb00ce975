// The data domain end to end with real processes: `ktrdr serve --plugin data` as the IB host
// service over the archive in ../shared/data (with IB's pacing, the clock scaled), and
// `ktrdr run` loading through it — to completion, under Ctrl-C, and with the service killed.
#include <catch2/catch.hpp>

#include <signal.h>

#include "ktrdr/sdk/csv_bar_store.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "data_plugin_run.hpp"
#include "ktrdr_server.hpp"

using namespace ktrdr;
using namespace ktrdr::test;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

// The data config both sides read: the shared archive with IB's limits, pacing `speedup`× real
// time (2 s of IB's per-contract window is 2 s / speedup here).
std::filesystem::path write_config(const TempDir& work, int speedup) {
  return work.write("data.yaml", "providers:\n  csv-archive: {archive: " +
                                     std::string(KTRDR_SHARED_DATA_DIR) +
                                     ", pacing: ib}\npacing_speedup: " +
                                     std::to_string(speedup) + "\n");
}

std::filesystem::path write_job(const TempDir& work, const std::filesystem::path& store) {
  return work.write("load.yaml", "version: 1\njobs:\n  - name: eurusd\n    kind: data.load\n"
                                 "    params: {symbol: EURUSD, timeframe: 1h, start: 2019-01-01, "
                                 "end: 2021-01-01, data_dir: " +
                                     store.string() + "}\n");
}

// True for a progress line past segment `n` of the fetch.
bool past_segment(const std::string& line, std::int64_t n) {
  auto event = Json::parse(line);
  return event.ok() && event->get_string("type") == "progress" &&
         event->at("progress").at("context").get_int("current_segment").value_or(0) > n;
}

Json server_stats(const std::string& url) {
  const CurlResponse stats = curl({url + "/data/stats"});
  REQUIRE(stats.status == 200);
  return *Json::parse(stats.body);
}

BarSeries source_range() {
  const auto all = CsvBarStore::read_file(std::string(KTRDR_SHARED_DATA_DIR) + "/EURUSD_1h.csv",
                                          "EURUSD", Timeframe::k1h);
  REQUIRE(all.ok());
  return all->slice(std::chrono::floor<std::chrono::seconds>(*parse_iso8601("2019-01-01")),
                    std::chrono::floor<std::chrono::seconds>(*parse_iso8601("2021-01-01")));
}

BarSeries stored(const std::filesystem::path& store) {
  auto series = CsvBarStore(store).read("EURUSD", Timeframe::k1h);
  REQUIRE(series.ok());
  return std::move(series).value();
}

}  // namespace

TEST_CASE("ktrdr run loads two years of EURUSD 1h through the IB host service within IB's pacing",
          "[e2e][data]") {
  DataPlugin plugins;
  TempDir work;
  // 4x, not faster: the client keeps a 5 % margin on IB's 2 s rule, which at 4x is 25 ms of real
  // time — more than loopback jitter on a loaded machine, so the service's count of violations
  // says whether the client paces, not how busy the machine was.
  const auto config = write_config(work, 4);
  const std::map<std::string, std::string> server_env = {{"KTRDR_PLUGIN_PATH", ""},
                                                         {"KTRDR_DATA_CONFIG", config.string()}};
  KtrdrServer server(plugins.dir, work.path() / "ops.db", {"--plugin", "data"}, server_env);
  const auto store = work.path() / "store";
  const auto job = write_job(work, store);
  const auto env = routed_env(server_env, server.url());

  const Completed run =
      run_program(ktrdr_args(plugins.dir, {"run", job.string(), "--progress", "json"}), env);
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  const Json result = finished_event(lines_of(run.out)).at("result");
  CHECK(result.get_string("routing") == "host_service");
  CHECK(result.get_string("provider") == "ib-host-service");
  CHECK(result.at("segments").get_int("planned") == 25);  // 24 months in 30-day requests
  CHECK(result.get_int("pacing_waits") > 0);              // 5 per 2 s per contract
  CHECK(stored(store) == source_range());

  const Json stats = server_stats(server.url());
  CHECK(stats.get_int("pacing_violations") == 0);
  CHECK(stats.get_int("requests") == result.get_int("provider_requests"));

  SECTION("run again, it asks for nothing") {
    const Completed again =
        run_program(ktrdr_args(plugins.dir, {"run", job.string(), "--progress", "json"}), env);
    REQUIRE(again.exit_code == 0);
    CHECK(finished_event(lines_of(again.out)).at("result").get_int("provider_requests") == 0);
    CHECK(server_stats(server.url()).get_int("requests") == stats.get_int("requests"));
  }
  CHECK(server.stop() == 0);
}

TEST_CASE("Ctrl-C in the middle of a load exits 130 and keeps every fetched bar", "[e2e][data]") {
  DataPlugin plugins;
  TempDir work;
  const auto config = write_config(work, 4);
  const std::map<std::string, std::string> server_env = {{"KTRDR_PLUGIN_PATH", ""},
                                                         {"KTRDR_DATA_CONFIG", config.string()}};
  KtrdrServer server(plugins.dir, work.path() / "ops.db", {"--plugin", "data"}, server_env);
  const auto store = work.path() / "store";
  const auto env = routed_env(server_env, server.url());

  Subprocess ktrdr(
      ktrdr_args(plugins.dir, {"run", write_job(work, store).string(), "--progress", "json"}),
      env);
  REQUIRE(ktrdr.wait_for_line([](const std::string& line) { return past_segment(line, 6); }, 60s));
  ktrdr.signal(SIGINT);
  REQUIRE(ktrdr.wait(30s) == 130);
  const Json finished = finished_event(ktrdr.out_lines());
  CHECK(finished.get_string("state") == "cancelled");
  const auto fetched = finished.at("result").get_int("bars_fetched").value_or(0);
  CHECK(fetched > 0);
  const BarSeries saved = stored(store);
  CHECK(static_cast<std::int64_t>(saved.size()) == fetched);
  CHECK(saved == source_range().slice(saved.timestamps().front(),
                                      saved.timestamps().back() + std::chrono::hours(1)));
  CHECK(server_stats(server.url()).get_int("pacing_violations") == 0);
  CHECK(server.stop() == 0);
}

TEST_CASE("a host service killed mid-load gives retries, a clear failure and partial data, and "
          "after a restart the re-run fetches only what is missing",
          "[e2e][data]") {
  DataPlugin plugins;
  TempDir work;
  const auto config = write_config(work, 4);
  const std::map<std::string, std::string> server_env = {{"KTRDR_PLUGIN_PATH", ""},
                                                         {"KTRDR_DATA_CONFIG", config.string()}};
  const auto store = work.path() / "store";
  const auto job = write_job(work, store);
  std::int64_t fetched = 0;
  std::int64_t segments_left = 0;
  {
    KtrdrServer server(plugins.dir, work.path() / "ops.db", {"--plugin", "data"}, server_env);
    const auto env = routed_env(server_env, server.url());
    Subprocess ktrdr(ktrdr_args(plugins.dir, {"run", job.string(), "--progress", "json"}), env);
    REQUIRE(
        ktrdr.wait_for_line([](const std::string& line) { return past_segment(line, 6); }, 60s));
    server.process().signal(SIGKILL);
    REQUIRE(server.process().wait(10s) == 128 + SIGKILL);
    REQUIRE(ktrdr.wait(60s) == 1);
    const Json finished = finished_event(ktrdr.out_lines());
    CHECK(finished.get_string("state") == "failed");
    const std::string message = finished.at("error").get_string("message").value_or("");
    CHECK_THAT(message, Contains("IB host service") && Contains("segments in a row failed"));
    const Json partial = finished.at("result");
    CHECK(partial.get_int("retries") > 0);
    fetched = partial.get_int("bars_fetched").value_or(0);
    REQUIRE(fetched > 0);
    CHECK(static_cast<std::int64_t>(stored(store).size()) == fetched);
    segments_left = partial.at("segments").get_int("planned").value_or(0) -
                    partial.at("segments").get_int("ok").value_or(0);
  }
  KtrdrServer restarted(plugins.dir, work.path() / "ops2.db", {"--plugin", "data"}, server_env);
  const auto env = routed_env(server_env, restarted.url());
  const Completed rerun =
      run_program(ktrdr_args(plugins.dir, {"run", job.string(), "--progress", "json"}), env);
  INFO(rerun.out << rerun.err);
  REQUIRE(rerun.exit_code == 0);
  const Json result = finished_event(lines_of(rerun.out)).at("result");
  CHECK(result.get_int("bars_before") == fetched);
  CHECK(result.get_int("provider_requests") <= segments_left);
  CHECK(result.get_int("bars_fetched") ==
        static_cast<std::int64_t>(source_range().size()) - fetched);
  CHECK(stored(store) == source_range());
  CHECK(restarted.stop() == 0);
}

TEST_CASE("bad data jobs fail before they start, naming the field", "[e2e][data]") {
  DataPlugin plugins;
  TempDir work;
  const auto run_job = [&](const std::string& params) {
    const auto job = work.write("bad.yaml", "version: 1\njobs:\n  - name: bad\n    kind: "
                                            "data.load\n    params: " +
                                                params + "\n");
    return run_program(ktrdr_args(plugins.dir, {"run", job.string(), "--progress", "plain"}),
                       {{"KTRDR_PLUGIN_PATH", ""}});
  };
  const Completed path_trick = run_job("{symbol: ../etc/passwd, timeframe: 1h}");
  CHECK(path_trick.exit_code == 2);
  CHECK_THAT(path_trick.err + path_trick.out, Contains("symbol"));
  const Completed timeframe = run_job("{symbol: AAPL, timeframe: 7m}");
  CHECK(timeframe.exit_code == 2);
  CHECK_THAT(timeframe.err + timeframe.out, Contains("timeframe") && Contains("7m"));
  const Completed order = run_job("{symbol: AAPL, timeframe: 1h, start: 2025-02-01, end: 2025-01-01}");
  CHECK(order.exit_code == 2);
  CHECK_THAT(order.err + order.out, Contains("start") && Contains("before"));
  const Completed config =
      run_program(ktrdr_args(plugins.dir, {"run", work.write("ok.yaml", "version: 1\njobs:\n  - "
                                                                        "{name: ok, kind: data.load, "
                                                                        "params: {symbol: AAPL, "
                                                                        "timeframe: 1h}}\n")
                                                          .string()}),
                  {{"KTRDR_PLUGIN_PATH", ""},
                   {"KTRDR_DATA_CONFIG", work.write("data.yaml", "pacing_speedup: fast\n").string()}});
  CHECK(config.exit_code != 0);
  CHECK_THAT(config.err + config.out, Contains("data.yaml") && Contains("pacing_speedup"));
}
