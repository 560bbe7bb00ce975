// DataValidation: the data.validate job — runs the quality checks (and, when asked, the repairs)
// on stored series without fetching anything: one symbol/timeframe, a list of "SYMBOL:TF", or
// every series of a data directory. Stateless; each run is independent.
#pragma once

#include "ktrdr/sdk/param_schema.hpp"
#include "ktrdr/sdk/service_orchestrator.hpp"

namespace ktrdr::data {

struct DataConfig;

class DataValidation {
 public:
  // symbol + timeframe, or series: ["AAPL:1h", …], or neither (the whole data_dir); data_dir,
  // repair, instrument, strict.
  static ParamSchema schema(const DataConfig& config);

  // The operation's body. Result: {"data_dir", "repaired": bool, "series": [QualityReport JSON
  // + "file"], "totals": {"error","warning","info"}}. A series that cannot be read (corrupt,
  // missing) fails the operation with the store's error, which names the file and line; files
  // are only rewritten (atomically) when repair is true and a repair changed something. When
  // strict (the default), issues of error severity fail the operation (kInvalidArgument naming
  // the count and the series) with the result kept as its partial result; otherwise they are a
  // warning. Cancellation reaches reads and saves of series.
  static Json run(OperationContext& context);
};

}  // namespace ktrdr::data
