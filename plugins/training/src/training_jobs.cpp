#include "training_jobs.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <system_error>

#include "constant_features.hpp"
#include "data_splitter.hpp"
#include "feature_importance.hpp"
#include "feature_scaler.hpp"
#include "ktrdr/sdk/file_io.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "local_trainer.hpp"
#include "model_artifacts.hpp"
#include "model_io.hpp"
#include "training_dataset.hpp"
#include "training_progress.hpp"

namespace ktrdr::training {
namespace {

using Clock = std::chrono::steady_clock;

template <class T>
T value_or_throw(Result<T> result) {
  if (!result) throw ErrorException(std::move(result).error());
  return std::move(result).value();
}

void ok_or_throw(Result<void> result) {
  if (!result) throw ErrorException(std::move(result).error());
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

std::vector<std::string> timeframe_names(const std::vector<Timeframe>& timeframes) {
  std::vector<std::string> names;
  for (const Timeframe tf : timeframes) names.emplace_back(to_string(tf));
  return names;
}

std::string model_label(const std::string& type) {
  std::string label = type;
  for (char& c : label) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return label;
}

TrainingProgress make_progress(OperationContext& context, const TrainingRequest& request) {
  return TrainingProgress(context.reporter(), model_label(request.strategy.model.type),
                          request.data.symbols, timeframe_names(request.data.timeframes));
}

Json data_range(const TrainingRequest& request, const TrainingDataset& dataset) {
  Json inputs = Json::array();
  for (const InputSeries& input : dataset.inputs) inputs.push_back(input.to_json());
  Json range = Json::object();
  if (request.data.start) range.set("start", to_iso8601(*request.data.start));
  if (request.data.end) range.set("end", to_iso8601(*request.data.end));
  if (dataset.rows.rows() > 0) {
    range.set("first_row", to_iso8601(dataset.rows.timestamps.front()))
        .set("last_row", to_iso8601(dataset.rows.timestamps.back()));
  }
  range.set("inputs", inputs);
  return range;
}

// Losses that are not numbers mean the settings broke the model (e.g. features that explode):
// an error, never a saved NaN model.
void check_finite(const TrainingResult& result) {
  for (const EpochMetrics& epoch : result.history) {
    if (!std::isfinite(epoch.train_loss)) {
      throw ErrorException(Error::invalid_argument(
          "training diverged: the train loss of epoch " + std::to_string(epoch.epoch) +
              " is not a number (check the features' scale or lower the learning rate)",
          {{"field", "model.training.learning_rate"}}));
    }
  }
}

std::vector<std::string> constant_names(const std::vector<ConstantFeature>& constant) {
  std::vector<std::string> names;
  for (const ConstantFeature& feature : constant) names.push_back(feature.name);
  return names;
}

// A CSV number in its shortest round-trip form; NaN as an empty field.
void append_number(std::string& out, double value) {
  if (std::isnan(value)) return;
  char text[32];
  out.append(text, std::to_chars(text, text + sizeof text, value).ptr);
}

// The strategy file's warnings (strategy.hpp) first among the job's.
void add_strategy_warnings(OperationContext& context, const Strategy& strategy) {
  for (const std::string& warning : strategy.warnings) context.add_warning(warning);
}

}  // namespace

Json run_training(OperationContext& context, const TrainingRequest& request) {
  const Clock::time_point started = Clock::now();
  const Strategy& strategy = request.strategy;
  add_strategy_warnings(context, strategy);
  const CancellationToken& token = context.token();
  TrainingProgress progress = make_progress(context, request);
  TrainingDataset dataset =
      value_or_throw(TrainingDataset::build(strategy, request.data, progress, token));

  if (const auto size = strategy.model.input_size;
      size && static_cast<std::size_t>(*size) != dataset.rows.cols()) {
    throw ErrorException(Error::invalid_argument(
        "model.input_size is " + std::to_string(*size) + " but the strategy makes " +
            std::to_string(dataset.rows.cols()) + " features ((its fuzzy sets × timeframes" +
            (strategy.model.include_price_context ? " + the price context's" : "") +
            ") × (1 + lookback_periods)); correct it or leave it out",
        {{"field", "model.input_size"}, {"value", std::to_string(*size)}}));
  }
  progress.enter(TrainingPhase::kSplit);
  const SplitIndices split =
      value_or_throw(split_chronologically(dataset.rows, strategy.split, request.seed));
  FeatureMatrix train = take_rows(dataset.rows, split.train);
  FeatureMatrix validation = take_rows(dataset.rows, split.validation);
  FeatureMatrix test = take_rows(dataset.rows, split.test);
  const std::vector<ConstantFeature> constant = constant_features(train);
  if (auto warning = constant_features_warning(constant, train.cols(), train.rows(), "training")) {
    context.add_warning(std::move(*warning));
  }
  std::optional<FeatureScaler> scaler;
  const std::vector<Normalization> methods =
      column_normalizations(dataset.rows.feature_names, strategy.raw_inputs, strategy.timeframes,
                            strategy.model.lookback_periods, strategy.model.scale_features);
  if (std::any_of(methods.begin(), methods.end(),
                  [](Normalization m) { return m != Normalization::kNone; })) {
    scaler = value_or_throw(FeatureScaler::fit(dataset.rows, split.train, methods));
    for (FeatureMatrix* part : {&train, &validation, &test}) ok_or_throw(scaler->apply(*part));
  }

  progress.enter(TrainingPhase::kTrain);
  const LocalTrainer trainer(
      strategy.model,
      TrainerOptions{.device = request.device,
                     .seed = request.seed,
                     .threads = ThreadBudget::for_threads(request.threads),
                     .on_epoch_end = [&progress](const EpochMetrics& epoch, const MlpModelImpl&) {
                       progress.epoch_done(epoch.to_json());
                     }});
  TrainingResult trained =
      value_or_throw(trainer.train(train, validation, token, [&progress](const TrainerProgress& p) {
        progress.training(p.epoch_progress());
      }));
  check_finite(trained);

  progress.enter(TrainingPhase::kTest);
  const ClassificationMetrics metrics = value_or_throw(evaluate(trained.model, test));
  const FeatureMatrix& held_out = validation.rows() > 0 ? validation : test;
  const std::optional<PermutationImportance> importance =
      held_out.rows() > 0 ? std::optional(value_or_throw(
                                permutation_importance(trained.model, held_out, request.seed, token)))
                          : std::nullopt;

  progress.enter(TrainingPhase::kSave);
  token.throw_if_cancelled("training: before saving the model");
  Json rows = Json::object();
  rows.set("train", train.rows()).set("validation", validation.rows()).set("test", test.rows());
  Json purged = Json::object();
  purged.set("train", split.purged_train).set("validation", split.purged_validation);
  rows.set("purged", purged);
  if (test.rows() > 0) rows.set("test_from", to_iso8601(test.timestamps.front()));
  Json metadata = Json::object();
  metadata.set("seed", request.seed)
      .set("symbols", request.data.symbols)
      .set("timeframes", timeframe_names(request.data.timeframes))
      .set("rows", rows)
      .set("data", data_range(request, dataset));
  const auto path = value_or_throw(save_artifacts(
      request.models_dir, ArtifactContents{.strategy = &strategy,
                                           .symbols = request.data.symbols,
                                           .timeframes = request.data.timeframes,
                                           .feature_names = dataset.rows.feature_names,
                                           .scaler = scaler,
                                           .training = &trained,
                                           .test_metrics = metrics,
                                           .metadata = metadata},
      token));
  context.commit();  // the model is published: from here a cancel is too late

  const Json training = trained.to_json();
  const Json history = training.at("history");
  Json result = Json::object();
  result.set("strategy", strategy.name)
      .set("model_path", path.string())
      .set("symbols", request.data.symbols)
      .set("timeframes", timeframe_names(request.data.timeframes))
      .set("device", trained.device)
      .set("rows", rows)
      .set("features", dataset.rows.cols())
      .set("constant_features", constant_names(constant))
      .set("epochs_run", trained.epochs_run)
      .set("best_epoch", trained.best_epoch)
      .set("stopped_early", trained.stopped_early)
      .set("best_epoch_metrics", history[static_cast<std::size_t>(trained.best_epoch - 1)])
      .set("history", history)
      .set("test_metrics", metrics.to_json())
      .set("feature_importance", importance ? importance->to_json() : Json())
      .set("samples_per_second", trained.samples_per_second)
      .set("duration_seconds", seconds_since(started));
  return result;
}

Json run_evaluation(OperationContext& context, TrainingRequest request) {
  const Clock::time_point started = Clock::now();
  SavedModel saved = value_or_throw(load_artifacts(request.model, request.device));
  Strategy strategy = saved.strategy;
  strategy.symbols = saved.symbols;
  strategy.timeframes = saved.timeframes;
  strategy.base_timeframe = saved.timeframes.front();
  ok_or_throw(request.use_strategy(std::move(strategy), context.params()));

  TrainingProgress progress = make_progress(context, request);
  TrainingDataset dataset = value_or_throw(
      TrainingDataset::build(request.strategy, request.data, progress, context.token()));
  if (dataset.rows.feature_names != saved.feature_names) {
    throw ErrorException(
        Error::invalid_argument("the data gives other features than the model was trained on (" +
                                    std::to_string(dataset.rows.cols()) + " vs " +
                                    std::to_string(saved.feature_names.size()) + " columns)",
                                {{"field", "timeframes"}}));
  }
  if (saved.scaler) ok_or_throw(saved.scaler->apply(dataset.rows));
  progress.enter(TrainingPhase::kTest);
  const ClassificationMetrics metrics = value_or_throw(evaluate(saved.model, dataset.rows));
  Json result = Json::object();
  result.set("model_path", saved.directory.string())
      .set("strategy", request.strategy.name)
      .set("symbols", request.data.symbols)
      .set("timeframes", timeframe_names(request.data.timeframes))
      .set("rows", dataset.rows.rows())
      .set("data", data_range(request, dataset))
      .set("test_metrics", metrics.to_json())
      .set("duration_seconds", seconds_since(started));
  return result;
}

Json run_feature_export(OperationContext& context, const TrainingRequest& request) {
  const Clock::time_point started = Clock::now();
  add_strategy_warnings(context, request.strategy);
  TrainingProgress progress = make_progress(context, request);
  const TrainingDataset dataset = value_or_throw(
      TrainingDataset::build(request.strategy, request.data, progress, context.token()));
  const FeatureMatrix& rows = dataset.rows;
  const std::vector<ConstantFeature> constant = constant_features(rows);
  if (auto warning = constant_features_warning(constant, rows.cols(), rows.rows(), "exported")) {
    context.add_warning(std::move(*warning));
  }
  const ProgressStep save = progress.enter(TrainingPhase::kSave);
  std::error_code ec;
  std::filesystem::create_directories(request.output_dir, ec);
  if (ec) {
    throw ErrorException(
        Error::io("cannot create " + request.output_dir.string() + ": " + ec.message(),
                  {{"file", request.output_dir.string()}}));
  }
  static constexpr const char* kLabelNames[] = {"BUY", "HOLD", "SELL"};
  Json files = Json::array();
  for (std::size_t s = 0; s < rows.symbols.size(); ++s) {
    const std::string& symbol = rows.symbols[s];
    context.token().throw_if_cancelled("training.features: writing " + symbol);
    const BaseIndicators& indicators = dataset.indicators.at(symbol);
    std::string text = "timestamp";
    for (const IndicatorOutput& output : indicators.outputs) text += "," + output.name;
    for (const std::string& name : rows.feature_names) text += "," + name;
    text += ",label\n";
    std::size_t written = 0;
    std::size_t bar = 0;  // rows and bars both ascend: walk them together
    for (std::size_t r = 0; r < rows.rows(); ++r) {
      if (rows.symbol_index[r] != static_cast<std::int32_t>(s)) continue;
      while (indicators.timestamps[bar] < rows.timestamps[r]) ++bar;
      text += to_iso8601(rows.timestamps[r]);
      for (const IndicatorOutput& output : indicators.outputs) {
        text += ',';
        append_number(text, output.values[bar]);
      }
      const float* values = rows.row(r);
      for (std::size_t c = 0; c < rows.cols(); ++c) {
        text += ',';
        append_number(text, static_cast<double>(values[c]));
      }
      text += ',';
      text += kLabelNames[rows.labels[r]];
      text += '\n';
      ++written;
    }
    const auto file =
        request.output_dir /
        (symbol + "_" + std::string(to_string(request.data.timeframes[0])) + "_features.csv");
    ok_or_throw(replace_file_atomically(file, text));
    Json entry = Json::object();
    entry.set("symbol", symbol)
        .set("file", file.string())
        .set("rows", written)
        .set("columns", indicators.outputs.size() + rows.cols() + 2);
    files.push_back(entry);
    save.set_items(static_cast<std::int64_t>(s + 1),
                   static_cast<std::int64_t>(rows.symbols.size()));
  }
  Json result = Json::object();
  result.set("files", files)
      .set("features", rows.feature_names)
      .set("constant_features", constant_names(constant))
      .set("duration_seconds", seconds_since(started));
  return result;
}

}  // namespace ktrdr::training
