// The `ktrdr` subcommands. Each returns the process exit code (0 ok, 1 a job failed, 2 bad
// input, 130 cancelled) and reports problems on stderr.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "progress_sink.hpp"

namespace ktrdr::engine {

struct GlobalOptions {
  std::vector<std::filesystem::path> plugin_dirs;
  std::size_t threads = 4;
};

struct RunOptions {
  std::filesystem::path job_file;
  ProgressStyle progress = ProgressStyle::kAuto;
  std::vector<std::string> sets;  // --set key=value
};
int run_command(const GlobalOptions& global, const RunOptions& options);

struct PluginsOptions {
  bool json = false;
};
int plugins_command(const GlobalOptions& global, const PluginsOptions& options);

}  // namespace ktrdr::engine
