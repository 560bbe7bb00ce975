#include "training_dataset.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <utility>

#include "data_splitter.hpp"
#include "feature_builder.hpp"
#include "ktrdr/sdk/csv_bar_store.hpp"
#include "ktrdr/sdk/file_io.hpp"
#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr::training {
namespace {

using SeriesKey = std::pair<std::string, Timeframe>;

std::string series_name(const std::string& symbol, Timeframe tf) {
  return symbol + " " + std::string(to_string(tf));
}

// FNV-1a, 64 bits, as 16 hex digits: a cheap fingerprint of an input file for the metadata.
std::string fnv1a(std::string_view bytes) {
  std::uint64_t hash = 14695981039346656037ull;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(hash));
  return text;
}

Error missing_series(const CsvBarStore& store, const std::string& symbol, Timeframe tf) {
  const auto path = store.path_for(symbol, tf);
  const std::string file = (path ? *path : store.data_dir()).string();
  const std::string tf_name(to_string(tf));
  return Error::not_found(
      "no stored " + series_name(symbol, tf) + " bars (" + file +
          "): load them first with a data.load job, e.g. {kind: data.load, params: {symbol: " +
          symbol + ", timeframe: " + tf_name + ", data_dir: " + store.data_dir().string() + "}}",
      {{"file", file}, {"field", "symbols"}, {"value", symbol}});
}

// The stored series, sorted with one bar per timestamp, cut at `end`.
Result<std::pair<BarSeries, InputSeries>> read_series(const CsvBarStore& store,
                                                      const std::string& symbol, Timeframe tf,
                                                      std::optional<std::chrono::sys_seconds> end) {
  auto stored = store.read(symbol, tf);
  if (!stored) {
    if (stored.error().code == ErrorCode::kNotFound) return missing_series(store, symbol, tf);
    return std::move(stored).error();
  }
  BarSeries bars(symbol, tf);
  if (auto merged = bars.merge(*stored); !merged) return std::move(merged).error();
  if (end && !bars.empty()) bars = bars.slice(bars.timestamps().front(), *end);
  if (bars.empty()) {
    return Error::invalid_argument("no " + series_name(symbol, tf) + " bars before " +
                                       (end ? to_iso8601(*end) : std::string("the end")) + " in " +
                                       store.data_dir().string(),
                                   {{"field", "end"}, {"value", symbol}});
  }
  InputSeries input{symbol, tf, store.path_for(symbol, tf).value(), bars.size(),
                    bars.timestamps().front(), bars.timestamps().back(), ""};
  if (auto bytes = read_whole_file(input.file)) input.checksum = fnv1a(*bytes);
  return std::pair{std::move(bars), std::move(input)};
}

// The rows of `matrix` with start <= timestamp.
FeatureMatrix from_start(FeatureMatrix matrix, std::optional<std::chrono::sys_seconds> start) {
  if (!start || matrix.rows() == 0 || matrix.timestamps.front() >= *start) return matrix;
  std::vector<std::size_t> keep;
  for (std::size_t i = 0; i < matrix.rows(); ++i) {
    if (matrix.timestamps[i] >= *start) keep.push_back(i);
  }
  return take_rows(matrix, keep);
}

}  // namespace

Json InputSeries::to_json() const {
  Json json = Json::object();
  json.set("symbol", symbol)
      .set("timeframe", to_string(timeframe))
      .set("file", file.string())
      .set("bars", bars)
      .set("first", to_iso8601(first))
      .set("last", to_iso8601(last))
      .set("checksum_fnv1a64", checksum);
  return json;
}

Result<TrainingDataset> TrainingDataset::build(const Strategy& strategy,
                                               const DatasetRequest& request,
                                               TrainingProgress& progress,
                                               const CancellationToken& token) {
  std::vector<FuzzySet> fuzzy_sets;
  for (const FuzzySetSpec& spec : strategy.fuzzy_sets) {
    auto set = FuzzySet::create(spec);
    if (!set) return std::move(set).error();
    fuzzy_sets.push_back(std::move(set).value());
  }
  std::vector<std::unique_ptr<Indicator>> indicators;
  std::size_t longest_warmup = 0;
  for (const IndicatorSpec& spec : strategy.indicators) {
    auto indicator = make_indicator(spec);
    if (!indicator) return std::move(indicator).error();
    longest_warmup = std::max(longest_warmup, (*indicator)->warmup());
    indicators.push_back(std::move(indicator).value());
  }
  const CsvBarStore store(request.data_dir);
  const std::int64_t series_total =
      static_cast<std::int64_t>(request.symbols.size() * request.timeframes.size());
  TrainingDataset dataset;

  const ProgressStep load = progress.enter(TrainingPhase::kLoadData);
  std::map<SeriesKey, BarSeries> bars;
  for (const std::string& symbol : request.symbols) {
    for (const Timeframe tf : request.timeframes) {
      token.throw_if_cancelled("training: reading " + series_name(symbol, tf));
      progress.working_on(symbol, to_string(tf));
      auto series = read_series(store, symbol, tf, request.end);
      if (!series) return std::move(series).error();
      bars.emplace(SeriesKey{symbol, tf}, std::move(series->first));
      dataset.inputs.push_back(std::move(series->second));
      load.set_items(static_cast<std::int64_t>(bars.size()), series_total);
    }
  }

  const ProgressStep compute = progress.enter(TrainingPhase::kIndicators);
  std::map<SeriesKey, std::vector<IndicatorOutput>> outputs;
  std::int64_t done = 0;
  for (const auto& [key, series] : bars) {
    std::vector<IndicatorOutput>& out = outputs[key];
    for (std::size_t i = 0; i < indicators.size(); ++i) {
      progress.working_on(key.first, to_string(key.second), strategy.indicators[i].id);
      for (IndicatorOutput& output : indicators[i]->compute(series, token)) {
        out.push_back(std::move(output));
      }
    }
    compute.set_items(++done, series_total);
  }

  const ProgressStep build = progress.enter(TrainingPhase::kFeatures);
  FeatureSettings settings{.base_timeframe = strategy.base_timeframe,
                           .lookback_periods = strategy.model.lookback_periods,
                           .history_required = strategy.history_required,
                           .raw_inputs = strategy.raw_inputs,
                           .labels = strategy.labels};
  if (strategy.model.include_price_context) {
    // Over the strategy's moving averages (their main outputs are named by their ids).
    settings.price_context.emplace();
    for (const IndicatorSpec& spec : strategy.indicators) {
      if (fuzzified_as_close_ratio(spec.type)) settings.price_context->push_back(spec.id);
    }
  }
  std::vector<FeatureMatrix> per_symbol;
  for (std::size_t s = 0; s < request.symbols.size(); ++s) {
    const std::string& symbol = request.symbols[s];
    progress.working_on(symbol);
    std::vector<TimeframeInput> inputs;
    for (const Timeframe tf : request.timeframes) {
      inputs.push_back({bars.at({symbol, tf}), outputs.at({symbol, tf})});
    }
    const BarSeries& base_bars = bars.at({symbol, strategy.base_timeframe});
    BaseIndicators& base = dataset.indicators[symbol];
    base.timestamps.assign(base_bars.timestamps().begin(), base_bars.timestamps().end());
    base.outputs = outputs.at({symbol, strategy.base_timeframe});
    auto matrix = build_features(inputs, fuzzy_sets, settings, token);
    if (!matrix) return std::move(matrix).error();
    FeatureMatrix rows = from_start(std::move(matrix).value(), request.start);
    if (rows.rows() == 0) {
      return Error::invalid_argument(
          "no usable rows for " + series_name(symbol, strategy.base_timeframe) + ": " +
              std::to_string(base_bars.size()) + " bars" +
              (request.start ? " up to the end, rows from " + to_iso8601(*request.start) : "") +
              ", but the longest indicator warm-up is " + std::to_string(longest_warmup) +
              " bars, history_required " + std::to_string(strategy.history_required) +
              " and lookback " + std::to_string(strategy.model.lookback_periods) +
              (strategy.labels.method == LabelMethod::kFirstTouch
                   ? ", and the label look-ahead " + std::to_string(strategy.labels.label_lookahead)
                   : std::string()) +
              " (use more data or shorter periods)",
          {{"field", "symbols"}, {"value", symbol}});
    }
    per_symbol.push_back(std::move(rows));
    build.set_items(static_cast<std::int64_t>(s + 1),
                    static_cast<std::int64_t>(request.symbols.size()));
  }
  auto all = concat_symbols(per_symbol);
  if (!all) return std::move(all).error();
  dataset.rows = std::move(all).value();
  return dataset;
}

}  // namespace ktrdr::training
