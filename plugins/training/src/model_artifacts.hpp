// ModelArtifacts: a trained model on disk, `<models_dir>/<strategy>/<SYMBOLS>_<TFS>_v<N>/` —
// the weights (model.pt), the strategy as used (strategy.yaml), the features and their scaling
// (features.json), the per-epoch history (history.json), the test metrics (metrics.json) and
// the metadata (versions, device, seed, threads, data range, input checksums) — written into a
// temporary directory and renamed into place, so a failed run leaves nothing; `latest` links
// the newest version. Reading one back gives what evaluation needs. Stateless; thread-safe.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "classification_metrics.hpp"
#include "feature_scaler.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"
#include "local_trainer.hpp"
#include "mlp_model.hpp"
#include "strategy.hpp"

namespace ktrdr::training {

struct ArtifactContents {
  const Strategy* strategy = nullptr;
  std::vector<std::string> symbols;
  std::vector<Timeframe> timeframes;
  std::vector<std::string> feature_names;
  std::optional<FeatureScaler> scaler;
  const TrainingResult* training = nullptr;
  ClassificationMetrics test_metrics;
  Json metadata = Json::object();  // merged into metadata.json (seed, data range, inputs …)
};

// A model read back from its directory.
struct SavedModel {
  std::filesystem::path directory;
  Strategy strategy;  // from the saved strategy.yaml
  std::vector<std::string> symbols;
  std::vector<Timeframe> timeframes;
  std::vector<std::string> feature_names;
  std::optional<FeatureScaler> scaler;
  MlpModel model{nullptr};
};

// The directory name of a model of `symbols` on `timeframes` without its version:
// "AAPL-MSFT_1h-1d".
std::string model_stem(const std::vector<std::string>& symbols,
                       const std::vector<Timeframe>& timeframes);

// Writes the artifacts of a new version (one more than the highest in the strategy's
// directory) and points `latest` at it; returns the version's directory. A cancel seen before
// the version is published (renamed into place) is a kCancelled error. Errors: io (naming the
// path); nothing is left behind on failure or cancel. Temp directories of runs killed while
// saving are removed first.
Result<std::filesystem::path> save_artifacts(const std::filesystem::path& models_dir,
                                             const ArtifactContents& contents,
                                             const CancellationToken& token);

// Reads the model at `path`: a version directory, or a strategy directory (its `latest`).
// Errors: not_found (no such model, naming the path), parse (a file missing or malformed,
// naming it).
Result<SavedModel> load_artifacts(const std::filesystem::path& path, DeviceKind device);

}  // namespace ktrdr::training
