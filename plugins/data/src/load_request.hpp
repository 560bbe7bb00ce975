// LoadRequest: a data.load job's parameters, checked and typed — and the ParamSchema the engine
// checks them against before the job starts (symbol rule, timeframe, mode, dates in order,
// provider, instrument). Plain value; thread-compatible.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

#include "instrument.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/param_schema.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"
#include "segment_planner.hpp"

namespace ktrdr::data {

struct DataConfig;

struct LoadRequest {
  std::string symbol;
  Timeframe timeframe = Timeframe::k1h;
  LoadMode mode = LoadMode::kTail;
  std::optional<std::chrono::sys_seconds> start;
  std::chrono::sys_seconds end{};  // the job's `end`, or the time the request was read
  std::string provider;
  std::filesystem::path data_dir;
  bool repair = false;
  // True (the default): a load that could not fetch every planned segment fails, keeping what
  // it fetched; false: it completes with a warning per failed segment.
  bool strict = true;
  std::optional<Instrument> instrument;  // as given; inferred from the symbol when absent

  // The schema of data.load; defaults (provider, data_dir) come from `config`.
  static ParamSchema schema(const DataConfig& config);
  // Reads params that passed schema(); `now` stands in for a missing `end`.
  static Result<LoadRequest> from_params(const Json& params, std::chrono::sys_seconds now);
};

// Shared by data.load and data.validate: the symbol rule as a schema check, and the timeframe
// choices.
std::optional<Error> check_symbol_field(const Json& params, std::string_view field);
std::vector<std::string> timeframe_names();

}  // namespace ktrdr::data
