#include "training_request.hpp"

#include <algorithm>

#include "ktrdr/sdk/bar_series.hpp"

namespace ktrdr::training {
namespace {

std::vector<std::string> timeframe_names() {
  std::vector<std::string> names;
  for (const Timeframe tf : kAllTimeframes) names.emplace_back(to_string(tf));
  return names;
}

// The params every training kind shares: which data, and how to run.
void add_data_params(ParamSchema& schema) {
  schema.add({.name = "symbols",
              .type = ParamType::kStringList,
              .description = "symbols to use instead of the strategy's",
              .pattern = kSymbolPattern,
              .pattern_description = kSymbolDescription});
  schema.add({.name = "timeframes",
              .type = ParamType::kStringList,
              .description = "timeframes to use instead of the strategy's (the first is the base)",
              .choices = timeframe_names()});
  schema.add({.name = "start", .description = "first bar time of the rows (date or ISO UTC)"});
  schema.add({.name = "end", .description = "rows before this time (exclusive)"});
  schema.add({.name = "data_dir",
              .type = ParamType::kPath,
              .default_value = Json::string("data"),
              .description = "the store the bars are read from (the data domain's)"});
  schema.check(time_range_check());
  schema.check([](const Json& params) -> std::optional<Error> {
    for (const std::string& symbol : params.at("symbols").as_string_array()) {
      if (auto valid = validate_symbol(symbol); !valid) {
        Error error = valid.error();
        error.with("field", "symbols");
        return error;
      }
    }
    return std::nullopt;
  });
}

void add_run_params(ParamSchema& schema) {
  schema.add({.name = "device",
              .default_value = Json::string("auto"),
              .description = "auto (CUDA when available), cpu or cuda",
              .choices = {"auto", "cpu", "cuda"}});
  schema.add({.name = "threads",
              .type = ParamType::kInteger,
              .default_value = Json::integer(1),
              .description = "LibTorch threads (BLAS keeps one)",
              .minimum = 1,
              .maximum = 64});
}

void add_strategy_param(ParamSchema& schema) {
  schema.add({.name = "strategy",
              .type = ParamType::kPath,
              .required = true,
              .description = "path of the strategy YAML (KTRDR's format)"});
  schema.check([](const Json& params) -> std::optional<Error> {
    const auto path = params.get_string("strategy");
    if (!path) return std::nullopt;
    auto strategy = Strategy::load(*path);
    if (!strategy) {
      // The job's field at fault is `strategy`; the key inside the strategy file is kept apart
      // (its message already names the file, line and key).
      Error error = strategy.error();
      if (const auto inner = error.get("field")) error.with("strategy_field", *inner);
      error.with("field", "strategy");
      return error;
    }
    return std::nullopt;
  });
}

}  // namespace

ParamSchema TrainingRequest::train_schema() {
  ParamSchema schema;
  add_strategy_param(schema);
  add_data_params(schema);
  schema.add({.name = "models_dir",
              .type = ParamType::kPath,
              .default_value = Json::string("models"),
              .description = "where models/<strategy>/<SYMBOLS>_<TF>_v<N>/ are written"});
  schema.add({.name = "seed",
              .type = ParamType::kInteger,
              .default_value = Json::integer(42),
              .description = "seeds the weights, dropout and shuffles (CPU runs repeat exactly)",
              .minimum = 0});
  add_run_params(schema);
  return schema;
}

ParamSchema TrainingRequest::evaluate_schema() {
  ParamSchema schema;
  schema.add({.name = "model",
              .type = ParamType::kPath,
              .required = true,
              .description = "a model directory (…_v<N>) or a strategy's models directory "
                             "(its latest model)"});
  add_data_params(schema);
  add_run_params(schema);
  return schema;
}

ParamSchema TrainingRequest::features_schema() {
  ParamSchema schema;
  add_strategy_param(schema);
  add_data_params(schema);
  schema.add({.name = "output_dir",
              .type = ParamType::kPath,
              .default_value = Json::string("features"),
              .description = "where <SYMBOL>_<TF>_features.csv files are written"});
  return schema;
}

Result<TrainingRequest> TrainingRequest::from_params(const Json& params) {
  TrainingRequest request;
  auto start = time_param(params, "start");
  if (!start) return std::move(start).error();
  auto end = time_param(params, "end");
  if (!end) return std::move(end).error();
  request.data.start = *start;
  request.data.end = *end;
  request.data.data_dir = params.get_string("data_dir").value_or("data");
  request.models_dir = params.get_string("models_dir").value_or("models");
  request.model = params.get_string("model").value_or("");
  request.output_dir = params.get_string("output_dir").value_or("features");
  auto device = parse_device_kind(params.get_string("device").value_or("auto"));
  if (!device) return std::move(device).error();
  request.device = *device;
  request.seed = static_cast<std::uint64_t>(params.get_int("seed").value_or(42));
  request.threads = static_cast<int>(params.get_int("threads").value_or(1));
  if (const auto path = params.get_string("strategy")) {
    auto strategy = Strategy::load(*path);
    if (!strategy) return std::move(strategy).error();
    if (auto used = request.use_strategy(std::move(strategy).value(), params); !used) {
      return std::move(used).error();
    }
  }
  return request;
}

Result<void> TrainingRequest::use_strategy(Strategy loaded, const Json& params) {
  strategy = std::move(loaded);
  if (!data.start) data.start = strategy.start;
  if (!data.end) data.end = strategy.end;
  if (const auto symbols = params.at("symbols").as_string_array(); !symbols.empty()) {
    strategy.symbols = symbols;
  }
  if (const auto names = params.at("timeframes").as_string_array(); !names.empty()) {
    std::vector<Timeframe> timeframes;
    for (const std::string& name : names) {
      auto tf = parse_timeframe(name);
      if (!tf) return std::move(tf).error();
      timeframes.push_back(*tf);
    }
    strategy.timeframes = timeframes;
    strategy.base_timeframe = timeframes.front();
  }
  data.symbols = strategy.symbols;
  data.timeframes = {strategy.base_timeframe};
  for (const Timeframe tf : strategy.timeframes) {
    if (tf != strategy.base_timeframe) data.timeframes.push_back(tf);
  }
  return {};
}

}  // namespace ktrdr::training
