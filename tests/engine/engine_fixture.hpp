// A real Engine over a temporary plugin directory holding the example plugin and the test_jobs
// plugin, for runner and sink tests.
#pragma once

#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "engine.hpp"
#include "job_file.hpp"
#include "temp_dir.hpp"
#include "test_plugins.hpp"

namespace ktrdr::test {

struct EngineFixture {
  TempDir plugin_dir;
  engine::Engine engine;

  EngineFixture() : engine(plugin_search_path(plugin_dir), 2) {}

  static std::vector<std::filesystem::path> plugin_search_path(const TempDir& dir) {
    dir.copy_in(example_plugin());
    dir.copy_in(test_plugin("jobs"));
    return {dir.path()};
  }

  // Parses `text`, loads the plugins it needs and resolves params; fails the test on any error.
  engine::JobFile load(const std::string& text) {
    engine::JobFileLoad load = engine::parse_job_text(text, "test.yaml");
    for (const auto& e : load.errors) FAIL(e.message);
    std::set<std::string> kinds;
    for (const auto& job : load.file.jobs) kinds.insert(job.kind);
    REQUIRE(engine.plugins().load_for(kinds).empty());
    std::vector<Error> errors;
    engine::resolve_job_params(
        load.file, {}, engine::PathPolicy(),
        [&](const std::string& kind) { return &engine.plugins().find_kind(kind)->schema; },
        [](const std::string& kind) { return kind; }, errors);
    for (const auto& e : errors) FAIL(e.message);
    return load.file;
  }
};

}  // namespace ktrdr::test
