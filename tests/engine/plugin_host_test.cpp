#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "ktrdr/sdk/executor.hpp"
#include "ktrdr/sdk/plugin_api.hpp"
#include "plugin_host.hpp"
#include "temp_dir.hpp"
#include "test_plugins.hpp"

using namespace ktrdr;
using namespace ktrdr::engine;
using ktrdr::test::TempDir;
using Catch::Matchers::Contains;

namespace {

struct Host {
  OperationRegistry registry;
  ThreadPoolExecutor executor{1};
  PluginHost host;
  explicit Host(const std::filesystem::path& dir) : host({&registry, &executor}, {dir}) {}

  const PluginEntry& entry(const std::string& name) const {
    for (const PluginEntry& e : host.plugins()) {
      if (e.name == name) return e;
    }
    FAIL("no plugin named " << name);
    throw std::logic_error("unreachable");
  }
};

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("a valid plugin is discovered without loading and loaded on demand",
          "[engine][plugins]") {
  TempDir dir;
  dir.copy_in(test::example_plugin());
  Host h(dir.path());
  REQUIRE(h.host.plugins().size() == 1);
  const PluginEntry& example = h.entry("example");
  CHECK(example.status == PluginStatus::kAvailable);
  CHECK(example.kinds == std::vector<std::string>{"example.primes"});
  CHECK(example.sdk_version == KTRDR_SDK_VERSION);
  CHECK(h.host.find_kind("example.primes") == nullptr);

  CHECK(h.host.load_for({"example.primes"}).empty());
  CHECK(example.status == PluginStatus::kLoaded);
  const JobKindSpec* kind = h.host.find_kind("example.primes");
  REQUIRE(kind != nullptr);
  CHECK(kind->schema.find("limit") != nullptr);
  CHECK(h.host.adapters("example").size() == 1);
  CHECK(h.host.adapters("example")[0].env_prefix == "EXAMPLE");
  CHECK(h.host.renderer_for("example.primes") != nullptr);
}

TEST_CASE("a run loads only the plugins its job kinds need", "[engine][plugins]") {
  TempDir dir;
  dir.copy_in(test::example_plugin());
  dir.copy_in(test::test_plugin("jobs"));
  Host h(dir.path());
  CHECK(h.host.load_for({"test.fail"}).empty());
  CHECK(h.entry("test").status == PluginStatus::kLoaded);
  CHECK(h.entry("example").status == PluginStatus::kAvailable);
  CHECK(h.host.load_for({"no.such_kind"}) == std::set<std::string>{"no.such_kind"});
}

TEST_CASE("broken plugins are refused with a reason and the others still work",
          "[engine][plugins]") {
  TempDir dir;
  TempDir marker_dir;
  const auto marker = marker_dir.path() / "loaded.txt";
  setenv("KTRDR_TEST_PLUGIN_MARKER", marker.c_str(), 1);
  dir.copy_in(test::example_plugin());

  SECTION("a wrong plugin API version is refused before any plugin code runs, naming both") {
    dir.copy_in(test::test_plugin("bad_abi"));
    Host h(dir.path());
    h.host.load_all();
    const PluginEntry& bad = h.entry("bad_abi");
    CHECK(bad.status == PluginStatus::kRefused);
    CHECK_THAT(bad.refusal,
               Contains("plugin ABI version 99") &&
                   Contains("supports version " + std::to_string(KTRDR_PLUGIN_API_VERSION)) &&
                   Contains("rebuild the plugin"));
    CHECK_THAT(read_file(marker), !Contains("bad_abi"));
    CHECK(h.entry("example").status == PluginStatus::kLoaded);
  }
  SECTION("a plugin built against another SDK release with this plugin ABI loads") {
    dir.copy_in(test::test_plugin("other_release"));
    Host h(dir.path());
    h.host.load_all();
    CHECK(h.entry("other_release").status == PluginStatus::kLoaded);
    CHECK(h.entry("other_release").sdk_version == "0.0.1");
    CHECK(h.host.find_kind("other_release.x") != nullptr);
    CHECK(h.entry("example").status == PluginStatus::kLoaded);
  }
  SECTION("a library without a descriptor is refused unloaded") {
    dir.copy_in(test::test_plugin("no_descriptor"));
    Host h(dir.path());
    h.host.load_all();
    CHECK_THAT(h.entry("libktrdr_test_no_descriptor").refusal, Contains("no .ktrdr_plugin"));
    CHECK_THAT(read_file(marker), !Contains("no_descriptor"));
    CHECK(h.entry("example").status == PluginStatus::kLoaded);
  }
  SECTION("a file that is not a shared library is refused") {
    dir.write("libktrdr_fake.so", "this is not a plugin\n");
    Host h(dir.path());
    h.host.load_all();
    CHECK_THAT(h.entry("libktrdr_fake").refusal, Contains("not an ELF"));
    CHECK(h.entry("example").status == PluginStatus::kLoaded);
  }
  SECTION("a plugin without a register function is refused") {
    dir.copy_in(test::test_plugin("no_factory"));
    Host h(dir.path());
    h.host.load_all();
    CHECK_THAT(h.entry("no_factory").refusal, Contains("ktrdr_plugin_register is missing"));
    CHECK(h.host.find_kind("no_factory.x") == nullptr);
    CHECK(h.entry("example").status == PluginStatus::kLoaded);
  }
  SECTION("a plugin that throws while registering is refused with the exception's message") {
    dir.copy_in(test::test_plugin("throws"));
    Host h(dir.path());
    h.host.load_all();
    CHECK_THAT(h.entry("throws").refusal,
               Contains("threw during registration") && Contains("boom"));
    CHECK(h.entry("example").status == PluginStatus::kLoaded);
  }
  SECTION("a plugin declaring another's kind is refused before its code runs, the owner is not") {
    dir.copy_in(test::test_plugin("duplicate_kind"));
    Host h(dir.path());
    h.host.load_all();
    const PluginEntry& duplicate = h.entry("duplicate_kind");
    CHECK(duplicate.status == PluginStatus::kRefused);
    CHECK_THAT(duplicate.refusal, Contains("example.primes") && Contains("outside its namespace") &&
                                      Contains("'duplicate_kind.<kind>'"));
    CHECK_THAT(read_file(marker), !Contains("duplicate_kind"));
    CHECK(h.entry("example").status == PluginStatus::kLoaded);
    CHECK(h.host.find_kind("example.primes") != nullptr);
  }
  SECTION("a descriptor that does not match what the plugin registers is refused as stale") {
    dir.copy_in(test::test_plugin("stale"));
    Host h(dir.path());
    h.host.load_all();
    const PluginEntry& stale = h.entry("stale");
    CHECK(stale.status == PluginStatus::kRefused);
    CHECK_THAT(stale.refusal, Contains("stale.undeclared") && Contains("stale descriptor") &&
                                  Contains("declares job kind 'stale.declared'"));
    CHECK(h.host.find_kind("stale.undeclared") == nullptr);
    CHECK(h.entry("example").status == PluginStatus::kLoaded);
  }
  unsetenv("KTRDR_TEST_PLUGIN_MARKER");
}

TEST_CASE("the same plugin found twice on the search path: the first wins", "[engine][plugins]") {
  TempDir first;
  TempDir second;
  first.copy_in(test::example_plugin());
  second.copy_in(test::example_plugin());
  OperationRegistry registry;
  ThreadPoolExecutor executor(1);
  PluginHost host({&registry, &executor}, {first.path(), second.path()});
  REQUIRE(host.plugins().size() == 2);
  CHECK(host.plugins()[0].status == PluginStatus::kAvailable);
  CHECK(host.plugins()[1].status == PluginStatus::kShadowed);
  CHECK(host.plugins()[1].refusal == host.plugins()[0].path.string());
  host.load_all();
  CHECK(host.plugins()[0].status == PluginStatus::kLoaded);
  CHECK(host.plugins()[1].status == PluginStatus::kShadowed);
}

TEST_CASE("a plugin of the same name found first but failing to register leaves the name to the next",
          "[engine][plugins]") {
  TempDir first;
  TempDir second;
  first.copy_in(test::test_plugin("impostor"));  // "example", throws while registering
  second.copy_in(test::example_plugin());
  OperationRegistry registry;
  ThreadPoolExecutor executor(1);
  PluginHost host({&registry, &executor}, {first.path(), second.path()});
  REQUIRE(host.plugins().size() == 2);
  CHECK(host.plugins()[1].status == PluginStatus::kShadowed);
  CHECK(host.load_for({"example.primes"}).empty());
  CHECK(host.plugins()[0].status == PluginStatus::kRefused);
  CHECK_THAT(host.plugins()[0].refusal, Contains("threw during registration"));
  CHECK(host.plugins()[1].status == PluginStatus::kLoaded);
  REQUIRE(host.find_kind("example.primes") != nullptr);
  CHECK(host.find_kind("example.primes")->schema.find("limit") != nullptr);
}
