#include "load_request.hpp"

#include "data_config.hpp"
#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr::data {

std::optional<Error> check_symbol_field(const Json& params, std::string_view field) {
  const auto symbol = params.get_string(field);
  if (!symbol) return std::nullopt;
  if (auto valid = validate_symbol(*symbol); !valid) {
    Error error = valid.error();
    error.with("field", std::string(field));
    return error;
  }
  return std::nullopt;
}

std::vector<std::string> timeframe_names() {
  std::vector<std::string> names;
  for (const Timeframe tf : kAllTimeframes) names.emplace_back(to_string(tf));
  return names;
}

ParamSchema LoadRequest::schema(const DataConfig& config) {
  ParamSchema schema;
  schema.add({.name = "symbol",
              .required = true,
              .description = "the instrument's symbol",
              .pattern = kSymbolPattern,
              .pattern_description = kSymbolDescription});
  schema.add({.name = "timeframe",
              .required = true,
              .description = "the bar size",
              .choices = timeframe_names()});
  schema.add({.name = "mode",
              .default_value = Json::string("tail"),
              .description = "local: the store only; tail: from the stored end to `end`, the "
                             "holes, and from an explicit `start` on; backfill: from `start` to "
                             "the first stored bar; full: all of it",
              .choices = {"local", "tail", "backfill", "full"}});
  schema.add({.name = "start",
              .description = "first time to load (date or ISO-8601 UTC); default: the "
                             "provider's head timestamp"});
  schema.add({.name = "end", .description = "end of the range (exclusive); default: now"});
  schema.add({.name = "provider",
              .default_value = Json::string(config.provider),
              .description = "where bars come from (the IB host service when routed there)",
              .choices = DataConfig::provider_names()});
  schema.add({.name = "data_dir",
              .type = ParamType::kPath,
              .default_value = Json::string(config.data_dir.string()),
              .description = "the store: one CSV per series, <SYMBOL>_<TF>.csv"});
  schema.add({.name = "repair",
              .type = ParamType::kBoolean,
              .default_value = Json::boolean(false),
              .description = "repair what the quality checks find (dedupe, sort, clamp, fill)"});
  schema.add({.name = "instrument",
              .description = "stock, forex, crypto or future; inferred from the symbol if absent",
              .choices = {"stock", "forex", "crypto", "future"}});
  schema.add({.name = "strict",
              .type = ParamType::kBoolean,
              .default_value = Json::boolean(true),
              .description = "fail the load when some segments could not be fetched (the bars "
                             "fetched are kept); false: complete with a warning per failed "
                             "segment"});
  schema.check([](const Json& params) { return check_symbol_field(params, "symbol"); });
  schema.check(time_range_check());
  return schema;
}

Result<LoadRequest> LoadRequest::from_params(const Json& params, std::chrono::sys_seconds now) {
  LoadRequest request;
  request.symbol = params.get_string("symbol").value_or("");
  if (auto valid = validate_symbol(request.symbol); !valid) return std::move(valid).error();
  auto tf = parse_timeframe(params.get_string("timeframe").value_or(""));
  if (!tf) return std::move(tf).error();
  request.timeframe = *tf;
  auto mode = parse_load_mode(params.get_string("mode").value_or("tail"));
  if (!mode) return std::move(mode).error();
  request.mode = *mode;
  auto start = time_param(params, "start");
  if (!start) return std::move(start).error();
  request.start = *start;
  auto end = time_param(params, "end");
  if (!end) return std::move(end).error();
  request.end = end->value_or(now);
  if (request.start && *request.start >= request.end) {
    return Error::invalid_argument("`start` must be before `end` (" + to_iso8601(request.end) + ")",
                                   {{"field", "start"}});
  }
  request.provider = params.get_string("provider").value_or("");
  request.data_dir = params.get_string("data_dir").value_or("data");
  request.repair = params.get_bool("repair").value_or(false);
  request.strict = params.get_bool("strict").value_or(true);
  if (const auto instrument = params.get_string("instrument")) {
    auto parsed = parse_instrument(*instrument);
    if (!parsed) return std::move(parsed).error();
    request.instrument = *parsed;
  }
  return request;
}

}  // namespace ktrdr::data
