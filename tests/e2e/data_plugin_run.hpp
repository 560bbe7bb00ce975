// The data plugin in a plugin directory of its own, the environment that routes loads to an IB
// host service, and `ktrdr run --progress json` output read back, for the data domain's
// end-to-end tests.
#pragma once

#include <catch2/catch.hpp>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "ktrdr_cli.hpp"

namespace ktrdr::test {

// A plugin directory with just the data plugin.
struct DataPlugin {
  TempDir dir;
  DataPlugin() { dir.copy_in(KTRDR_DATA_PLUGIN); }
};

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream stream(text);
  for (std::string line; std::getline(stream, line);) out.push_back(line);
  return out;
}

// `server_env` plus what routes a `ktrdr run`'s loads to the IB host service at `url`.
inline std::map<std::string, std::string> routed_env(std::map<std::string, std::string> server_env,
                                                     const std::string& url) {
  server_env["USE_IB_HOST_SERVICE"] = "true";
  server_env["IB_HOST_SERVICE_URL"] = url;
  return server_env;
}

// The one job_finished event of a run's output lines.
inline Json finished_event(const std::vector<std::string>& lines) {
  const auto finished = events_of_type(parse_ndjson(lines), "job_finished");
  REQUIRE(finished.size() == 1);
  return finished[0];
}

}  // namespace ktrdr::test
