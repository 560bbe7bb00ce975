// TrainingDataset: a strategy's rows for some symbols and a date range — bars read from the
// store (the data domain's CsvBarStore), indicators computed per symbol and timeframe, fuzzy
// features aligned on the base timeframe, ZigZag labels — reporting each step and cancellable
// inside it. Shared by training.train, training.evaluate and training.features.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "feature_matrix.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/result.hpp"
#include "strategy.hpp"
#include "training_progress.hpp"

namespace ktrdr::training {

struct DatasetRequest {
  std::vector<std::string> symbols;    // in order
  std::vector<Timeframe> timeframes;   // the base timeframe first
  std::optional<std::chrono::sys_seconds> start;  // rows from (indicators warm up before it)
  std::optional<std::chrono::sys_seconds> end;    // rows before (exclusive)
  std::filesystem::path data_dir;
};

// What went in: per series, its file, bars used and a checksum of the file (FNV-1a 64 of its
// bytes), for the model's metadata.
struct InputSeries {
  std::string symbol;
  Timeframe timeframe = Timeframe::k1h;
  std::filesystem::path file;
  std::size_t bars = 0;
  std::chrono::sys_seconds first{};
  std::chrono::sys_seconds last{};
  std::string checksum;

  Json to_json() const;
};

// One symbol's indicator outputs on the base timeframe, bar by bar (for training.features).
struct BaseIndicators {
  std::vector<std::chrono::sys_seconds> timestamps;  // the base bars' open times
  std::vector<IndicatorOutput> outputs;
};

struct TrainingDataset {
  FeatureMatrix rows;               // all symbols, in time order
  std::vector<InputSeries> inputs;  // per symbol and timeframe
  std::map<std::string, BaseIndicators> indicators;  // per symbol

  // Builds the dataset, entering the load_data, indicators, features and labels phases of
  // `progress`. Errors name what is wrong: a series missing from the store (suggesting the
  // data.load job that fetches it), a corrupt file (file and line), no bars in the range, no
  // usable rows left after indicator warm-up and label look-ahead (naming the longest warm-up
  // and the bars available), and the builders' errors. Throws CancelledError when `token` is
  // cancelled (between series, inside indicators and feature building).
  static Result<TrainingDataset> build(const Strategy& strategy, const DatasetRequest& request,
                                       TrainingProgress& progress,
                                       const CancellationToken& token);
};

}  // namespace ktrdr::training
