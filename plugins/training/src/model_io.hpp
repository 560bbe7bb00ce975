// Model files and inference: save_model / load_model write and read a trained MlpModel — its
// architecture (JSON) and every parameter and buffer, in one LibTorch archive (what
// torch::save / torch::load of the module write, plus the architecture, so a file is enough to
// rebuild the module) — and predict / evaluate run the model over a FeatureMatrix for its
// labels and classification metrics. Each call is independent; a model must not be used by two
// calls at once (predict switches it to eval mode for the call).
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "classification_metrics.hpp"
#include "feature_matrix.hpp"
#include "ktrdr/sdk/result.hpp"
#include "mlp_model.hpp"

namespace ktrdr::training {

// Writes `model` to `file` (through a temporary beside it, renamed into place, so a reader
// never sees half a file). Errors: io (the directory is not writable, LibTorch failed to write).
Result<void> save_model(const MlpModel& model, const std::filesystem::path& file);

// Reads a file save_model wrote and rebuilds the module on `device`, in eval mode.
// Errors: io (missing or unreadable file), parse (not a model file, architecture invalid or not
// matching the weights), unavailable (kCuda without CUDA).
Result<MlpModel> load_model(const std::filesystem::path& file,
                            DeviceKind device = DeviceKind::kCpu);

// The predicted label (argmax of the logits: 0 BUY, 1 HOLD, 2 SELL) of each row, computed in
// eval mode without gradients, `batch_rows` rows per forward pass; the model's mode is put back.
// Errors: invalid_argument (the rows' feature count is not the model's, inconsistent sizes).
Result<std::vector<std::int64_t>> predict(const MlpModel& model, const FeatureMatrix& rows,
                                          std::int64_t batch_rows = 8192);

// predict() against the rows' labels.
Result<ClassificationMetrics> evaluate(const MlpModel& model, const FeatureMatrix& rows);

}  // namespace ktrdr::training
