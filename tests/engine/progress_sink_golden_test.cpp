#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "engine_fixture.hpp"
#include "job_runner.hpp"
#include "json_progress_sink.hpp"
#include "plain_progress_sink.hpp"

using namespace ktrdr;
using namespace ktrdr::engine;

namespace {

constexpr const char* kJobs = R"(version: 1
jobs:
  - {name: primes, kind: example.primes, params: {limit: 1000000, chunk_size: 100000}}
  - {name: broken, kind: test.fail}
  - {name: dependent, kind: test.wait, needs: broken}
)";

// Replaces what differs from run to run: ids, times, durations and rates.
std::string normalise(std::string text) {
  const std::pair<std::regex, const char*> rules[] = {
      {std::regex(R"(op_[a-z0-9_]+_\d{8}_\d{6}_[0-9a-f]{8})"), "OP"},
      {std::regex(R"re("\d{4}-\d\d-\d\dT[0-9:.]+Z")re"), "\"TIME\""},
      {std::regex(R"re("(seconds|items_per_second|eta_seconds)":(-?[0-9.e+-]+|null))re"),
       "\"$1\":N"},
      {std::regex(R"( in \d+(\.\d+)?s)"), " in Ns"},
      {std::regex(R"(in \d+\.\d\d s on)"), "in N s on"},
  };
  for (const auto& [pattern, replacement] : rules) {
    text = std::regex_replace(text, pattern, replacement);
  }
  return text;
}

// Compares with tests/engine/golden/<name>; KTRDR_UPDATE_GOLDEN=1 rewrites the file instead.
void check_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(KTRDR_GOLDEN_DIR) + "/" + name;
  if (std::getenv("KTRDR_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(path) << actual;
    return;
  }
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream expected;
  expected << in.rdbuf();
  CHECK(actual == expected.str());
}

}  // namespace

TEST_CASE("plain progress output matches its golden file", "[engine][sink]") {
  test::EngineFixture f;
  const JobFile file = f.load(kJobs);
  std::ostringstream out;
  PlainProgressSink sink(out, std::chrono::hours(1));
  const auto reports = JobRunner(f.engine, sink).run(file, {});
  const std::string text = out.str();
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text.find('\033') == std::string::npos);
  check_golden("plain.txt", normalise(text));
}

TEST_CASE("json progress output matches its golden file", "[engine][sink]") {
  test::EngineFixture f;
  const JobFile file = f.load(kJobs);
  std::ostringstream out;
  JsonProgressSink sink(out);
  const auto reports = JobRunner(f.engine, sink).run(file, {});
  std::stringstream lines(out.str());
  std::string kept;
  int progress_events = 0;
  for (std::string line; std::getline(lines, line);) {
    auto event = Json::parse(line);
    REQUIRE(event.ok());
    if (event->get_string("type") == "progress") {
      // How many progress events arrive depends on timing; their shape does not.
      ++progress_events;
      CHECK(event->has("operation_id"));
      CHECK(event->at("progress").has("percentage"));
      CHECK(event->at("progress").at("context").is_object());
      continue;
    }
    kept += line + "\n";
  }
  CHECK(progress_events > 0);
  check_golden("json.ndjson", normalise(kept));
}
