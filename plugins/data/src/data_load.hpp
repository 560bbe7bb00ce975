// DataLoad: one data.load run, step by step — validate the symbol and timeframe with the
// provider, head timestamp, resolve the range, read the store, find gaps, plan segments, fetch
// them (DataJobManager), merge and save (atomically; also periodically and on cancel), check
// quality, and report real figures. Used once, on the operation's thread.
#pragma once

#include <chrono>
#include <memory>

#include "data_loading_job.hpp"
#include "ib_data_adapter.hpp"
#include "ktrdr/sdk/service_orchestrator.hpp"
#include "load_request.hpp"

namespace ktrdr::data {

struct DataLoadOptions {
  // During a fetch, bars merged but not yet saved are saved once this much time has passed
  // since the last save.
  std::chrono::milliseconds save_interval{5000};
  DataLoadingJobOptions jobs;
};

class DataLoad {
 public:
  // `adapter` is null for mode local (which reads the store only).
  DataLoad(LoadRequest request, std::shared_ptr<IbDataAdapter> adapter,
           DataLoadOptions options = {});

  // The operation's body: the result JSON (see DataProgressRenderer for its fields). Throws
  // ErrorException with the first error that stops the load (bad symbol, corrupt store file,
  // every segment failed …, and, when the request is strict, any segment failed) and
  // CancelledError when cancelled (also while the store is read); either way every bar fetched
  // before is saved first, and the partial result is set on `context`.
  Json run(OperationContext& context);

 private:
  LoadRequest request_;
  std::shared_ptr<IbDataAdapter> adapter_;
  DataLoadOptions options_;
};

}  // namespace ktrdr::data
