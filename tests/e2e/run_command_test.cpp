#include <catch2/catch.hpp>

#include <signal.h>

#include <chrono>

#include "ktrdr/sdk/plugin_api.hpp"
#include "ktrdr_cli.hpp"
#include "subprocess.hpp"

using namespace ktrdr;
using namespace ktrdr::test;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

namespace {

const std::map<std::string, std::string> kCleanEnv = {{"KTRDR_PLUGIN_PATH", ""}};

// A progress event of a running operation that has done some work (items or percentage).
bool is_progress_line(const std::string& line) {
  auto event = Json::parse(line);
  if (!event.ok() || event->get_string("type") != "progress" ||
      event->get_string("state") != "running") {
    return false;
  }
  const Json progress = event->at("progress");
  return progress.get_int("items_done").value_or(0) > 0 ||
         progress.get_number("percentage").value_or(0) > 0;
}

}  // namespace

TEST_CASE("ktrdr run executes a job file and streams NDJSON events", "[e2e][run]") {
  Plugins plugins;
  TempDir work;
  const auto jobs = work.write("jobs.yaml", R"(version: 1
jobs:
  - name: primes
    kind: example.primes
    params: {limit: 20000000, chunk_size: 100000, threads: 2}
)");
  const Completed run = run_program(
      ktrdr_args(plugins.dir, {"run", jobs.string(), "--progress", "json"}), kCleanEnv);
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  std::vector<std::string> lines;
  std::stringstream stream(run.out);
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.front() == R"({"type":"version","schema":"1.0"})");
  const auto events = parse_ndjson(lines);
  REQUIRE(events.size() == lines.size());

  const auto started = events_of_type(events, "job_started");
  REQUIRE(started.size() == 1);
  const std::string id = started[0].get_string("operation_id").value();
  CHECK_THAT(id, Catch::Matchers::Matches(R"(op_example_primes_\d{8}_\d{6}_[0-9a-f]{8})"));
  CHECK(started[0].at("routing").get_string("mode") == "local");

  const auto progress = events_of_type(events, "progress");
  REQUIRE_FALSE(progress.empty());
  double last = 0;
  for (const Json& e : progress) {
    CHECK(e.get_string("operation_id") == id);
    CHECK(e.get_string("job") == "primes");
    const double percentage = e.at("progress").get_number("percentage").value();
    CHECK(percentage >= last);
    last = percentage;
  }
  const Json running = progress.back().at("progress");
  CHECK(running.at("context").get_string("operation") == "prime_counting");
  CHECK(running.at("context").get_int("total_chunks") == 200);

  const auto finished = events_of_type(events, "job_finished");
  REQUIRE(finished.size() == 1);
  CHECK(finished[0].get_string("state") == "completed");
  CHECK(finished[0].at("result").get_int("primes") == 1270607);  // π(2·10^7)
  CHECK(finished[0].at("progress").get_number("percentage") == 100.0);
  CHECK(events.back().get_string("type") == "run_finished");
  CHECK(events.back().get_int("exit_code") == 0);
}

TEST_CASE("Ctrl-C cancels the running job, keeps its partial result and exits 130",
          "[e2e][run][signals]") {
  Plugins plugins;
  TempDir work;
  const auto jobs = work.write("jobs.yaml", R"(version: 1
jobs:
  - {name: big, kind: example.primes, params: {limit: 5000000000000, chunk_size: 1000000}}
  - {name: never, kind: example.primes, needs: big, params: {limit: 100}}
)");
  Subprocess ktrdr(ktrdr_args(plugins.dir, {"run", jobs.string(), "--progress", "json"}),
                   kCleanEnv);
  REQUIRE(ktrdr.wait_for_line(is_progress_line, 30s));
  ktrdr.signal(SIGINT);
  // The job would run for hours: exiting at all (30 s only bounds a hang) shows it was cancelled.
  const auto code = ktrdr.wait(30s);
  INFO(ktrdr.err());
  REQUIRE(code == 130);
  CHECK_THAT(ktrdr.err(), Contains("cancelling"));
  const auto events = parse_ndjson(ktrdr.out_lines());
  const auto finished = events_of_type(events, "job_finished");
  REQUIRE(finished.size() == 2);
  CHECK(finished[0].get_string("state") == "cancelled");
  const Json partial = finished[0].at("result");
  CHECK(partial.get_int("chunks_done") > 0);
  CHECK(partial.get_int("primes") > 0);
  CHECK(partial.get_int("checked_below") < partial.get_int("limit"));
  CHECK(finished[1].get_string("outcome") == "cancelled");
  CHECK_FALSE(finished[1].has("operation_id"));
}

TEST_CASE("SIGTERM cancels with reason shutdown and a second Ctrl-C exits without the job",
          "[e2e][run][signals]") {
  Plugins plugins;
  TempDir work;
  SECTION("SIGTERM") {
    const auto jobs = work.write("jobs.yaml", "version: 1\njobs:\n  - {name: w, kind: test.wait}\n");
    Subprocess ktrdr(ktrdr_args(plugins.dir, {"run", jobs.string(), "--progress", "json"}),
                     kCleanEnv);
    REQUIRE(ktrdr.wait_for_line(is_progress_line, 30s));
    ktrdr.signal(SIGTERM);
    REQUIRE(ktrdr.wait(30s) == 130);
    CHECK_THAT(ktrdr.err(), Contains("shutdown"));
    const auto finished = events_of_type(parse_ndjson(ktrdr.out_lines()), "job_finished");
    REQUIRE(finished.size() == 1);
    CHECK(finished[0].get_string("state") == "cancelled");
    CHECK(finished[0].at("result").get_bool("waited") == true);
  }
  SECTION("a job that ignores cancellation: the second Ctrl-C exits 130 without waiting for it") {
    const auto jobs =
        work.write("jobs.yaml", "version: 1\njobs:\n  - {name: stuck, kind: test.ignore_cancel}\n");
    Subprocess ktrdr(ktrdr_args(plugins.dir, {"run", jobs.string(), "--progress", "json"}),
                     kCleanEnv);
    REQUIRE(ktrdr.wait_for_line(is_progress_line, 30s));
    ktrdr.signal(SIGINT);
    // The job ignores the cancel for a minute: the first Ctrl-C waits for it, the second does not
    // (exiting within 30 s, which no loaded machine comes near, shows that).
    CHECK_FALSE(ktrdr.wait(300ms).has_value());
    ktrdr.signal(SIGINT);
    CHECK(ktrdr.wait(30s) == 130);
  }
}

TEST_CASE("a bad job file exits 2 naming file, line and column", "[e2e][run]") {
  Plugins plugins;
  TempDir work;
  SECTION("a structural mistake") {
    const auto jobs = work.write("bad.yaml", "version: 1\njobs:\n  - name: a\n    kind: k\n"
                                             "    needs: [ghost]\n");
    const Completed run = run_program(ktrdr_args(plugins.dir, {"run", jobs.string()}), kCleanEnv);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Contains(jobs.string() + ":5:12: jobs[0].needs: needs unknown job"));
  }
  SECTION("an unknown kind lists the known ones") {
    const auto jobs = work.write("bad.yaml", "version: 1\njobs:\n  - {name: a, kind: nope.x}\n");
    const Completed run = run_program(ktrdr_args(plugins.dir, {"run", jobs.string()}), kCleanEnv);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Contains(":3:21: jobs[0].kind: unknown job kind `nope.x`") &&
                            Contains("example.primes"));
  }
  SECTION("a param outside its schema") {
    const auto jobs = work.write(
        "bad.yaml", "version: 1\njobs:\n  - name: a\n    kind: example.primes\n"
                    "    params: {limit: many}\n");
    const Completed run = run_program(ktrdr_args(plugins.dir, {"run", jobs.string()}), kCleanEnv);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Contains(":5:21: jobs[0].params.limit:") && Contains("integer"));
  }
  SECTION("a --set for a param nobody has") {
    const auto jobs = work.write(
        "ok.yaml", "version: 1\njobs:\n  - {name: a, kind: example.primes, params: {limit: 10}}\n");
    const Completed run = run_program(
        ktrdr_args(plugins.dir, {"run", jobs.string(), "--set", "colour=red"}), kCleanEnv);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Contains("--set colour=red"));
  }
  SECTION("a bad value given with --set names the command line") {
    const auto jobs = work.write(
        "ok.yaml", "version: 1\njobs:\n  - {name: a, kind: example.primes, params: {limit: 10}}\n");
    const Completed run = run_program(
        ktrdr_args(plugins.dir, {"run", jobs.string(), "--set", "limit=many"}), kCleanEnv);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Contains("--set limit=many (job \"a\"): ") && !Contains("ok.yaml:3"));
  }
  SECTION("a routing variable with a bad value, before anything runs") {
    const auto jobs = work.write(
        "ok.yaml", "version: 1\njobs:\n  - {name: a, kind: example.primes, params: {limit: 10}}\n");
    auto env = kCleanEnv;
    env["USE_EXAMPLE_HOST_SERVICE"] = "maybe";
    const Completed run = run_program(
        ktrdr_args(plugins.dir, {"run", jobs.string(), "--progress", "json"}), env);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Contains("USE_EXAMPLE_HOST_SERVICE") && Contains("maybe"));
    CHECK_THAT(run.out, !Contains("job_started"));
  }
  SECTION("a missing file") {
    const Completed run =
        run_program(ktrdr_args(plugins.dir, {"run", (work.path() / "nope.yaml").string()}),
                    kCleanEnv);
    CHECK(run.exit_code == 2);
    CHECK_THAT(run.err, Contains("nope.yaml: cannot read the job file"));
  }
  SECTION("a bad option") {
    const Completed run =
        run_program(ktrdr_args(plugins.dir, {"run", "x.yaml", "--progress", "fancy"}), kCleanEnv);
    CHECK(run.exit_code == 2);
  }
}

TEST_CASE("a failed job makes the run exit 1 and names the dependents it stopped",
          "[e2e][run]") {
  Plugins plugins;
  TempDir work;
  const auto jobs = work.write("jobs.yaml", R"(version: 1
jobs:
  - {name: broken, kind: test.fail}
  - {name: dependent, kind: example.primes, needs: broken, params: {limit: 100}}
)");
  const Completed run =
      run_program(ktrdr_args(plugins.dir, {"run", jobs.string(), "--progress", "plain"}),
                  kCleanEnv);
  CHECK(run.exit_code == 1);
  CHECK_THAT(run.out, Contains("[broken] failed") && Contains("the test service is down") &&
                          Contains("[dependent] skipped: needs \"broken\", which ended failed"));
}

TEST_CASE("a plugin built for another ABI is refused while the others work", "[e2e][plugins]") {
  Plugins plugins;
  plugins.dir.copy_in(test_plugin("bad_abi"));
  TempDir work;
  const auto jobs = work.write(
      "jobs.yaml", "version: 1\njobs:\n  - {name: a, kind: example.primes, params: {limit: 1000}}\n");
  const Completed run =
      run_program(ktrdr_args(plugins.dir, {"run", jobs.string(), "--progress", "plain"}),
                  kCleanEnv);
  CHECK(run.exit_code == 0);
  CHECK_THAT(run.err,
             Contains("plugin 'bad_abi'") && Contains("plugin ABI version 99") &&
                 Contains("supports version " + std::to_string(KTRDR_PLUGIN_API_VERSION)));
  CHECK_THAT(run.out, Contains("[a] completed"));
}
