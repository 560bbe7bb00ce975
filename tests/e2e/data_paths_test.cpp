// Path params end to end: a job file's relative paths are its own, wherever `ktrdr run` is
// started, and `ktrdr serve` confines the paths of requests to its --root directories.
#include <catch2/catch.hpp>

#include "data_plugin_run.hpp"
#include "ktrdr_server.hpp"

using namespace ktrdr;
using namespace ktrdr::test;
using Catch::Matchers::Contains;

namespace {

const std::map<std::string, std::string> kEnv = {
    {"KTRDR_PLUGIN_PATH", ""}, {"KTRDR_DATA_CONFIG", ""}, {"KTRDR_DATA_DIR", ""}};

constexpr const char* kAaplJanuary =
    "symbol: AAPL, timeframe: 1h, start: 2025-01-01, end: 2025-02-01";

Json json_of(const std::string& text) {
  auto json = Json::parse(text);
  INFO(text);
  REQUIRE(json.ok());
  return *json;
}

}  // namespace

TEST_CASE("a job file's relative data_dir is the file's directory's, wherever ktrdr runs from",
          "[e2e][data][paths]") {
  DataPlugin plugins;
  TempDir work;
  std::filesystem::create_directory(work.path() / "jobs");
  const auto job = work.write("jobs/load.yaml",
                              std::string("version: 1\njobs:\n  - name: aapl\n    kind: data.load\n"
                                          "    params: {") +
                                  kAaplJanuary + ", data_dir: ../store}\n");
  // The test runs in the build tree, not in `work`: a path taken from the working directory
  // would land there.
  REQUIRE(std::filesystem::current_path() != work.path());
  const Completed run =
      run_program(ktrdr_args(plugins.dir, {"run", job.string(), "--progress", "json"}), kEnv);
  INFO(run.out << run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(std::filesystem::is_regular_file(work.path() / "store" / "AAPL_1h.csv"));
  CHECK_FALSE(std::filesystem::exists(std::filesystem::current_path() / "store"));
}

TEST_CASE("serve takes request paths from its first --root and refuses any outside its roots",
          "[e2e][data][paths][serve]") {
  DataPlugin plugins;
  TempDir work;
  const auto root = work.path() / "root";
  std::filesystem::create_directory(root);
  std::filesystem::create_directory_symlink("/etc", root / "etc");
  KtrdrServer server(plugins.dir, work.path() / "ops.db",
                     {"--plugin", "data", "--root", root.string()}, kEnv);
  REQUIRE_FALSE(server.url().empty());
  CHECK_THAT(server.process().out(),
             Contains("paths confined to " + std::filesystem::canonical(root).string()));
  const std::string operations = server.url() + "/api/v1/operations";

  const CurlResponse inside = post(operations, "application/json",
                                   R"({"kind": "data.validate", "params": {"data_dir": "store"}})");
  REQUIRE(inside.status == 201);
  CHECK(json_of(inside.body).at("params").get_string("data_dir") ==
        (std::filesystem::canonical(root) / "store").string());

  for (const std::string data_dir : {"/etc", "../", "etc", "etc/ssl"}) {
    INFO(data_dir);
    const CurlResponse refused =
        post(operations, "application/json",
             R"({"kind": "data.validate", "params": {"data_dir": ")" + data_dir + R"("}})");
    CHECK(refused.status == 400);
    const Json error = json_of(refused.body).at("error");
    CHECK(error.get_string("code") == "invalid_argument");
    CHECK(error.at("details").get_string("field") == "data_dir");
    CHECK_THAT(error.get_string("message").value_or(""), Contains("outside the directories"));
  }
  const CurlResponse job_file =
      post(server.url() + "/api/v1/jobs", "application/yaml",
           std::string("version: 1\njobs:\n  - name: aapl\n    kind: data.load\n    params: {") +
               kAaplJanuary + ", data_dir: /tmp}\n");
  CHECK(job_file.status == 400);
  CHECK_THAT(job_file.body, Contains("outside the directories"));
  CHECK(server.stop() == 0);
}

TEST_CASE("serve refuses to start with a --root that is not a directory", "[e2e][paths][serve]") {
  DataPlugin plugins;
  TempDir work;
  const Completed run = run_program(
      ktrdr_args(plugins.dir, {"serve", "--port", "0", "--db", (work.path() / "ops.db").string(),
                               "--root", (work.path() / "missing").string()}),
      kEnv);
  CHECK(run.exit_code == 2);
  CHECK_THAT(run.err, Contains("--root " + (work.path() / "missing").string()) &&
                          Contains("not a directory"));
}
