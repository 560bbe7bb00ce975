// TrainingRequest: the params of training.train, training.evaluate and training.features,
// checked and typed — and the ParamSchemas the engine checks jobs against before they start
// (the strategy file itself is read and checked there too, so a bad strategy fails the run
// with its file, line and key). Plain values; thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/param_schema.hpp"
#include "ktrdr/sdk/result.hpp"
#include "mlp_model.hpp"
#include "strategy.hpp"
#include "training_dataset.hpp"

namespace ktrdr::training {

inline constexpr const char* kTrainKind = "training.train";
inline constexpr const char* kEvaluateKind = "training.evaluate";
inline constexpr const char* kFeaturesKind = "training.features";

struct TrainingRequest {
  Strategy strategy;          // read, with `symbols`/`timeframes` overrides applied
  DatasetRequest data;        // symbols, timeframes (base first), start, end, data_dir
  std::filesystem::path models_dir = "models";
  std::filesystem::path model;   // training.evaluate: the model to evaluate
  std::filesystem::path output_dir;  // training.features: where the CSVs go
  DeviceKind device = DeviceKind::kAuto;
  std::uint64_t seed = 42;
  int threads = 1;

  // training.train: strategy, symbols, timeframes, start, end, data_dir, models_dir, device,
  // seed, threads.
  static ParamSchema train_schema();
  // training.evaluate: model, symbols, timeframes, start, end, data_dir, device, threads.
  static ParamSchema evaluate_schema();
  // training.features: strategy, symbols, timeframes, start, end, data_dir, output_dir.
  static ParamSchema features_schema();

  // Reads params that passed one of the schemas. For train and features the strategy file is
  // read; evaluate's comes with the model (see model_artifacts.hpp).
  static Result<TrainingRequest> from_params(const Json& params);
  // Applies the job's symbols/timeframes overrides (if any) to `strategy` and fills `data`.
  Result<void> use_strategy(Strategy loaded, const Json& params);
};

}  // namespace ktrdr::training
