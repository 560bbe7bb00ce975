// ktrdr: the engine's command line — run job files, list plugins.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.hpp"
#include "job_runner.hpp"
#include "ktrdr/sdk/version.hpp"

int main(int argc, char** argv) {
  using namespace ktrdr::engine;
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
    return plugins_command(global, plugins);
  } catch (const std::exception& e) {
    std::cerr << "ktrdr: internal error: " << e.what() << "\n";
    return kExitFailed;
  }
}
