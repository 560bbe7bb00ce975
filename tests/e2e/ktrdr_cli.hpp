// Helpers for end-to-end tests: the real ktrdr binary, a plugin directory with the example and
// test plugins, and NDJSON output parsing.
#pragma once

#include <string>
#include <vector>

#include "ktrdr/sdk/json.hpp"
#include "temp_dir.hpp"
#include "test_plugins.hpp"

namespace ktrdr::test {

// `ktrdr --plugin-dir <dir> args…`, with KTRDR_PLUGIN_PATH cleared so only `dir` counts.
inline std::vector<std::string> ktrdr_args(const TempDir& plugins,
                                           std::vector<std::string> args) {
  std::vector<std::string> argv = {KTRDR_BINARY, "--plugin-dir", plugins.path().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

// A plugin directory with the example plugin and the test_jobs plugin.
struct Plugins {
  TempDir dir;
  Plugins() {
    dir.copy_in(example_plugin());
    dir.copy_in(test_plugin("jobs"));
  }
};

inline std::vector<Json> parse_ndjson(const std::vector<std::string>& lines) {
  std::vector<Json> events;
  for (const std::string& line : lines) {
    auto event = Json::parse(line);
    if (event.ok()) events.push_back(std::move(*event));
  }
  return events;
}

// The events of one type ("job_finished").
inline std::vector<Json> events_of_type(const std::vector<Json>& events, const std::string& type) {
  std::vector<Json> out;
  for (const Json& event : events) {
    if (event.get_string("type") == type) out.push_back(event);
  }
  return out;
}

}  // namespace ktrdr::test
