#include <catch2/catch.hpp>

#include "ktrdr_cli.hpp"
#include "ktrdr_server.hpp"
#include "subprocess.hpp"

using namespace ktrdr;
using namespace ktrdr::test;
using Catch::Matchers::Contains;

TEST_CASE("ktrdr plugins lists plugins, kinds, adapters and refusals", "[e2e][plugins]") {
  TempDir dir;
  dir.copy_in(example_plugin());
  dir.copy_in(test_plugin("bad_abi"));

  SECTION("as JSON") {
    const Completed run = run_program(ktrdr_args(dir, {"plugins", "--json"}),
                                      {{"KTRDR_PLUGIN_PATH", ""}, {"USE_EXAMPLE_HOST_SERVICE", ""}});
    REQUIRE(run.exit_code == 1);  // bad_abi was refused
    auto json = Json::parse(run.out);
    REQUIRE(json.ok());
    // The plugins of `dir` come first; the install location (the build tree's) may add more.
    const Json plugins = json->at("plugins");
    REQUIRE(plugins.size() >= 2);
    CHECK(json->at("search_path")[0].as_string() == dir.path().string());
    const Json first = plugins[0];
    const Json example = first.get_string("name") == "example" ? first : plugins[1];
    const Json bad = first.get_string("name") == "example" ? plugins[1] : first;
    CHECK_THAT(example.get_string("path").value(), Contains(dir.path().string()));
    CHECK(example.get_string("status") == "loaded");
    CHECK(example.at("kinds")[0].as_string() == "example.primes");
    CHECK(example.at("job_kinds")[0].at("params").size() == 3);
    CHECK(example.at("adapters")[0].at("routing").get_string("mode") == "local");
    CHECK(bad.get_string("status") == "refused");
    CHECK_THAT(bad.get_string("refusal").value(), Contains("plugin ABI version 99"));
  }
  SECTION("as text, with the routing an environment variable selects") {
    const Completed run =
        run_program(ktrdr_args(dir, {"plugins"}),
                    {{"KTRDR_PLUGIN_PATH", ""},
                     {"USE_EXAMPLE_HOST_SERVICE", "yes"},
                     {"EXAMPLE_HOST_SERVICE_URL", "http://127.0.0.1:5999"}});
    REQUIRE(run.exit_code == 1);
    CHECK_THAT(run.out, Contains("example 1.0.0  [loaded]") &&
                            Contains("host_service http://127.0.0.1:5999") &&
                            Contains("bad_abi") && Contains("refused"));
  }
  SECTION("a bad routing flag is reported naming the variable") {
    const Completed run = run_program(ktrdr_args(dir, {"plugins"}),
                                      {{"KTRDR_PLUGIN_PATH", ""},
                                       {"USE_EXAMPLE_HOST_SERVICE", "maybe"}});
    REQUIRE(run.exit_code == 1);
    CHECK_THAT(run.out, Contains("USE_EXAMPLE_HOST_SERVICE") && Contains("maybe"));
  }
}

TEST_CASE("ktrdr plugins exits 0 when every plugin loads and --check lists only refusals",
          "[e2e][plugins]") {
  TempDir dir;
  dir.copy_in(example_plugin());
  const std::map<std::string, std::string> env = {{"KTRDR_PLUGIN_PATH", ""}};
  CHECK(run_program(ktrdr_args(dir, {"plugins", "--check"}), env).exit_code == 0);
  dir.copy_in(test_plugin("bad_abi"));
  const Completed check = run_program(ktrdr_args(dir, {"plugins", "--check"}), env);
  CHECK(check.exit_code == 1);
  CHECK_THAT(check.out, Contains("libktrdr_test_bad_abi.so: refused: built for plugin ABI version 99"));
  CHECK_THAT(check.out, !Contains("example"));
}

TEST_CASE("a plugin that crashes while registering is refused; plugins and serve go on",
          "[e2e][plugins]") {
  TempDir dir;
  dir.copy_in(example_plugin());
  dir.copy_in(test_plugin("crashes"));
  const std::map<std::string, std::string> env = {{"KTRDR_PLUGIN_PATH", ""}};

  const Completed listed = run_program(ktrdr_args(dir, {"plugins", "--json"}), env);
  CHECK(listed.exit_code == 1);
  auto json = Json::parse(listed.out);
  REQUIRE(json.ok());
  bool example_loaded = false;
  bool crash_named = false;
  for (std::size_t i = 0; i < json->at("plugins").size(); ++i) {
    const Json plugin = json->at("plugins")[i];
    if (plugin.get_string("name") == "example" && plugin.get_string("status") == "loaded") {
      example_loaded = true;  // the copy in `dir`; the build's own copy is shadowed by it
    }
    if (plugin.get_string("name") == "crashes") {
      crash_named = plugin.get_string("status") == "refused" &&
                    plugin.get_string("refusal").value_or("").find(
                        "crashed while registering (signal 11") != std::string::npos;
    }
  }
  CHECK(example_loaded);
  CHECK(crash_named);

  TempDir work;
  KtrdrServer server(dir, work.path() / "ops.db");
  REQUIRE_FALSE(server.url().empty());
  CHECK(curl({"-X", "POST", "-H", "Content-Type: application/json", "--data-binary",
              R"({"kind": "example.primes", "params": {"limit": 100}})",
              server.url() + "/api/v1/operations"})
            .status == 201);
  CHECK(server.stop() == 0);
}

TEST_CASE("a run whose plugin crashes while registering names the plugin", "[e2e][plugins]") {
  TempDir dir;
  dir.copy_in(test_plugin("crashes"));
  TempDir work;
  const auto jobs = work.write("jobs.yaml", "version: 1\njobs:\n  - {name: a, kind: crashes.x}\n");
  const Completed run =
      run_program(ktrdr_args(dir, {"run", jobs.string()}), {{"KTRDR_PLUGIN_PATH", ""}});
  CHECK(run.exit_code != 0);
  CHECK_THAT(run.err, Contains("plugin 'crashes'") && Contains("crashed while registering"));
}
