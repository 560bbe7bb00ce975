#include <catch2/catch.hpp>

#include <string>

#include "plugin_descriptor_reader.hpp"
#include "temp_dir.hpp"
#include "test_plugins.hpp"

using namespace ktrdr;
using ktrdr::test::TempDir;

TEST_CASE("the descriptor is read from the plugin file", "[engine][plugins]") {
  auto descriptor = engine::read_plugin_descriptor(test::example_plugin());
  REQUIRE(descriptor.ok());
  CHECK(std::string(descriptor->name) == "example");
  CHECK(descriptor->api_version == KTRDR_PLUGIN_API_VERSION);
  CHECK(std::string(descriptor->sdk_version) == KTRDR_SDK_VERSION);
  CHECK(std::string(descriptor->stdlib) == KTRDR_STDLIB_TAG);
  CHECK(std::string(descriptor->kinds) == "example.primes");
}

TEST_CASE("unreadable, foreign and truncated files are reported", "[engine][plugins]") {
  TempDir dir;
  SECTION("a missing file is an I/O error naming it") {
    auto result = engine::read_plugin_descriptor(dir.path() / "nope.so");
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == ErrorCode::kIo);
    CHECK(result.error().get("file") == (dir.path() / "nope.so").string());
  }
  SECTION("a text file is not a plugin") {
    auto result = engine::read_plugin_descriptor(dir.write("x.so", "hello"));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == ErrorCode::kPluginRefused);
  }
  SECTION("an ELF header with a section table past the end of the file is truncated") {
    std::string bytes(64, '\0');
    bytes.replace(0, 4, "\x7f" "ELF");
    bytes[4] = 2;   // 64-bit
    bytes[16] = 3;  // ET_DYN
    bytes[40] = 0x7f;  // e_shoff far away
    bytes[58] = 64;    // e_shentsize
    bytes[60] = 2;     // e_shnum
    bytes[62] = 1;     // e_shstrndx
    auto result = engine::read_plugin_descriptor(dir.write("t.so", bytes));
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().code == ErrorCode::kPluginRefused);
  }
}
