#include "data_validation.hpp"

#include "data_config.hpp"
#include "instrument.hpp"
#include "ktrdr/sdk/csv_bar_store.hpp"
#include "load_request.hpp"
#include "quality_checker.hpp"

namespace ktrdr::data {
namespace {

[[noreturn]] void fail(Error error) { throw ErrorException(std::move(error)); }

template <class T>
T value_or_fail(Result<T> result) {
  if (!result) fail(std::move(result).error());
  return std::move(result).value();
}

// "AAPL:1h" → a stored-series entry of `store`.
Result<StoredSeries> parse_series(const CsvBarStore& store, const std::string& text) {
  const auto colon = text.find(':');
  const auto bad = [&](const std::string& why) {
    return Error::invalid_argument("`series` entry \"" + text + "\" " + why,
                                   {{"field", "series"}, {"value", text}});
  };
  if (colon == std::string::npos) return bad("must be SYMBOL:TIMEFRAME (e.g. AAPL:1h)");
  const std::string symbol = text.substr(0, colon);
  auto tf = parse_timeframe(text.substr(colon + 1));
  if (!tf) return bad("has an unknown timeframe; use one of 1m 5m 15m 30m 1h 4h 1d 1w");
  auto path = store.path_for(symbol, *tf);
  if (!path) return bad(path.error().message);
  return StoredSeries{symbol, *tf, *path};
}

std::vector<StoredSeries> wanted_series(const CsvBarStore& store, const Json& params) {
  std::vector<StoredSeries> wanted;
  if (const auto symbol = params.get_string("symbol")) {
    const auto text = *symbol + ":" + params.get_string("timeframe").value_or("");
    wanted.push_back(value_or_fail(parse_series(store, text)));
    return wanted;
  }
  const auto list = params.at("series").as_string_array();
  if (!list.empty()) {
    for (const auto& text : list) wanted.push_back(value_or_fail(parse_series(store, text)));
    return wanted;
  }
  return value_or_fail(store.list());
}

QualityChecker checker_for(const std::string& symbol, const Json& params) {
  Instrument instrument = infer_instrument(symbol);
  if (const auto given = params.get_string("instrument")) {
    instrument = value_or_fail(parse_instrument(*given));
  }
  return QualityChecker({}, GapFinder(value_or_fail(calendar_of(instrument))));
}

}  // namespace

ParamSchema DataValidation::schema(const DataConfig& config) {
  ParamSchema schema;
  schema.add({.name = "symbol",
              .description = "one series' symbol (with `timeframe`)",
              .pattern = kSymbolPattern,
              .pattern_description = kSymbolDescription});
  schema.add({.name = "timeframe",
              .description = "one series' bar size (with `symbol`)",
              .choices = timeframe_names()});
  schema.add({.name = "series",
              .type = ParamType::kStringList,
              .description = "series as SYMBOL:TIMEFRAME; neither this nor `symbol`: every "
                             "series in data_dir",
              .pattern = std::string(kSymbolPattern) + ":(1m|5m|15m|30m|1h|4h|1d|1w)",
              .pattern_description = "a series SYMBOL:TIMEFRAME (e.g. AAPL:1h, with a timeframe "
                                     "of 1m, 5m, 15m, 30m, 1h, 4h, 1d or 1w)"});
  schema.add({.name = "data_dir",
              .type = ParamType::kPath,
              .default_value = Json::string(config.data_dir.string()),
              .description = "the store to check"});
  schema.add({.name = "repair",
              .type = ParamType::kBoolean,
              .default_value = Json::boolean(false),
              .description = "repair what the checks find and save the series (atomically)"});
  schema.add({.name = "instrument",
              .description = "stock, forex, crypto or future; inferred from each symbol if absent",
              .choices = {"stock", "forex", "crypto", "future"}});
  schema.add({.name = "strict",
              .type = ParamType::kBoolean,
              .default_value = Json::boolean(true),
              .description = "fail the job when a check finds an error-severity issue (after "
                             "repairs, when repairing); false: complete with a warning"});
  schema.check([](const Json& params) { return check_symbol_field(params, "symbol"); });
  schema.check([](const Json& params) -> std::optional<Error> {
    if (params.has("symbol") != params.has("timeframe")) {
      const std::string missing = params.has("symbol") ? "timeframe" : "symbol";
      return Error::invalid_argument("`symbol` and `timeframe` go together: `" + missing +
                                         "` is missing",
                                     {{"field", missing}});
    }
    if (params.has("symbol") && params.has("series")) {
      return Error::invalid_argument("give `symbol`/`timeframe` or `series`, not both",
                                     {{"field", "series"}});
    }
    return std::nullopt;
  });
  return schema;
}

Json DataValidation::run(OperationContext& context) {
  const Json& params = context.params();
  const CsvBarStore store(params.get_string("data_dir").value_or("data"));
  const bool repair = params.get_bool("repair").value_or(false);
  const bool strict = params.get_bool("strict").value_or(true);
  const CancellationToken& token = context.token();
  const std::vector<StoredSeries> series = wanted_series(store, params);

  ProgressReporter& reporter = context.reporter();
  Json progress = Json::object();
  progress.set("operation", "data_validation")
      .set("series_total", series.size())
      .set("series_done", 0)
      .set("data_dir", store.data_dir().string());
  reporter.set_context(progress);
  const ProgressStep step = PhasePlan(context.progress(), {{"validate", 100}}).enter(0);

  Json reports = Json::array();
  std::size_t errors = 0, warnings = 0, info = 0;
  std::string with_errors;  // "AAPL 1h, SPY 1h": the series with error-severity issues
  for (std::size_t i = 0; i < series.size(); ++i) {
    token.throw_if_cancelled("data.validate between series");
    const StoredSeries& entry = series[i];
    progress.set("current", entry.symbol + " " + std::string(to_string(entry.timeframe)));
    reporter.set_context(progress);
    BarSeries bars = value_or_fail(store.read(entry.symbol, entry.timeframe, token));
    const QualityChecker checker = checker_for(entry.symbol, params);
    QualityReport report = repair ? checker.repair(bars) : checker.check(bars);
    if (repair && report.repairs && report.repairs->total() > 0) {
      if (auto saved = store.save(bars, token); !saved) fail(std::move(saved).error());
    }
    if (report.errors > 0) {
      with_errors += (with_errors.empty() ? "" : ", ") + entry.symbol + " " +
                     std::string(to_string(entry.timeframe));
    }
    errors += report.errors;
    warnings += report.warnings;
    info += report.info;
    Json json = report.to_json();
    json.set("file", entry.path.string());
    reports.push_back(json);
    progress.set("series_done", i + 1);
    reporter.set_context(progress);
    step.set_items(static_cast<std::int64_t>(i + 1), static_cast<std::int64_t>(series.size()));
  }
  Json totals = Json::object();
  totals.set("error", errors).set("warning", warnings).set("info", info);
  Json result = Json::object();
  result.set("data_dir", store.data_dir().string())
      .set("repaired", repair)
      .set("series", reports)
      .set("totals", totals);
  if (errors > 0 && strict) {
    context.set_partial_result(result);
    fail(Error::invalid_argument(std::to_string(errors) + " quality error(s) in " + with_errors +
                                     "; see the report (`strict: false` accepts them)",
                                 {{"data_dir", store.data_dir().string()},
                                  {"errors", std::to_string(errors)},
                                  {"series", with_errors}}));
  }
  if (errors > 0) {
    context.add_warning(std::to_string(errors) + " quality error(s) found; see the report");
  }
  return result;
}

}  // namespace ktrdr::data
