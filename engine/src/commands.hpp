// The `ktrdr` subcommands. Each returns the process exit code (0 ok, 1 a job failed, 2 bad
// input, 130 cancelled) and reports problems on stderr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
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
  bool check = false;  // print only the refused plugins (exit 1 when there are any)
};
int plugins_command(const GlobalOptions& global, const PluginsOptions& options);

struct ServeOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8000;  // 0 = any free port (printed)
  std::vector<std::string> plugins;  // empty = every plugin found
  std::filesystem::path db;          // empty = OperationStore::default_path()
  bool insecure = false;  // allow a non-loopback --host without KTRDR_API_TOKEN
  std::vector<std::string> allowed_origins;  // web origins that may POST/DELETE besides its own
  // Directories the paths of requests may name (the first is the base of relative ones); empty =
  // the working directory.
  std::vector<std::filesystem::path> roots;
  // History retention (both unset: keep everything): finished operations older than this many
  // days, and past the newest `keep`, are deleted at start and hourly.
  std::optional<std::int64_t> keep_days;
  std::optional<std::size_t> keep;
};
int serve_command(const GlobalOptions& global, const ServeOptions& options);

struct OpsOptions {
  std::string url;  // empty = KTRDR_API_URL, else http://127.0.0.1:8000
  std::string action;  // list | show | cancel | watch | prune
  std::string id;
  std::string status;
  std::string kind;
  std::size_t limit = 20;
  std::optional<std::int64_t> keep_days;  // prune
  std::optional<std::size_t> keep;        // prune
  bool json = false;
  ProgressStyle progress = ProgressStyle::kAuto;
};
int ops_command(const GlobalOptions& global, const OpsOptions& options);

}  // namespace ktrdr::engine
