// TrainingProgressRenderer: the training domain's progress line and result summary, read from
// the context {"operation":"model_training",…} (or "feature_computation"). Stateless.
#pragma once

#include "ktrdr/sdk/progress_renderer.hpp"

namespace ktrdr::training {

class TrainingProgressRenderer final : public ProgressRenderer {
 public:
  // "Training MLP on AAPL, MSFT 1h · epoch 15/50 · batch 342/500 · loss 0.412 · val acc 0.58";
  // before training "Training MLP on AAPL 1h · indicators · MSFT 1h rsi".
  std::string render_message(const ProgressState& state) const override;
  // The test metrics table, the best epoch and the artifact path (training.train and
  // training.evaluate), or the files written (training.features).
  std::string render_result(const Json& result) const override;
};

}  // namespace ktrdr::training
