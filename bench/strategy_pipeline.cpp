// strategy_pipeline: a whole KTRDR-shaped strategy end to end — strategy file → bars →
// indicators → fuzzy memberships → lagged features → ZigZag segment labels → chronological
// split with purge → scaling → 10 epochs of MLP training — with ktrdr's own training pipeline
// (what training.train runs: Strategy::load, TrainingDataset::build, split_chronologically,
// FeatureScaler, LocalTrainer on LibTorch, progress through TrainingProgress), against the same
// steps in pandas + PyTorch (bench/strategy_pipeline.py, run with /usr/bin/python3 and Debian's
// python3-pandas / python3-torch) on the same file, with the same model, optimizer, batch size,
// epochs and threads. Early stopping is turned off on both sides so that both train every epoch.
//
// It measures:
//  1. end to end: one run is everything from reading the strategy file to the trained model
//     (artifacts are not saved: training.train would write them to disk). One warm-up run per
//     side, then the median of --runs runs; Python times itself inside the interpreter (its
//     start-up and imports are printed apart). Target: Python / ktrdr >= 10x.
//  2. that both sides did the same work: the Python script writes its rows; the feature names,
//     row count, timestamps and labels must be identical, every feature within 1e-5, the split
//     sizes (and purged rows) identical and the scaler within 1e-9. Exit 2 when they differ.
//  3. what progress reporting costs during training: LocalTrainer on the prepared rows with the
//     production path (TrainingProgress over a ProgressReporter whose sink renders every emitted
//     state with TrainingProgressRenderer and keeps it, as the orchestrator does; the trainer's
//     progress callback and epoch-end callback wired as in training_jobs.cpp) against no
//     callbacks at all, alternated (A B A … A). The reporting calls are timed where they run;
//     their share of the run is checked against <= 0.5 % (the end-to-end difference of whole
//     runs is printed too, and is noise-bound on a busy machine; see progress_overhead).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "baseline_command.hpp"
#include "scratch_dir.hpp"
#include "data_splitter.hpp"
#include "feature_scaler.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/progress.hpp"
#include "ktrdr/sdk/progress_renderer.hpp"
#include "local_trainer.hpp"
#include "stats.hpp"
#include "strategy.hpp"
#include "thread_budget.hpp"
#include "training_dataset.hpp"
#include "training_progress.hpp"
#include "training_progress_renderer.hpp"

namespace {

using ktrdr::bench::field;
using ktrdr::bench::run_command;
using ktrdr::bench::shell_quoted;

namespace fs = std::filesystem;
namespace kt = ktrdr::training;
using Clock = std::chrono::steady_clock;

constexpr double kTargetRatio = 10.0;             // Python / ktrdr, end to end
constexpr double kTargetOverheadPercent = 0.5;    // progress reporting, of training time
constexpr double kFeatureTolerance = 1e-5;        // memberships are in [0, 1]
constexpr double kScalerTolerance = 1e-9;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}


struct Settings {
  fs::path strategy;
  fs::path data_dir;
  int epochs = 10;
  int threads = 1;
  std::uint64_t seed = 42;
};

// The production progress path: TrainingProgress over a ProgressReporter whose sink renders
// every emitted state with the training domain's renderer into a copy and keeps it (what the
// orchestrator does before the registry). Not movable (the reporter calls back into it).
class RenderedProgress {
 public:
  explicit RenderedProgress(const kt::Strategy& strategy)
      : reporter_([this](const ktrdr::ProgressState& state) {
          ktrdr::ProgressState rendered = state;
          rendered.message = renderer_.render_message(state);
          latest_ = std::move(rendered);
          ++emissions_;
        }),
        progress_(reporter_, "MLP", strategy.symbols, timeframe_names(strategy)) {}
  RenderedProgress(const RenderedProgress&) = delete;
  RenderedProgress& operator=(const RenderedProgress&) = delete;

  kt::TrainingProgress& progress() { return progress_; }
  std::uint64_t emissions() const { return emissions_; }
  const std::string& last_message() const { return latest_.message; }

 private:
  static std::vector<std::string> timeframe_names(const kt::Strategy& strategy) {
    std::vector<std::string> names;
    for (const ktrdr::Timeframe tf : strategy.timeframes) names.emplace_back(to_string(tf));
    return names;
  }

  kt::TrainingProgressRenderer renderer_;
  ktrdr::ProgressState latest_;
  std::uint64_t emissions_ = 0;
  ktrdr::ProgressReporter reporter_;
  kt::TrainingProgress progress_;
};

// The strategy file as training.train reads it, trained for `epochs` epochs without early stop.
kt::Strategy load_strategy(const Settings& settings) {
  kt::Strategy strategy = kt::Strategy::load(settings.strategy).value_or_throw();
  strategy.model.epochs = settings.epochs;
  strategy.model.early_stopping.enabled = false;
  return strategy;
}

kt::DatasetRequest dataset_request(const kt::Strategy& strategy, const fs::path& data_dir) {
  kt::DatasetRequest request;
  request.symbols = strategy.symbols;
  request.timeframes = {strategy.base_timeframe};
  for (const ktrdr::Timeframe tf : strategy.timeframes) {
    if (tf != strategy.base_timeframe) request.timeframes.push_back(tf);
  }
  request.data_dir = data_dir;
  return request;
}

// The trainer's callbacks wired into `progress` as training_jobs.cpp wires them, each call's
// time added to `*spent` when it is given.
kt::TrainerOptions reported_options(const Settings& settings, kt::TrainingProgress& progress,
                                    double* spent) {
  return {.device = kt::DeviceKind::kCpu,
          .seed = settings.seed,
          .threads = kt::ThreadBudget::for_threads(settings.threads),
          .on_epoch_end = [&progress, spent](const kt::EpochMetrics& epoch,
                                             const kt::MlpModelImpl&) {
            const Clock::time_point begin = Clock::now();
            progress.epoch_done(epoch.to_json());
            if (spent != nullptr) *spent += seconds_since(begin);
          }};
}

kt::TrainerProgressCallback reported_callback(kt::TrainingProgress& progress, double* spent) {
  return [&progress, spent](const kt::TrainerProgress& p) {
    const Clock::time_point begin = Clock::now();
    progress.training(p.epoch_progress());
    if (spent != nullptr) *spent += seconds_since(begin);
  };
}

// One end-to-end run and what it produced.
struct PipelineRun {
  double prepare = 0.0;  // strategy file, bars, indicators, fuzzy, features, labels
  double split = 0.0;    // split with purge, row copies, scaler fit and apply
  double train = 0.0;    // LocalTrainer, `epochs` epochs
  double total = 0.0;
  kt::FeatureMatrix rows;  // all rows, unscaled
  kt::SplitIndices split_indices;
  std::optional<kt::FeatureScaler> scaler;
  kt::FeatureMatrix train_rows;  // scaled
  kt::FeatureMatrix validation_rows;
  kt::TrainingResult trained;
  kt::Strategy strategy;
};

PipelineRun run_pipeline(const Settings& settings) {
  PipelineRun out;
  const ktrdr::CancellationSource source;
  const ktrdr::CancellationToken token = source.token();
  const Clock::time_point start = Clock::now();
  out.strategy = load_strategy(settings);
  const kt::Strategy& strategy = out.strategy;
  RenderedProgress rendered(strategy);
  kt::TrainingProgress& progress = rendered.progress();
  kt::TrainingDataset dataset =
      kt::TrainingDataset::build(strategy, dataset_request(strategy, settings.data_dir), progress,
                                 token)
          .value_or_throw();
  const Clock::time_point prepared = Clock::now();

  progress.enter(kt::TrainingPhase::kSplit);
  out.split_indices =
      kt::split_chronologically(dataset.rows, strategy.split, settings.seed).value_or_throw();
  out.train_rows = kt::take_rows(dataset.rows, out.split_indices.train);
  out.validation_rows = kt::take_rows(dataset.rows, out.split_indices.validation);
  kt::FeatureMatrix test = kt::take_rows(dataset.rows, out.split_indices.test);
  if (strategy.model.scale_features) {
    out.scaler = kt::FeatureScaler::fit(dataset.rows, out.split_indices.train).value_or_throw();
    for (kt::FeatureMatrix* part : {&out.train_rows, &out.validation_rows, &test}) {
      out.scaler->apply(*part).value_or_throw();
    }
  }
  const Clock::time_point split = Clock::now();

  progress.enter(kt::TrainingPhase::kTrain);
  const kt::LocalTrainer trainer(strategy.model, reported_options(settings, progress, nullptr));
  out.trained = trainer
                    .train(out.train_rows, out.validation_rows, token,
                           reported_callback(progress, nullptr))
                    .value_or_throw();
  const Clock::time_point end = Clock::now();
  out.prepare = std::chrono::duration<double>(prepared - start).count();
  out.split = std::chrono::duration<double>(split - prepared).count();
  out.train = std::chrono::duration<double>(end - split).count();
  out.total = std::chrono::duration<double>(end - start).count();
  out.rows = std::move(dataset.rows);
  return out;
}

// ------------------------------------------------------------------ the Python side

struct PythonRun {
  double total = 0.0;
  double prepare = 0.0;
  double split = 0.0;
  double train = 0.0;
  double imports = 0.0;
  std::string line;  // its key=value line
};

template <class T>
std::optional<std::vector<T>> read_raw(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  const auto bytes = static_cast<std::size_t>(fs::file_size(file));
  std::vector<T> values(bytes / sizeof(T));
  in.read(reinterpret_cast<char*>(values.data()), static_cast<std::streamsize>(bytes));
  return in ? std::optional(std::move(values)) : std::nullopt;
}

std::size_t count_of(const std::string& line, const char* key) {
  return static_cast<std::size_t>(std::stoull(field(line, key).value_or("0")));
}

// Compares Python's rows (written under `dir`) with ktrdr's; prints each check. True when all
// agree.
bool compare_rows(const PipelineRun& ours, const PythonRun& python, const fs::path& dir) {
  bool same = true;
  const auto check = [&same](bool ok, const std::string& what) {
    std::printf("  %-58s %s\n", what.c_str(), ok ? "equal" : "DIFFERENT");
    same = same && ok;
  };
  const kt::FeatureMatrix& rows = ours.rows;
  std::vector<std::string> names;
  {
    std::ifstream in(dir / "names.txt");
    for (std::string name; std::getline(in, name);) names.push_back(name);
  }
  std::string first_difference;
  for (std::size_t c = 0; c < std::min(names.size(), rows.cols()); ++c) {
    if (names[c] != rows.feature_names[c] && first_difference.empty()) {
      first_difference = ", first: " + rows.feature_names[c] + " vs " + names[c];
    }
  }
  check(names == rows.feature_names, "feature names (" + std::to_string(rows.cols()) + " vs " +
                                          std::to_string(names.size()) + first_difference + ")");
  const auto features = read_raw<float>(dir / "features.f32");
  const auto labels = read_raw<std::int64_t>(dir / "labels.i64");
  const auto timestamps = read_raw<std::int64_t>(dir / "timestamps.i64");
  const auto scaler = read_raw<double>(dir / "scaler.f64");
  if (!features || !labels || !timestamps || !scaler) {
    std::printf("  the Python rows under %s could not be read\n", dir.c_str());
    return false;
  }
  const std::size_t n = rows.rows();
  check(labels->size() == n && timestamps->size() == n &&
            features->size() == n * names.size() && count_of(python.line, "rows") == n,
        "rows (ktrdr " + ktrdr::format_count(static_cast<std::int64_t>(n)) + ", Python " +
            ktrdr::format_count(static_cast<std::int64_t>(labels->size())) + ")");
  if (!same) return false;
  std::size_t label_diffs = 0;
  std::size_t time_diffs = 0;
  for (std::size_t r = 0; r < n; ++r) {
    label_diffs += (*labels)[r] != rows.labels[r];
    time_diffs += (*timestamps)[r] != rows.timestamps[r].time_since_epoch().count();
  }
  check(time_diffs == 0, "row timestamps (" + std::to_string(time_diffs) + " differ)");
  std::size_t counts[3] = {0, 0, 0};
  for (const std::int64_t label : rows.labels) ++counts[static_cast<std::size_t>(label)];
  char text[160];
  std::snprintf(text, sizeof text, "labels (%zu differ; BUY %.1f %%, HOLD %.1f %%, SELL %.1f %%)",
                label_diffs, 100.0 * static_cast<double>(counts[0]) / static_cast<double>(n),
                100.0 * static_cast<double>(counts[1]) / static_cast<double>(n),
                100.0 * static_cast<double>(counts[2]) / static_cast<double>(n));
  check(label_diffs == 0, text);
  double max_diff = 0.0;
  for (std::size_t i = 0; i < features->size(); ++i) {
    max_diff = std::max(max_diff, std::abs(static_cast<double>((*features)[i]) -
                                           static_cast<double>(rows.values[i])));
  }
  std::snprintf(text, sizeof text, "features (max |difference| %.2g, tolerance %.0e)", max_diff,
                kFeatureTolerance);
  check(max_diff <= kFeatureTolerance, text);
  const kt::SplitIndices& split = ours.split_indices;
  std::snprintf(text, sizeof text, "split train/validation/test %zu/%zu/%zu, purged %zu/%zu",
                split.train.size(), split.validation.size(), split.test.size(),
                split.purged_train, split.purged_validation);
  check(count_of(python.line, "train_rows") == split.train.size() &&
            count_of(python.line, "validation_rows") == split.validation.size() &&
            count_of(python.line, "test_rows") == split.test.size() &&
            count_of(python.line, "purged_train") == split.purged_train &&
            count_of(python.line, "purged_validation") == split.purged_validation,
        text);
  if (ours.scaler) {
    const ktrdr::Json json = ours.scaler->to_json();
    const std::size_t cols = rows.cols();
    double scaler_diff = scaler->size() == 2 * cols ? 0.0 : INFINITY;
    for (std::size_t c = 0; c < cols && scaler->size() == 2 * cols; ++c) {
      scaler_diff = std::max({scaler_diff,
                              std::abs((*scaler)[c] - json.at("means")[c].as_number()),
                              std::abs((*scaler)[cols + c] - json.at("stds")[c].as_number())});
    }
    std::snprintf(text, sizeof text, "scaler means and deviations (max |difference| %.2g)",
                  scaler_diff);
    check(scaler_diff <= kScalerTolerance, text);
  }
  return same;
}

// ------------------------------------------------------------------ progress overhead

struct TrainingRun {
  double seconds = 0.0;
  double reporting = 0.0;  // inside reporting calls
  double final_loss = 0.0;
  std::uint64_t emissions = 0;
  std::string last_message;
};

// LocalTrainer on the prepared rows, with the production progress path or with no callbacks.
TrainingRun train_once(const PipelineRun& prepared, const Settings& settings, bool reported) {
  const ktrdr::CancellationSource source;
  TrainingRun run;
  const Clock::time_point start = Clock::now();
  std::optional<kt::TrainingResult> result;
  if (reported) {
    const Clock::time_point setup = Clock::now();
    RenderedProgress rendered(prepared.strategy);
    rendered.progress().enter(kt::TrainingPhase::kTrain);
    run.reporting += seconds_since(setup);
    const kt::LocalTrainer trainer(
        prepared.strategy.model,
        reported_options(settings, rendered.progress(), &run.reporting));
    result = trainer
                 .train(prepared.train_rows, prepared.validation_rows, source.token(),
                        reported_callback(rendered.progress(), &run.reporting))
                 .value_or_throw();
    run.emissions = rendered.emissions();
    run.last_message = rendered.last_message();
  } else {
    const kt::LocalTrainer trainer(
        prepared.strategy.model, kt::TrainerOptions{.device = kt::DeviceKind::kCpu,
                                                    .seed = settings.seed,
                                                    .threads = kt::ThreadBudget::for_threads(
                                                        settings.threads)});
    result = trainer.train(prepared.train_rows, prepared.validation_rows, source.token())
                 .value_or_throw();
  }
  run.seconds = seconds_since(start);
  run.final_loss = result->history.back().train_loss;
  return run;
}

// Silent and reported runs alternated, A B A B … A; each reported run against the mean of the
// silent runs either side. True when the reporting calls' median share is within the target.
bool compare_progress(const PipelineRun& prepared, const Settings& settings, int runs) {
  std::printf(
      "\nprogress reporting during training: %d reported runs between %d silent ones "
      "(%s train rows, %d epochs)\n  %-6s %10s %11s %9s %12s\n",
      runs, runs + 1,
      ktrdr::format_count(static_cast<std::int64_t>(prepared.train_rows.rows())).c_str(),
      settings.epochs, "run", "silent s", "reported s", "ratio", "reporting %");
  std::vector<double> silent{train_once(prepared, settings, false).seconds};
  std::vector<double> ratios;
  std::vector<double> shares;
  TrainingRun b;
  for (int run = 0; run < runs; ++run) {
    b = train_once(prepared, settings, true);
    const TrainingRun a = train_once(prepared, settings, false);
    if (a.final_loss != b.final_loss) {
      std::fprintf(stderr, "strategy_pipeline: reporting changed training (loss %.9g vs %.9g)\n",
                   a.final_loss, b.final_loss);
      std::exit(2);
    }
    ratios.push_back(b.seconds / ((silent.back() + a.seconds) / 2.0));
    shares.push_back(b.reporting / b.seconds * 100.0);
    std::printf("  %-6d %10.4f %11.4f %9.4f %12.4f\n", run + 1, silent.back(), b.seconds,
                ratios.back(), shares.back());
    silent.push_back(a.seconds);
  }
  std::printf("  %-6s %10.4f\n", "", silent.back());
  const ktrdr::bench::Summary ratio = ktrdr::bench::summarize(ratios);
  const double share = ktrdr::bench::summarize(shares).p50;
  std::printf("  last reported run: %llu progress states emitted and rendered, last line \"%s\"\n",
              static_cast<unsigned long long>(b.emissions), b.last_message.c_str());
  std::printf("  end to end: %+.3f %% (median; ratios %.4f .. %.4f: differences inside that are "
              "noise)\n",
              (ratio.p50 - 1.0) * 100.0, ratio.min, ratio.max);
  std::printf("  in reporting calls: %.4f %% of training time (median; target <= %.1f %%)\n",
              share, kTargetOverheadPercent);
  return share <= kTargetOverheadPercent;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"strategy_pipeline: a whole strategy, ktrdr vs pandas + PyTorch"};
  Settings settings;
  settings.strategy = KTRDR_BENCH_STRATEGY;
  settings.data_dir = KTRDR_SHARED_DATA_DIR;
  int runs = 3;
  int progress_runs = 7;
  std::string python = "/usr/bin/python3";
  std::string script = KTRDR_BENCH_PIPELINE_SCRIPT;
  app.add_option("--strategy", settings.strategy, "the strategy file")->capture_default_str();
  app.add_option("--data-dir", settings.data_dir, "where <SYMBOL>_<TF>.csv are")
      ->capture_default_str();
  app.add_option("--epochs", settings.epochs, "epochs (early stopping off)")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--runs", runs, "measured end-to-end runs per side (the median counts)")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  app.add_option("--progress-runs", progress_runs, "reported training runs (0: skip)")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  app.add_option("--threads", settings.threads, "LibTorch intra-op threads, both sides")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--seed", settings.seed, "weights, dropout and shuffles")->capture_default_str();
  app.add_option("--python", python, "the Python with pandas and torch");
  app.add_option("--script", script, "the pandas + PyTorch pipeline");
  CLI11_PARSE(app, argc, argv);

  try {
    const kt::AppliedThreadBudget applied =
        kt::apply_thread_budget(kt::ThreadBudget::for_threads(settings.threads));
    run_pipeline(settings);  // warm-up: OpenMP and OpenBLAS pools, allocator, file cache
    std::vector<PipelineRun> ours;
    for (int run = 0; run < runs; ++run) ours.push_back(run_pipeline(settings));
    const auto median = [&ours](double PipelineRun::*phase) {
      std::vector<double> values;
      for (const PipelineRun& run : ours) values.push_back(run.*phase);
      return ktrdr::bench::summarize(values).p50;
    };
    const PipelineRun& last = ours.back();
    const kt::ModelSpec& model = last.strategy.model;
    std::string hidden;
    for (const int units : model.hidden_layers) hidden += (hidden.empty() ? "" : ", ") +
                                                          std::to_string(units);
    std::printf(
        "strategy_pipeline: %s on %s %s (%s), %d epochs (early stopping off), %zu features -> "
        "[%s] %s -> 3, batch %d, %s lr %g; %s rows\n",
        settings.strategy.filename().c_str(), last.strategy.symbols.front().c_str(),
        std::string(to_string(last.strategy.base_timeframe)).c_str(), settings.data_dir.c_str(),
        settings.epochs, last.rows.cols(), hidden.c_str(),
        std::string(kt::to_string(model.activation)).c_str(), model.batch_size,
        std::string(kt::to_string(model.optimizer)).c_str(), model.learning_rate,
        ktrdr::format_count(static_cast<std::int64_t>(last.rows.rows())).c_str());
    std::printf("threads: %d LibTorch intra-op, %d OpenBLAS (%s); 1 warm-up + %d runs per side, "
                "medians\n",
                applied.intra_op_threads, applied.blas_threads, applied.blas_library.c_str(),
                runs);

    std::printf("\n  %-18s %9s %9s %9s %9s\n", "seconds", "total", "prepare", "split", "train");
    std::printf("  %-18s %9.4f %9.4f %9.4f %9.4f   (last epoch: train loss %.4f, val acc %.4f)\n",
                "ktrdr", median(&PipelineRun::total), median(&PipelineRun::prepare),
                median(&PipelineRun::split), median(&PipelineRun::train),
                last.trained.history.back().train_loss,
                last.trained.history.back().val_accuracy.value_or(NAN));

    bool met = true;
    const bool have_python =
        run_command(shell_quoted(python) + " -c 'import pandas, torch, yaml' 2>/dev/null")
            .has_value();
    if (!have_python) {
      std::printf("pandas, torch or yaml is not available to %s (python3-pandas, python3-torch, "
                  "python3-yaml): no Python figure\n",
                  python.c_str());
      met = false;
    } else {
      const ktrdr::bench::ScratchDir scratch("strategy_pipeline");
      // The same OpenBLAS as this process (preloaded, so it serves LibTorch's sgemm_ there
      // too), its thread count set before it initialises.
      const std::string environment =
          "OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=" + std::to_string(settings.threads) +
          (applied.blas_library.empty() ? ""
                                        : " LD_PRELOAD=" + shell_quoted(applied.blas_library));
      const auto out = run_command(
          environment + " " + shell_quoted(python) + " " + shell_quoted(script) + " --strategy " +
          shell_quoted(settings.strategy.string()) + " --data-dir " +
          shell_quoted(settings.data_dir.string()) + " --out " +
          shell_quoted(scratch.path().string()) + " --epochs " + std::to_string(settings.epochs) +
          " --runs " + std::to_string(runs) + " --threads " + std::to_string(settings.threads) +
          " --seed " + std::to_string(settings.seed));
      const auto number = [&out](const char* key) {
        return std::stod(field(*out, key).value_or("nan"));
      };
      if (!out || !field(*out, "seconds")) {
        std::printf("Python: %s failed\n", script.c_str());
        return 2;
      }
      const PythonRun py{.total = number("seconds"),
                         .prepare = number("prepare"),
                         .split = number("split"),
                         .train = number("train"),
                         .imports = number("imports"),
                         .line = *out};
      std::printf("  %-18s %9.4f %9.4f %9.4f %9.4f   (last epoch: train loss %.4f, val acc %.4f)\n",
                  "pandas + PyTorch", py.total, py.prepare, py.split, py.train,
                  number("final_loss"), number("val_accuracy"));
      const double ratio = py.total / median(&PipelineRun::total);
      std::printf("  %-18s %8.1fx %8.1fx %8.1fx %8.1fx\n", "Python / ktrdr", ratio,
                  py.prepare / median(&PipelineRun::prepare),
                  py.split / median(&PipelineRun::split), py.train / median(&PipelineRun::train));
      std::printf("  Python's start-up imports (numpy, pandas, torch, yaml), not counted: %.3f s "
                  "(%s torch threads)\n",
                  py.imports, field(*out, "threads").value_or("?").c_str());
      std::printf("\nsame rows on both sides:\n");
      if (!compare_rows(last, py, scratch.path())) {
        std::printf("the two pipelines disagree: no comparison\n");
        return 2;
      }
      met = ratio >= kTargetRatio;
      std::printf("\nend to end: Python / ktrdr = %.2fx (target >= %.0fx): %s\n", ratio,
                  kTargetRatio, met ? "met" : "MISSED");
    }

    if (progress_runs > 0) {
      const bool progress_met = compare_progress(last, settings, progress_runs);
      std::printf("progress reporting: %s\n", progress_met ? "met" : "MISSED");
      met = met && progress_met;
    }
    std::printf("\ntarget %s\n", met ? "met" : "MISSED");
    return met ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "strategy_pipeline: %s\n", e.what());
    return 2;
  }
}
