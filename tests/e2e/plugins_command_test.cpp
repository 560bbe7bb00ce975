#include <catch2/catch.hpp>

#include "ktrdr_cli.hpp"
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
    REQUIRE(run.exit_code == 0);
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
    CHECK_THAT(bad.get_string("refusal").value(), Contains("plugin API version 99"));
  }
  SECTION("as text, with the routing an environment variable selects") {
    const Completed run =
        run_program(ktrdr_args(dir, {"plugins"}),
                    {{"KTRDR_PLUGIN_PATH", ""},
                     {"USE_EXAMPLE_HOST_SERVICE", "yes"},
                     {"EXAMPLE_HOST_SERVICE_URL", "http://127.0.0.1:5999"}});
    REQUIRE(run.exit_code == 0);
    CHECK_THAT(run.out, Contains("example 1.0.0  [loaded]") &&
                            Contains("host_service http://127.0.0.1:5999") &&
                            Contains("bad_abi") && Contains("refused"));
  }
  SECTION("a bad routing flag is reported naming the variable") {
    const Completed run = run_program(ktrdr_args(dir, {"plugins"}),
                                      {{"KTRDR_PLUGIN_PATH", ""},
                                       {"USE_EXAMPLE_HOST_SERVICE", "maybe"}});
    REQUIRE(run.exit_code == 0);
    CHECK_THAT(run.out, Contains("USE_EXAMPLE_HOST_SERVICE") && Contains("maybe"));
  }
}
