#include <catch2/catch.hpp>

#include <signal.h>

#include "ktrdr/sdk/host_service_client.hpp"
#include "ktrdr_server.hpp"

using namespace ktrdr;
using namespace ktrdr::test;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

TEST_CASE("with USE_EXAMPLE_HOST_SERVICE a job runs on the host service and mirrors its progress",
          "[e2e][routing]") {
  Plugins plugins;
  TempDir work;
  KtrdrServer server(plugins.dir, work.path() / "ops.db", {"--plugin", "example"});
  const std::map<std::string, std::string> env = {{"KTRDR_PLUGIN_PATH", ""},
                                                  {"USE_EXAMPLE_HOST_SERVICE", "true"},
                                                  {"EXAMPLE_HOST_SERVICE_URL", server.url()}};
  SECTION("to completion, with the same result and context as a local run") {
    const auto jobs = work.write("jobs.yaml", R"(version: 1
jobs:
  - {name: remote, kind: example.primes, params: {limit: 30000000, chunk_size: 100000}}
)");
    const Completed run =
        run_program(ktrdr_args(plugins.dir, {"run", jobs.string(), "--progress", "json"}), env);
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const auto lines = [&] {
      std::vector<std::string> out;
      std::stringstream stream(run.out);
      for (std::string line; std::getline(stream, line);) out.push_back(line);
      return out;
    }();
    const auto finished = events_of_type(parse_ndjson(lines), "job_finished");
    REQUIRE(finished.size() == 1);
    CHECK(finished[0].at("result").get_int("primes") == 1857859);  // π(3·10^7)
    const auto progress = events_of_type(parse_ndjson(lines), "progress");
    REQUIRE_FALSE(progress.empty());
    const Json last = progress.back().at("progress");
    CHECK(last.at("context").get_string("operation") == "prime_counting");
    CHECK_THAT(last.get_string("message").value(), Contains("Counting primes below 30,000,000"));
    const auto started = events_of_type(parse_ndjson(lines), "job_started");
    REQUIRE(started.size() == 1);
    CHECK(started[0].at("routing").get_string("mode") == "host_service");
    CHECK(started[0].at("routing").get_string("url") == server.url());
    // The server has the operation too.
    auto client = HostServiceClient::create(server.url());
    REQUIRE(client.ok());
    auto page = (*client)->list({});
    REQUIRE(page.ok());
    REQUIRE(page->operations.size() == 1);
    CHECK(page->operations[0].state == OperationState::kCompleted);
  }
  SECTION("Ctrl-C cancels the remote operation") {
    const auto jobs = work.write("jobs.yaml", R"(version: 1
jobs:
  - {name: remote, kind: example.primes, params: {limit: 5000000000000}}
)");
    Subprocess ktrdr(ktrdr_args(plugins.dir, {"run", jobs.string(), "--progress", "json"}), env);
    REQUIRE(ktrdr.wait_for_line(
        [](const std::string& line) {
          auto event = Json::parse(line);
          return event.ok() && event->get_string("type") == "progress" &&
                 event->at("progress").get_int("items_done").value_or(0) > 0;
        },
        30s));
    ktrdr.signal(SIGINT);
    REQUIRE(ktrdr.wait(30s) == 130);
    const auto finished = events_of_type(parse_ndjson(ktrdr.out_lines()), "job_finished");
    REQUIRE(finished.size() == 1);
    CHECK(finished[0].get_string("state") == "cancelled");
    CHECK(finished[0].at("result").get_int("chunks_done") > 0);
    auto client = HostServiceClient::create(server.url());
    REQUIRE(client.ok());
    auto page = (*client)->list({});
    REQUIRE(page.ok());
    REQUIRE(page->operations.size() == 1);
    CHECK(page->operations[0].state == OperationState::kCancelled);
  }
  SECTION("a dead host service is a clear failure") {
    const auto jobs = work.write(
        "jobs.yaml", "version: 1\njobs:\n  - {name: remote, kind: example.primes, params: "
                     "{limit: 1000}}\n");
    const Completed run = run_program(
        ktrdr_args(plugins.dir, {"run", jobs.string(), "--progress", "plain"}),
        {{"KTRDR_PLUGIN_PATH", ""},
         {"USE_EXAMPLE_HOST_SERVICE", "true"},
         {"EXAMPLE_HOST_SERVICE_URL", "http://127.0.0.1:9"}});
    CHECK(run.exit_code == 1);
    CHECK_THAT(run.out, Contains("EXAMPLE host service") && Contains("http://127.0.0.1:9") &&
                            Contains("connection refused"));
  }
  CHECK(server.stop() == 0);
}

TEST_CASE("ktrdr ops lists, shows, watches and cancels a server's operations", "[e2e][ops]") {
  Plugins plugins;
  TempDir work;
  KtrdrServer server(plugins.dir, work.path() / "ops.db");
  const std::map<std::string, std::string> env = {{"KTRDR_PLUGIN_PATH", ""},
                                                  {"KTRDR_API_URL", server.url()}};
  auto client = HostServiceClient::create(server.url());
  REQUIRE(client.ok());
  auto started = (*client)->start("example.primes",
                                  *Json::parse(R"({"limit": 5000000000000, "chunk_size": 1000000,
                                                   "threads": 1})"),
                                  "long");
  REQUIRE(started.ok());
  const std::string id = started->id;

  const Completed listed = run_program(ktrdr_args(plugins.dir, {"ops", "list"}), env);
  CHECK(listed.exit_code == 0);
  CHECK_THAT(listed.out, Contains(id) && Contains("example.primes"));

  const Completed shown = run_program(ktrdr_args(plugins.dir, {"ops", "show", id, "--json"}), env);
  CHECK(shown.exit_code == 0);
  CHECK(Json::parse(shown.out)->get_string("id") == id);

  // Ctrl-C in watch stops watching; the operation goes on.
  {
    Subprocess watch(ktrdr_args(plugins.dir, {"ops", "watch", id, "--progress", "json"}), env);
    REQUIRE(watch.wait_for_line(
        [](const std::string& line) { return line.find("\"type\":\"progress\"") != std::string::npos; },
        30s));
    watch.signal(SIGINT);
    CHECK(watch.wait(30s) == 130);  // the operation goes on for hours: 30 s only bounds a hang
    CHECK_THAT(watch.err(), Contains("stopped watching"));
  }
  CHECK((*client)->get(id)->state == OperationState::kRunning);

  // A watcher sees the cancel that `ops cancel` makes.
  Subprocess watch(ktrdr_args(plugins.dir, {"ops", "watch", id, "--progress", "plain"}), env);
  REQUIRE(watch.wait_for_line([](const std::string& line) { return line.find("%") != std::string::npos; },
                              30s));
  const Completed cancelled = run_program(ktrdr_args(plugins.dir, {"ops", "cancel", id}), env);
  CHECK(cancelled.exit_code == 0);
  CHECK_THAT(cancelled.out, Contains("cancel requested"));
  CHECK(watch.wait(30s) == 130);
  CHECK_THAT(watch.out(), Contains("cancelled"));
  // The partial result is rendered by the plugin's renderer, as `ktrdr run` renders it.
  CHECK_THAT(watch.out(), Contains(" primes below "));
  const Completed again = run_program(ktrdr_args(plugins.dir, {"ops", "cancel", id}), env);
  CHECK(again.exit_code == 1);
  CHECK_THAT(again.err, Contains("409"));
  CHECK(server.stop() == 0);
}
