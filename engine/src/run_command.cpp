#include <unistd.h>

#include <iostream>
#include <set>

#include "commands.hpp"
#include "engine.hpp"
#include "job_runner.hpp"
#include "signal_watcher.hpp"

namespace ktrdr::engine {
namespace {

void print_errors(const std::vector<Error>& errors) {
  for (const Error& error : errors) std::cerr << "ktrdr: error: " << error.message << "\n";
}

}  // namespace

int run_command(const GlobalOptions& global, const RunOptions& options) {
  JobFileLoad load = parse_job_file(options.job_file);
  std::vector<ParamOverride> overrides;
  for (const std::string& text : options.sets) {
    auto parsed = parse_param_override(text);
    if (parsed.ok()) {
      overrides.push_back(std::move(*parsed));
    } else {
      load.errors.push_back(parsed.error());
    }
  }
  if (!load.ok()) {
    print_errors(load.errors);
    return kExitBadInput;
  }

  return run_jobs(global, load.file, overrides, PathPolicy::for_job_file(options.job_file),
                  options.progress);
}

int run_jobs(const GlobalOptions& global, const JobFile& file,
             const std::vector<ParamOverride>& overrides, const PathPolicy& paths,
             ProgressStyle progress) {
  // Before any thread exists, so that every thread inherits the blocked signal mask.
  CancellationSource run_source;
  SignalWatcher signals(
      run_source, [](std::string_view what) { std::cerr << "\nktrdr: " << what << std::endl; });

  Engine engine(PluginHost::default_search_path(global.plugin_dirs), global.threads);
  std::set<std::string> kinds;
  for (const JobSpec& job : file.jobs) kinds.insert(job.kind);
  (void)engine.plugins().load_for(kinds);
  for (const PluginEntry& entry : engine.plugins().plugins()) {
    if (entry.status == PluginStatus::kRefused) {
      std::cerr << "ktrdr: warning: plugin '" << entry.name << "' (" << entry.path.string()
                << ") refused: " << entry.refusal << "\n";
    }
  }
  JobFile resolved = file;
  const std::vector<Error> errors = engine.resolve(resolved, overrides, paths);
  if (!errors.empty()) {
    print_errors(errors);
    return kExitBadInput;
  }

  auto sink = make_progress_sink(progress, std::cout, isatty(STDOUT_FILENO) == 1);
  JobRunner runner(engine, *sink);
  const auto reports = runner.run(resolved, run_source.token());
  return JobRunner::exit_code(reports, run_source.is_cancelled());
}

}  // namespace ktrdr::engine
