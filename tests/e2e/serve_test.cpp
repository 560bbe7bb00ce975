#include <dirent.h>
#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "ktrdr/sdk/async_service_adapter.hpp"
#include "ktrdr/sdk/host_service_client.hpp"
#include "ktrdr_server.hpp"

using namespace ktrdr;
using namespace ktrdr::test;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

Json json_of(const std::string& text) {
  auto json = Json::parse(text);
  INFO(text);
  REQUIRE(json.ok());
  return *json;
}

constexpr const char* kLongJob = R"(version: 1
jobs:
  - {name: long, kind: example.primes, params: {limit: 5000000000000, chunk_size: 1000000}}
)";

// Waits (via the event stream, no polling) until the operation has done some work.
void wait_until_working(HostServiceClient& client, const std::string& id) {
  auto watched = client.watch(
      id, [](const OperationRecord& record) { return record.progress.items_done == 0; });
  REQUIRE(watched.ok());
}

std::size_t open_fds(pid_t pid) {
  std::size_t count = 0;
  const std::string path = "/proc/" + std::to_string(pid) + "/fd";
  if (DIR* dir = opendir(path.c_str())) {
    while (readdir(dir) != nullptr) ++count;
    closedir(dir);
  }
  return count;
}

}  // namespace

TEST_CASE("ktrdr serve runs jobs submitted over HTTP and answers the operations API",
          "[e2e][serve]") {
  Plugins plugins;
  TempDir work;
  KtrdrServer server(plugins.dir, work.path() / "ops.db");
  REQUIRE_FALSE(server.url().empty());
  const std::string api = server.url() + "/api/v1";

  // Submit the same YAML a job file holds.
  const CurlResponse submitted =
      curl({"-X", "POST", "-H", "Content-Type: application/yaml", "--data-binary",
            "version: 1\njobs:\n  - {name: small, kind: example.primes, "
            "params: {limit: 10000000}}\n",
            api + "/jobs"});
  REQUIRE(submitted.status == 202);
  const Json jobs = json_of(submitted.body).at("jobs");
  REQUIRE(jobs.size() == 1);
  const std::string id = jobs[0].get_string("operation_id").value();

  // Watch its events to the end: the last line is the completed record.
  const CurlResponse events = curl({"-N", api + "/operations/" + id + "/events"});
  REQUIRE(events.status == 200);
  std::stringstream lines(events.body);
  std::vector<Json> records;
  for (std::string line; std::getline(lines, line);) records.push_back(json_of(line));
  REQUIRE_FALSE(records.empty());
  CHECK(records.back().get_string("state") == "completed");
  CHECK(records.back().at("result").get_int("primes") == 664579);

  const CurlResponse shown = curl({api + "/operations/" + id});
  CHECK(shown.status == 200);
  CHECK(json_of(shown.body).get_string("name") == "small");

  const CurlResponse listed = curl({api + "/operations?status=completed&kind=example.primes"});
  CHECK(listed.status == 200);
  CHECK(json_of(listed.body).get_int("total") == 1);

  SECTION("cancel over HTTP: 200, then 409 once terminal") {
    const Json started = json_of(post(api + "/jobs", "application/yaml", kLongJob).body);
    const std::string long_id = started.at("jobs")[0].get_string("operation_id").value();
    auto client = HostServiceClient::create(server.url());
    REQUIRE(client.ok());
    wait_until_working(**client, long_id);
    const CurlResponse cancelled = curl({"-X", "DELETE", api + "/operations/" + long_id});
    CHECK(cancelled.status == 200);
    CHECK(json_of(cancelled.body).get_bool("cancel_requested") == true);
    const auto final_record =
        (*client)->watch(long_id, [](const OperationRecord&) { return true; });
    CHECK(final_record.ok());
    const Json record = json_of(curl({api + "/operations/" + long_id}).body);
    CHECK(record.get_string("state") == "cancelled");
    CHECK(record.at("result").get_int("chunks_done") > 0);
    CHECK(curl({"-X", "DELETE", api + "/operations/" + long_id}).status == 409);
  }
  SECTION("mistakes get JSON errors with the right status") {
    const CurlResponse missing = curl({api + "/operations/op_nope"});
    CHECK(missing.status == 404);
    CHECK(json_of(missing.body).at("error").get_string("code") == "not_found");
    CHECK(curl({"-X", "PUT", api + "/operations"}).status == 405);
    CHECK(curl({api + "/nowhere"}).status == 404);
    const CurlResponse bad_job =
        post(api + "/jobs", "application/yaml", "version: 1\njobs:\n  - {name: a, kind: nope.x}\n");
    CHECK(bad_job.status == 400);
    CHECK_THAT(json_of(bad_job.body).at("error").get_string("message").value(),
               Contains("request:3:") && Contains("unknown job kind `nope.x`"));
    CHECK(curl({api + "/operations?status=sleeping"}).status == 400);
    const std::string long_name = R"({"kind": "example.primes", "name": ")" +
                                  std::string(201, 'n') + R"(", "params": {"limit": 100}})";
    const CurlResponse named = post(api + "/operations", "application/json", long_name);
    CHECK(named.status == 400);
    CHECK_THAT(named.body, Contains("at most 200"));
    const auto big_params = work.path() / "big.json";
    std::ofstream(big_params) << R"({"kind": "example.primes", "params": {"limit": 100, "pad": ")"
                              << std::string(70'000, 'x') << R"("}})";
    const CurlResponse big =
        post(api + "/operations", "application/json", "@" + big_params.string());
    CHECK(big.status == 400);
    CHECK_THAT(big.body, Contains("bytes of JSON; at most 65536"));
  }
  SECTION("health tells the truth") {
    const CurlResponse health = curl({server.url() + "/health"});
    CHECK(health.status == 200);
    const Json body = json_of(health.body);
    CHECK(body.get_string("status") == "ok");
    CHECK(body.at("operations").get_int("total") >= 1);
    CHECK(body.at("dependencies").at("operations_db").get_bool("ok") == true);
    CHECK(body.at("dependencies").at("example.sieve").get_bool("ok") == true);
    // The test plugin directory's two, plus whatever the build's plugin directory holds.
    std::vector<std::string> names;
    for (std::size_t i = 0; i < body.at("plugins").size(); ++i) {
      names.push_back(body.at("plugins")[i].get_string("name").value_or(""));
    }
    CHECK(std::count(names.begin(), names.end(), "example") == 1);
    CHECK(std::count(names.begin(), names.end(), "test") == 1);
  }
  SECTION("plugins add domain routes") {
    const CurlResponse count = curl({server.url() + "/example/prime-count?below=1000"});
    CHECK(count.status == 200);
    CHECK(json_of(count.body).get_int("primes") == 168);
  }
  CHECK(server.stop() == 0);
}

TEST_CASE("a server killed mid-operation keeps its history and marks the operation interrupted",
          "[e2e][serve]") {
  Plugins plugins;
  TempDir work;
  const auto db = work.path() / "ops.db";
  std::string done_id;
  std::string running_id;
  {
    KtrdrServer server(plugins.dir, db);
    const std::string api = server.url() + "/api/v1";
    done_id = json_of(curl({"-X", "POST", "-H", "Content-Type: application/yaml", "--data-binary",
                            "version: 1\njobs:\n  - {name: quick, kind: example.primes, params: "
                            "{limit: 1000}}\n",
                            api + "/jobs"})
                          .body)
                  .at("jobs")[0]
                  .get_string("operation_id")
                  .value();
    auto client = HostServiceClient::create(server.url());
    REQUIRE(client.ok());
    REQUIRE((*client)->watch(done_id, [](const OperationRecord&) { return true; }).ok());
    running_id = json_of(post(api + "/jobs", "application/yaml", kLongJob).body)
                     .at("jobs")[0]
                     .get_string("operation_id")
                     .value();
    wait_until_working(**client, running_id);
    server.process().signal(SIGKILL);
    CHECK(server.process().wait(10s) == 128 + SIGKILL);
  }
  KtrdrServer restarted(plugins.dir, db);
  const std::string api = restarted.url() + "/api/v1";
  const Json done = json_of(curl({api + "/operations/" + done_id}).body);
  CHECK(done.get_string("state") == "completed");
  CHECK(done.at("result").get_int("primes") == 168);
  const Json interrupted = json_of(curl({api + "/operations/" + running_id}).body);
  CHECK(interrupted.get_string("state") == "failed");
  CHECK_THAT(interrupted.at("error").get_string("message").value(), Contains("interrupted"));
  CHECK(interrupted.at("error").at("details").get_string("reason") == "interrupted");
  CHECK(restarted.stop() == 0);
}

TEST_CASE("a bearer token protects the API but not /health", "[e2e][serve]") {
  Plugins plugins;
  TempDir work;
  KtrdrServer server(plugins.dir, work.path() / "ops.db", {},
                     {{"KTRDR_PLUGIN_PATH", ""}, {"KTRDR_API_TOKEN", "s3cret"}});
  const std::string api = server.url() + "/api/v1";
  CHECK(curl({api + "/operations"}).status == 401);
  CHECK(curl({"-H", "Authorization: Bearer wrong", api + "/operations"}).status == 401);
  const CurlResponse refused = curl({api + "/operations"});
  CHECK(json_of(refused.body).at("error").get_string("code") == "unauthenticated");
  CHECK(curl({"-H", "Authorization: Bearer s3cret", api + "/operations"}).status == 200);
  // /health answers everyone, but only the caller with the token learns paths and plugins.
  const CurlResponse open_health = curl({server.url() + "/health"});
  CHECK(open_health.status == 200);
  CHECK(json_of(open_health.body).get_string("status") == "ok");
  CHECK_THAT(open_health.body, !Contains("ops.db") && !Contains("/"));
  const CurlResponse full_health =
      curl({"-H", "Authorization: Bearer s3cret", server.url() + "/health"});
  CHECK_THAT(full_health.body, Contains("ops.db") && Contains("plugins"));
  CHECK(server.stop() == 0);
}

TEST_CASE("no web page can drive the API: cross-site writes and simple bodies are refused",
          "[e2e][serve][security]") {
  Plugins plugins;
  TempDir work;
  KtrdrServer server(plugins.dir, work.path() / "ops.db");
  const std::string api = server.url() + "/api/v1";
  const std::string job =
      "version: 1\njobs:\n  - {name: a, kind: example.primes, params: {limit: 10}}\n";
  const std::string start = R"({"kind": "example.primes", "params": {"limit": 10}})";

  // What a page's fetch(..., {mode: "no-cors", body}) sends: text/plain, and the page's Origin.
  const CurlResponse plain_jobs =
      curl({"-X", "POST", "-H", "Content-Type: text/plain", "-H", "Origin: http://evil.example",
            "--data-binary", job, api + "/jobs"});
  CHECK(plain_jobs.status == 403);
  CHECK(json_of(plain_jobs.body).at("error").get_string("code") == "forbidden");
  const CurlResponse plain_op = curl({"-X", "POST", "-H", "Content-Type: text/plain",
                                      "--data-binary", start, api + "/operations"});
  CHECK(plain_op.status == 415);
  // A form post (curl -d's default) is refused the same way, with a message that says what to send.
  const CurlResponse form = curl({"-X", "POST", "--data-binary", job, api + "/jobs"});
  CHECK(form.status == 415);
  CHECK_THAT(json_of(form.body).at("error").get_string("message").value_or(""),
             Contains("application/x-www-form-urlencoded") && Contains("application/yaml"));
  CHECK(curl({"-X", "DELETE", "-H", "Origin: http://evil.example", api + "/operations/op_x"})
            .status == 403);
  // DNS rebinding: a page served as evil.example resolved to 127.0.0.1 cannot even read.
  CHECK(curl({"-H", "Host: evil.example", api + "/operations"}).status == 403);
  // Nothing ran.
  CHECK(json_of(curl({api + "/operations"}).body).get_int("total") == 0);

  // The tools' own requests pass.
  CHECK(post(api + "/operations", "application/json", start).status == 201);
  CHECK(curl({"-X", "POST", "-H", "Content-Type: application/yaml", "-H", "Origin: " + server.url(),
              "--data-binary", job, api + "/jobs"})
            .status == 202);
  CHECK(server.stop() == 0);
}

TEST_CASE("the events of an unknown operation are a 404 JSON error, not a stream", "[e2e][serve]") {
  Plugins plugins;
  TempDir work;
  KtrdrServer server(plugins.dir, work.path() / "ops.db");
  const CurlResponse events = curl({server.url() + "/api/v1/operations/op_nope/events"});
  CHECK(events.status == 404);
  CHECK(json_of(events.body).at("error").get_string("code") == "not_found");
  CHECK(server.stop() == 0);
}

TEST_CASE("a JSON body nested 140,000 deep is a 400 and the server lives on", "[e2e][serve]") {
  Plugins plugins;
  TempDir work;
  KtrdrServer server(plugins.dir, work.path() / "ops.db");
  const std::string api = server.url() + "/api/v1";
  const auto body = work.path() / "deep.json";
  {
    std::ofstream out(body);
    out << std::string(140'000, '[');
  }
  const CurlResponse deep = post(api + "/operations", "application/json", "@" + body.string());
  CHECK(deep.status == 400);
  CHECK_THAT(deep.body, Contains("nested deeper"));
  // A job file is YAML (JSON is YAML): its parser's own depth bound refuses it.
  const CurlResponse deep_job = post(api + "/jobs", "application/json", "@" + body.string());
  CHECK(deep_job.status == 400);
  CHECK(curl({server.url() + "/health"}).status == 200);
  CHECK(server.stop() == 0);
}

TEST_CASE("serve refuses an empty token and an unprotected non-loopback address",
          "[e2e][serve][security]") {
  Plugins plugins;
  TempDir work;
  // `env NAME=` sets NAME to the empty string (the test environment map would unset it).
  const auto serve = [&](std::vector<std::string> setting, std::vector<std::string> extra) {
    std::vector<std::string> args = {"serve", "--port", "0", "--db",
                                     (work.path() / "ops.db").string()};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<std::string> argv = {"env"};
    argv.insert(argv.end(), setting.begin(), setting.end());
    const auto ktrdr = ktrdr_args(plugins.dir, args);
    argv.insert(argv.end(), ktrdr.begin(), ktrdr.end());
    return run_program(argv, {{"KTRDR_PLUGIN_PATH", ""}, {"KTRDR_API_TOKEN", ""}}, 30s);
  };
  const Completed empty = serve({"KTRDR_API_TOKEN="}, {});
  CHECK(empty.exit_code == 2);
  CHECK_THAT(empty.err, Contains("KTRDR_API_TOKEN is set but empty"));
  const Completed exposed = serve({}, {"--host", "0.0.0.0"});
  CHECK(exposed.exit_code == 2);
  CHECK_THAT(exposed.err, Contains("--host 0.0.0.0") && Contains("--insecure"));

  // With --insecure it starts (and stops on SIGTERM).
  KtrdrServer insecure(plugins.dir, work.path() / "ops2.db", {"--host", "0.0.0.0", "--insecure"});
  CHECK_FALSE(insecure.url().empty());
  CHECK(insecure.stop() == 0);
}

TEST_CASE("a stray SIGUSR2 does not make serve deaf to SIGTERM", "[e2e][serve]") {
  Plugins plugins;
  TempDir work;
  KtrdrServer server(plugins.dir, work.path() / "ops.db");
  server.process().signal(SIGUSR2);
  CHECK(curl({server.url() + "/health"}).status == 200);  // still serving after it
  CHECK(server.stop() == 0);
}

TEST_CASE("an acknowledged operation survives a kill -9 right after the acknowledgement",
          "[e2e][serve][durability]") {
  Plugins plugins;
  TempDir work;
  const auto db = work.path() / "ops.db";
  std::vector<std::string> acknowledged;
  {
    // Every write of the store is held back 300 ms: an answer sent before the commit would
    // name an operation the kill then loses.
    KtrdrServer server(plugins.dir, db, {},
                       {{"KTRDR_PLUGIN_PATH", ""}, {"KTRDR_TEST_STORE_WRITE_DELAY_MS", "300"}});
    const std::string api = server.url() + "/api/v1";
    const CurlResponse job = post(api + "/jobs", "application/yaml", kLongJob);
    REQUIRE(job.status == 202);
    acknowledged.push_back(json_of(job.body).at("jobs")[0].get_string("operation_id").value());
    const CurlResponse op = post(api + "/operations", "application/json",
                                 R"({"kind": "example.primes", "params": {"limit": 100}})");
    REQUIRE(op.status == 201);
    acknowledged.push_back(json_of(op.body).get_string("id").value());
    server.process().signal(SIGKILL);
    CHECK(server.process().wait(10s) == 128 + SIGKILL);
  }
  KtrdrServer restarted(plugins.dir, db);
  for (const std::string& id : acknowledged) {
    INFO(id);
    CHECK(curl({restarted.url() + "/api/v1/operations/" + id}).status == 200);
  }
  CHECK(restarted.stop() == 0);
}

TEST_CASE("a server whose database cannot grow refuses new work, says so, and recovers",
          "[e2e][serve][durability]") {
  Plugins plugins;
  TempDir work;
  const auto db = work.path() / "ops.db";
  std::vector<std::string> acknowledged;
  {
    // A file-size limit makes the database's writes fail as a full disk does.
    KtrdrServer server(plugins.dir, db, {}, {{"KTRDR_PLUGIN_PATH", ""}},
                       {"prlimit", "--fsize=98304", "--"});
    REQUIRE_FALSE(server.url().empty());
    const std::string api = server.url() + "/api/v1";
    int refused = 0;
    for (int i = 0; i < 500 && refused == 0; ++i) {
      const CurlResponse op = post(api + "/operations", "application/json",
                                   R"({"kind": "example.primes", "params": {"limit": 1000}})");
      if (op.status == 201) {
        acknowledged.push_back(json_of(op.body).get_string("id").value());
      } else {
        refused = op.status;
        CHECK_THAT(json_of(op.body).at("error").get_string("message").value_or(""),
                   Contains("stor"));
      }
    }
    CHECK(refused == 503);
    CHECK_FALSE(acknowledged.empty());
    const CurlResponse health = curl({server.url() + "/health"});
    CHECK(health.status == 503);
    CHECK(json_of(health.body).at("dependencies").at("operations_db").get_bool("ok") == false);
    CHECK(post(api + "/jobs", "application/yaml", kLongJob).status == 503);
    CHECK(server.stop() == 0);
  }
  // Space is back: the server starts, every acknowledged operation is there, new work is taken.
  KtrdrServer restarted(plugins.dir, db);
  REQUIRE_FALSE(restarted.url().empty());
  const std::string api = restarted.url() + "/api/v1";
  for (const std::string& id : acknowledged) {
    INFO(id);
    CHECK(curl({api + "/operations/" + id}).status == 200);
  }
  CHECK(post(api + "/operations", "application/json",
             R"({"kind": "example.primes", "params": {"limit": 1000}})")
            .status == 201);
  CHECK(curl({restarted.url() + "/health"}).status == 200);
  CHECK(restarted.stop() == 0);
}

TEST_CASE("an unreadable row in the operations database is quarantined and serve starts",
          "[e2e][serve][durability]") {
  Plugins plugins;
  TempDir work;
  const auto db = work.path() / "ops.db";
  std::string broken_id;
  std::string good_id;
  {
    KtrdrServer server(plugins.dir, db);
    const std::string api = server.url() + "/api/v1";
    for (std::string* id : {&broken_id, &good_id}) {
      *id = json_of(post(api + "/operations", "application/json",
                         R"({"kind": "example.primes", "params": {"limit": 100}})")
                        .body)
                .get_string("id")
                .value();
    }
    CHECK(server.stop() == 0);
  }
  {
    sqlite3* handle = nullptr;
    REQUIRE(sqlite3_open(db.c_str(), &handle) == SQLITE_OK);
    const std::string sql =
        "UPDATE operations SET record = '{\"id\": broken' WHERE id = '" + broken_id + "'";
    CHECK(sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(handle);
  }
  KtrdrServer restarted(plugins.dir, db);
  REQUIRE_FALSE(restarted.url().empty());
  const std::string api = restarted.url() + "/api/v1";
  CHECK(curl({api + "/operations/" + good_id}).status == 200);
  CHECK(curl({api + "/operations/" + broken_id}).status == 404);
  CHECK(restarted.stop() == 0);
  CHECK_THAT(restarted.process().err(),
             Contains(broken_id) && Contains("moved to the table operations_quarantine"));
}

TEST_CASE("job files running at once are bounded: one more is a 503 with Retry-After",
          "[e2e][serve]") {
  Plugins plugins;
  TempDir work;
  KtrdrServer server(plugins.dir, work.path() / "ops.db");
  const std::string api = server.url() + "/api/v1";
  const auto submit = [&] {
    return curl({"-X", "POST", "-H", "Content-Type: application/yaml", "-D", "-", "--data-binary",
                 kLongJob, api + "/jobs"});
  };
  for (int i = 0; i < 64; ++i) REQUIRE(submit().status == 202);
  const CurlResponse busy = submit();
  CHECK(busy.status == 503);
  CHECK_THAT(busy.body, Contains("Retry-After: 5") && Contains("64 job files are running"));
  CHECK(server.stop() == 0);
}

TEST_CASE("50 concurrent clients x 200 requests: no errors and no leaked descriptors",
          "[e2e][serve][load]") {
  Plugins plugins;
  TempDir work;
  KtrdrServer server(plugins.dir, work.path() / "ops.db");
  const pid_t pid = server.process().pid();
  std::atomic<int> errors{0};
  std::atomic<int> ok{0};
  // The server's descriptors once there are at most `at_most`, or after `patience`: it closes a
  // connection when it reads the client's close, so give it a moment.
  const auto settled_fds = [&](std::size_t at_most, std::chrono::milliseconds patience) {
    const auto give_up = std::chrono::steady_clock::now() + patience;
    std::size_t fds = open_fds(pid);
    while (fds > at_most && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::sleep_for(10ms);
      fds = open_fds(pid);
    }
    return fds;
  };
  {
    // Warm up first: descriptors the server opens once (timers, the database) are not leaks.
    auto adapter = AsyncServiceAdapter::create(server.url());
    REQUIRE(adapter.ok());
    for (int i = 0; i < 200; ++i) REQUIRE((*adapter)->get_json("/api/v1/operations").ok());
  }
  // After the warm-up's connection has had 2 s to close (it never gets to 0: a busier machine
  // only leaves the count higher, so the check below more lenient).
  const std::size_t fds_before = settled_fds(0, 2s);
  {
    std::vector<std::jthread> clients;
    for (int c = 0; c < 50; ++c) {
      clients.emplace_back([&] {
        auto adapter = AsyncServiceAdapter::create(server.url());
        if (!adapter.ok()) {
          ++errors;
          return;
        }
        for (int i = 0; i < 200; ++i) {
          auto response =
              (*adapter)->get_json(i % 2 == 0 ? "/api/v1/operations?limit=5" : "/health");
          if (response.ok()) {
            ++ok;
          } else {
            ++errors;
          }
        }
      });
    }
  }
  CHECK(errors == 0);
  CHECK(ok == 50 * 200);
  // Every client has closed its connections; the server holds no more descriptors than before.
  // 30 s only bounds a server that never closes them; a loaded machine stays far below it.
  CHECK(settled_fds(fds_before, 30s) <= fds_before);
  CHECK(server.stop() == 0);
}

TEST_CASE("history retention: serve --keep and ktrdr ops prune delete the oldest finished "
          "operations, at start too",
          "[e2e][serve][retention]") {
  Plugins plugins;
  TempDir work;
  std::vector<std::string> ids;
  {
    KtrdrServer server(plugins.dir, work.path() / "ops.db", {"--keep", "3"});
    REQUIRE_FALSE(server.url().empty());
    auto client = HostServiceClient::create(server.url());
    REQUIRE(client.ok());
    for (int i = 0; i < 5; ++i) {
      auto started = (*client)->start("example.primes", Json::object().set("limit", 1000), "p");
      REQUIRE(started.ok());
      ids.push_back(started->id);
      REQUIRE((*client)->watch(ids.back(), [](const OperationRecord&) { return true; }).ok());
    }
    const auto ops = [&](std::vector<std::string> args) {
      args.insert(args.begin(), {"ops", "--url", server.url()});
      return run_program(ktrdr_args(plugins.dir, args), {{"KTRDR_PLUGIN_PATH", ""}});
    };
    const Completed by_default = ops({"prune"});
    INFO(by_default.out << by_default.err);
    CHECK(by_default.exit_code == 0);
    CHECK_THAT(by_default.out, Contains("pruned 2 finished operations; 3 remain"));
    const Json listed = json_of(curl({server.url() + "/api/v1/operations"}).body);
    CHECK(listed.get_int("total") == 3);
    CHECK(listed.at("operations")[0].get_string("id") == ids[4]);
    CHECK(curl({server.url() + "/api/v1/operations/" + ids[0]}).status == 404);

    CHECK_THAT(ops({"prune", "--keep", "1"}).out, Contains("pruned 2 finished operations"));
    CHECK(ops({"prune", "--keep-days", "-1"}).exit_code == 2);
    const CurlResponse bad = post(server.url() + "/api/v1/operations/prune", "application/json",
                                  R"({"keep": "all"})");
    CHECK(bad.status == 400);
    CHECK(json_of(bad.body).at("error").at("details").get_string("field") == "keep");
    CHECK(server.stop() == 0);
  }
  KtrdrServer restarted(plugins.dir, work.path() / "ops.db", {"--keep", "0"});
  REQUIRE_FALSE(restarted.url().empty());
  CHECK_THAT(restarted.process().out(), Contains("0 operations restored"));
  CHECK(curl({restarted.url() + "/api/v1/operations/" + ids[4]}).status == 404);
  CHECK(restarted.stop() == 0);
}
