// ktrdr: the engine's command line — run job files, list plugins, serve the operations API,
// control a server's operations and check the connection to Interactive Brokers.
#include <CLI/CLI.hpp>

#include <csignal>
#include <iostream>
#include <string_view>

#include "commands.hpp"
#include "plugin_host.hpp"
#include "plugin_probe.hpp"
#include "job_runner.hpp"
#include "ktrdr/sdk/version.hpp"

namespace {

// Where TWS / IB Gateway is: --tws-host, --tws-port, --client-id (serve and ib check).
void add_tws_options(CLI::App& command, ktrdr::engine::DataProviderOptions& data) {
  command.add_option("--tws-host", data.tws_host, "Host of TWS / IB Gateway (default 127.0.0.1)");
  command
      .add_option("--tws-port", data.tws_port,
                  "Port of TWS / IB Gateway (default 4002: Gateway paper; 7497: TWS paper)")
      ->check(CLI::Range(1, 65535));
  command
      .add_option("--client-id", data.client_id,
                  "API client id (default 1; one per connection: give `ktrdr ib check` another "
                  "than a running `ktrdr serve`)")
      ->check(CLI::NonNegativeNumber);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ktrdr::engine;
  // The plugin probe's child (see plugin_probe.hpp): not a command for people, so not in --help.
  if (argc == 3 && std::string_view(argv[1]) == kProbeCommand) return PluginHost::probe_main(argv[2]);
  // Past a file-size limit (ulimit -f) a write then fails with EFBIG and is reported like a
  // full disk, instead of the signal killing the process.
  std::signal(SIGXFSZ, SIG_IGN);
  CLI::App app{"ktrdr — trading research engine (SDK " KTRDR_SDK_VERSION ")", "ktrdr"};
  app.set_version_flag("--version", "ktrdr " KTRDR_SDK_VERSION);
  app.require_subcommand(1);

  GlobalOptions global;
  app.add_option("--plugin-dir", global.plugin_dirs,
                 "Directory to search for plugins first (repeatable); then KTRDR_PLUGIN_PATH, "
                 "then the install location");
  app.add_option("--threads", global.threads, "Worker threads for operations")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();

  RunOptions run;
  std::string progress = "auto";
  auto* run_cmd = app.add_subcommand("run", "Run the jobs of a YAML job file");
  run_cmd->add_option("job_file", run.job_file, "The job file (YAML)")->required();
  run_cmd->add_option("--progress", progress, "Progress display")
      ->check(CLI::IsMember({"auto", "tty", "plain", "json"}))
      ->capture_default_str();
  run_cmd->add_option("--set", run.sets,
                      "Override a param: key=value (every job that has it) or job.key=value");

  PluginsOptions plugins;
  auto* plugins_cmd = app.add_subcommand("plugins", "List plugins, their job kinds and status");
  plugins_cmd->add_flag("--json", plugins.json, "Machine-readable output");
  plugins_cmd->add_flag("--check", plugins.check,
                        "Print only the refused plugins, with why (for CI); the exit status is 1 "
                        "when any plugin was refused, with or without --check");

  ServeOptions serve;
  auto* serve_cmd = app.add_subcommand(
      "serve", "Serve the operations API (and the plugins' routes): a host service");
  serve_cmd->add_option("--host", serve.host, "Address to bind")->capture_default_str();
  serve_cmd->add_option("--port", serve.port, "Port to listen on (0: any free port)")
      ->capture_default_str();
  serve_cmd->add_option("--plugin", serve.plugins,
                        "Load only this plugin (repeatable; default: every plugin found)");
  serve_cmd->add_option("--db", serve.db,
                        "Operations database (default: $XDG_DATA_HOME/ktrdr/operations.db)");
  serve_cmd->add_flag("--insecure", serve.insecure,
                      "Serve a non-loopback --host without KTRDR_API_TOKEN (anyone who can "
                      "reach the port can run jobs)");
  serve_cmd->add_option("--allow-origin", serve.allowed_origins,
                        "A web origin (http://host:port) whose pages may start and cancel "
                        "operations (repeatable; default: none but the server's own)");

  serve_cmd->add_option("--root", serve.roots,
                        "A directory whose files jobs sent to this server may read and write "
                        "(repeatable; relative paths in requests are taken from the first; "
                        "default: the working directory)");
  serve_cmd->add_option("--keep-days", serve.keep_days,
                        "Delete finished operations created more than this many days ago (at "
                        "start and hourly; default: keep them)")
      ->check(CLI::NonNegativeNumber);
  serve_cmd->add_option("--provider", serve.data.provider,
                        "The data plugin's provider for the IB host service routes: csv-archive, "
                        "synthetic or tws (IB's TWS / IB Gateway)");
  add_tws_options(*serve_cmd, serve.data);
  serve_cmd->add_option("--keep", serve.keep,
                        "Keep at most this many finished operations, the newest (at start and "
                        "hourly; default: all)");

  IbCheckOptions ib;
  std::string ib_progress = "auto";
  auto* ib_cmd =
      app.add_subcommand("ib", "Interactive Brokers: check the connection to TWS / IB Gateway");
  ib_cmd->require_subcommand(1);
  auto* ib_check_cmd = ib_cmd->add_subcommand(
      "check",
      "Connect to TWS / IB Gateway and print the server version, the accounts, and a "
      "symbol's contract and head timestamp");
  add_tws_options(*ib_check_cmd, ib.data);
  ib_check_cmd->add_option("--symbol", ib.symbol, "A symbol to look up")->capture_default_str();
  ib_check_cmd->add_option("--timeframe", ib.timeframe, "The bar size of the head timestamp")
      ->capture_default_str();
  ib_check_cmd->add_option("--progress", ib_progress, "Progress display")
      ->check(CLI::IsMember({"auto", "tty", "plain", "json"}))
      ->capture_default_str();

  OpsOptions ops;
  auto* ops_cmd = app.add_subcommand("ops", "Inspect and control the operations of a server");
  ops_cmd->require_subcommand(1);
  ops_cmd->add_option("--url", ops.url,
                      "The server (default: $KTRDR_API_URL, else http://127.0.0.1:8000)");
  auto* list_cmd = ops_cmd->add_subcommand("list", "List operations, newest first");
  list_cmd->add_option("--status", ops.status, "pending|running|completed|failed|cancelled");
  list_cmd->add_option("--kind", ops.kind, "Only this job kind");
  list_cmd->add_option("--limit", ops.limit, "How many")->capture_default_str();
  list_cmd->add_flag("--json", ops.json, "Machine-readable output");
  auto* show_cmd = ops_cmd->add_subcommand("show", "Show one operation's record");
  show_cmd->add_option("id", ops.id, "Operation id")->required();
  show_cmd->add_flag("--json", ops.json, "Compact JSON");
  auto* cancel_cmd = ops_cmd->add_subcommand("cancel", "Cancel an operation");
  cancel_cmd->add_option("id", ops.id, "Operation id")->required();
  auto* watch_cmd = ops_cmd->add_subcommand(
      "watch", "Follow an operation's progress (Ctrl-C stops watching, never cancels)");
  watch_cmd->add_option("id", ops.id, "Operation id")->required();
  auto* prune_cmd = ops_cmd->add_subcommand(
      "prune", "Delete finished operations from the server's history (default: by its own "
               "--keep-days/--keep)");
  prune_cmd->add_option("--keep-days", ops.keep_days,
                        "Delete those created more than this many days ago")
      ->check(CLI::NonNegativeNumber);
  prune_cmd->add_option("--keep", ops.keep, "Keep only this many, the newest");
  std::string watch_progress = "auto";
  watch_cmd->add_option("--progress", watch_progress, "Progress display")
      ->check(CLI::IsMember({"auto", "tty", "plain", "json"}))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  try {
    if (run_cmd->parsed()) {
      run.progress = *progress_style_from_string(progress);
      return run_command(global, run);
    }
    if (serve_cmd->parsed()) return serve_command(global, serve);
    if (ib_check_cmd->parsed()) {
      ib.progress = *progress_style_from_string(ib_progress);
      return ib_check_command(global, ib);
    }
    if (ops_cmd->parsed()) {
      for (auto* sub : ops_cmd->get_subcommands()) ops.action = sub->get_name();
      ops.progress = *progress_style_from_string(watch_progress);
      return ops_command(global, ops);
    }
    return plugins_command(global, plugins);
  } catch (const std::exception& e) {
    std::cerr << "ktrdr: internal error: " << e.what() << "\n";
    return kExitFailed;
  }
}
