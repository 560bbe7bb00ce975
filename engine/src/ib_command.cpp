// `ktrdr ib check`: the first thing a user with IB Gateway runs — one data.check job on the tws
// provider, shown like any run.
#include "commands.hpp"

namespace ktrdr::engine {

int ib_check_command(const GlobalOptions& global, const IbCheckOptions& options) {
  DataProviderOptions data = options.data;
  data.provider = "tws";
  export_data_provider_options(data);
  JobFile file;
  file.source = "ktrdr ib check";
  JobSpec job;
  job.name = "ib-check";
  job.kind = "data.check";
  job.path = "jobs[0]";
  job.params.set("provider", "tws");
  job.params.set("symbol", options.symbol);
  job.params.set("timeframe", options.timeframe);
  file.jobs.push_back(std::move(job));
  return run_jobs(global, file, {},
                  PathPolicy::for_job_file(std::filesystem::current_path() / "ib"),
                  options.progress);
}

}  // namespace ktrdr::engine
