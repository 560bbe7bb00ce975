// Paths of the test plugins built by tests/plugins, for engine and end-to-end tests.
#pragma once

#include <filesystem>
#include <string>

namespace ktrdr::test {

inline std::filesystem::path test_plugin(const std::string& name) {
  return std::filesystem::path(KTRDR_TEST_PLUGIN_DIR) / ("libktrdr_test_" + name + ".so");
}
inline std::filesystem::path example_plugin() { return KTRDR_EXAMPLE_PLUGIN; }

}  // namespace ktrdr::test
