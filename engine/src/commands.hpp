// The `ktrdr` subcommands. Each returns the process exit code (0 ok, 1 a job failed, 2 bad
// input, 130 cancelled) and reports problems on stderr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "job_file.hpp"
#include "path_policy.hpp"
#include "progress_sink.hpp"

namespace ktrdr::engine {

struct GlobalOptions {
  std::vector<std::filesystem::path> plugin_dirs;
  std::size_t threads = 4;
};

// The data plugin's provider settings given on the command line; unset: the plugin's config
// file's or its defaults.
struct DataProviderOptions {
  std::optional<std::string> provider;  // csv-archive, synthetic, tws
  std::optional<std::string> tws_host;
  std::optional<std::uint16_t> tws_port;
  std::optional<int> client_id;
};
// Hands them to the data plugin, which reads its settings from the environment when it
// registers: KTRDR_DATA_PROVIDER, KTRDR_TWS_HOST, KTRDR_TWS_PORT, KTRDR_TWS_CLIENT_ID. Call
// before loading plugins.
void export_data_provider_options(const DataProviderOptions& options);

struct RunOptions {
  std::filesystem::path job_file;
  ProgressStyle progress = ProgressStyle::kAuto;
  std::vector<std::string> sets;  // --set key=value
};
int run_command(const GlobalOptions& global, const RunOptions& options);
// What run_command does once the job file is read: loads the plugins its kinds need, resolves
// the jobs (the overrides applied, paths under `paths`) and runs them, showing progress.
int run_jobs(const GlobalOptions& global, const JobFile& file,
             const std::vector<ParamOverride>& overrides, const PathPolicy& paths,
             ProgressStyle progress);

// `ktrdr ib check`: a data.check job on the tws provider — connects to TWS / IB Gateway and
// prints the server version, the accounts, and a symbol's contract and head timestamp.
struct IbCheckOptions {
  DataProviderOptions data;  // provider is tws
  std::string symbol = "AAPL";
  std::string timeframe = "1h";
  ProgressStyle progress = ProgressStyle::kAuto;
};
int ib_check_command(const GlobalOptions& global, const IbCheckOptions& options);

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
  DataProviderOptions data;
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
