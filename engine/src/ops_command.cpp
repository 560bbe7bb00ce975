#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "commands.hpp"
#include "engine.hpp"
#include "job_runner.hpp"
#include "ktrdr/sdk/host_service_client.hpp"
#include "signal_watcher.hpp"

namespace ktrdr::engine {
namespace {

constexpr const char* kDefaultApiUrl = "http://127.0.0.1:8000";

int fail(const Error& error) {
  std::cerr << "ktrdr ops: error: " << error.message << "\n";
  return error.code == ErrorCode::kInvalidArgument ? kExitBadInput : kExitFailed;
}

std::string api_url(const OpsOptions& options) {
  if (!options.url.empty()) return options.url;
  const char* env = std::getenv("KTRDR_API_URL");
  return env != nullptr && *env != '\0' ? env : kDefaultApiUrl;
}

void print_table(const std::vector<OperationRecord>& records, std::size_t total) {
  std::printf("%-48s %-10s %-18s %-16s %6s  %s\n", "ID", "STATE", "KIND", "NAME", "%", "CREATED");
  for (const OperationRecord& r : records) {
    std::printf("%-48s %-10s %-18s %-16s %5.1f%%  %s\n", r.id.c_str(),
                std::string(to_string(r.state)).c_str(), r.kind.c_str(), r.name.c_str(),
                r.progress.percentage, to_iso8601(r.created_at).c_str());
  }
  std::printf("%zu of %zu operations\n", records.size(), total);
}

// Follows one operation with the same display as `ktrdr run` until it ends or `stop` is
// cancelled (Ctrl-C: it stops watching only). The plugin that owns the operation's kind, when
// one is on the search path, renders its progress lines and result as in a local run.
int watch(HostServiceClient& client, const GlobalOptions& global, const OpsOptions& options,
          const CancellationToken& stop) {
  auto sink = make_progress_sink(options.progress, std::cout, isatty(STDOUT_FILENO) == 1);
  Engine engine(PluginHost::default_search_path(global.plugin_dirs), 1);
  std::shared_ptr<const ProgressRenderer> renderer;
  std::optional<JobSpec> job;
  std::optional<OperationRecord> last;
  auto watched = client.watch(
      options.id,
      [&](OperationRecord record) {
        if (!job) {
          job.emplace();
          job->name = record.name.empty() ? record.id : record.name;
          job->kind = record.kind;
          engine.plugins().load_for({record.kind});
          renderer = engine.plugins().renderer_for(record.kind);
          sink->job_started(*job, record);
        }
        if (engine.plugins().find_kind(record.kind) != nullptr) {
          record.progress.message = renderer->render_message(record.progress);
        }
        sink->operation_changed(*job, record);
        last = std::move(record);
        return true;
      },
      stop);
  if (!watched.ok() && watched.error().code != ErrorCode::kCancelled) return fail(watched.error());
  if (!last || !is_terminal(last->state)) return kExitCancelled;  // stopped watching
  JobReport report;
  report.name = job->name;
  report.kind = job->kind;
  report.record = last;
  report.error = last->error;
  report.outcome = last->state == OperationState::kCompleted   ? JobOutcome::kCompleted
                   : last->state == OperationState::kCancelled ? JobOutcome::kCancelled
                                                               : JobOutcome::kFailed;
  report.renderer = renderer;
  sink->job_finished(report);
  const int code = JobRunner::exit_code({report}, false);
  sink->run_finished({report}, code);
  return code;
}

}  // namespace

int ops_command(const GlobalOptions& global, const OpsOptions& options) {
  // Before the client starts its I/O thread, so that every thread has the signals blocked.
  CancellationSource stop_watching;
  std::optional<SignalWatcher> signals;
  if (options.action == "watch") {
    signals.emplace(stop_watching, [](std::string_view) {
      std::cerr << "\nktrdr ops: stopped watching (the operation goes on)" << std::endl;
    });
  }
  AdapterOptions adapter;
  adapter.service_name = "ktrdr server";
  if (const char* token = std::getenv("KTRDR_API_TOKEN")) adapter.bearer_token = token;
  auto client = HostServiceClient::create(api_url(options), adapter);
  if (!client.ok()) return fail(client.error());
  HostServiceClient& c = **client;

  if (options.action == "list") {
    OperationFilter filter;
    filter.limit = options.limit;
    if (!options.status.empty()) {
      filter.state = operation_state_from_string(options.status);
      if (!filter.state) {
        return fail(Error::invalid_argument("--status must be pending, running, completed, "
                                            "failed or cancelled, got \"" + options.status + "\""));
      }
    }
    if (!options.kind.empty()) filter.kind = options.kind;
    auto page = c.list(filter);
    if (!page.ok()) return fail(page.error());
    if (options.json) {
      Json out = Json::array();
      for (const auto& record : page->operations) out.push_back(record.to_json());
      std::cout << out.dump_pretty() << "\n";
    } else {
      print_table(page->operations, page->total);
    }
    return kExitOk;
  }
  if (options.action == "show") {
    auto record = c.get(options.id);
    if (!record.ok()) return fail(record.error());
    std::cout << (options.json ? record->to_json().dump() : record->to_json().dump_pretty()) << "\n";
    return kExitOk;
  }
  if (options.action == "cancel") {
    auto record = c.cancel(options.id);
    if (!record.ok()) return fail(record.error());
    std::cout << "cancel requested for " << record->id << " (" << to_string(record->state)
              << ")\n";
    return kExitOk;
  }
  if (options.action == "prune") {
    Json body = Json::object();
    if (options.keep_days) body.set("keep_days", *options.keep_days);
    if (options.keep) body.set("keep", static_cast<std::int64_t>(*options.keep));
    auto pruned = c.adapter().post_json(std::string(kOperationsApiPrefix) + "/operations/prune", body);
    if (!pruned.ok()) return fail(pruned.error());
    std::cout << "pruned " << pruned->get_int("pruned").value_or(0) << " finished operations; "
              << pruned->get_int("remaining").value_or(0) << " remain\n";
    return kExitOk;
  }
  return watch(c, global, options, stop_watching.token());
}

}  // namespace ktrdr::engine
