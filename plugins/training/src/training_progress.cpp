#include "training_progress.hpp"

#include <algorithm>

namespace ktrdr::training {
namespace {

PhasePlan training_plan(ProgressReporter& reporter) {
  return PhasePlan(reporter.root(), {{"load_data", 3},
                                     {"indicators", 8},
                                     {"features", 7},
                                     {"split", 1},
                                     {"train", 76},
                                     {"test", 3},
                                     {"save", 2}});
}

}  // namespace

std::string_view to_string(TrainingPhase phase) noexcept {
  switch (phase) {
    case TrainingPhase::kLoadData:
      return "load_data";
    case TrainingPhase::kIndicators:
      return "indicators";
    case TrainingPhase::kFeatures:
      return "features";
    case TrainingPhase::kSplit:
      return "split";
    case TrainingPhase::kTrain:
      return "train";
    case TrainingPhase::kTest:
      return "test";
    case TrainingPhase::kSave:
      return "save";
  }
  return "?";
}

TrainingProgress::TrainingProgress(ProgressReporter& reporter, std::string_view model_type,
                                   const std::vector<std::string>& symbols,
                                   const std::vector<std::string>& timeframes)
    : reporter_(reporter), context_(Json::object()), plan_(training_plan(reporter)) {
  context_.set("operation", "model_training")
      .set("model_type", model_type)
      .set("symbols", symbols)
      .set("timeframes", timeframes)
      .set("phase", to_string(TrainingPhase::kLoadData));
  reporter_.set_context(context_);
}

ProgressStep TrainingProgress::enter(TrainingPhase phase) {
  context_.set("phase", to_string(phase));
  for (const char* key : {"symbol", "timeframe", "indicator"}) context_.erase(key);
  reporter_.set_context(context_);
  ProgressStep step = plan_.enter(static_cast<std::size_t>(phase));
  if (phase == TrainingPhase::kTrain) train_step_ = step;
  return step;
}

void TrainingProgress::working_on(std::string_view symbol, std::string_view timeframe,
                                  std::string_view indicator) {
  const std::pair<const char*, std::string_view> fields[] = {
      {"symbol", symbol}, {"timeframe", timeframe}, {"indicator", indicator}};
  for (const auto& [key, value] : fields) {
    if (value.empty()) {
      context_.erase(key);
    } else {
      context_.set(key, value);
    }
  }
  reporter_.set_context(context_);
}

void TrainingProgress::training(const EpochProgress& progress) {
  context_.set("current_epoch", progress.epoch)
      .set("total_epochs", progress.total_epochs)
      .set("current_batch", progress.batch)
      .set("total_batches", progress.total_batches);
  if (progress.train_loss) context_.set("train_loss", *progress.train_loss);
  if (progress.val_loss) context_.set("val_loss", *progress.val_loss);
  if (progress.val_accuracy) context_.set("val_accuracy", *progress.val_accuracy);
  reporter_.set_context(context_);
  if (!train_step_ || progress.total_epochs == 0 || progress.total_batches == 0) return;
  const double epochs_done = static_cast<double>(progress.epoch > 0 ? progress.epoch - 1 : 0);
  const double batch_share = static_cast<double>(std::min(progress.batch, progress.total_batches)) /
                             static_cast<double>(progress.total_batches);
  train_step_->set_fraction((epochs_done + batch_share) /
                            static_cast<double>(progress.total_epochs));
}

void TrainingProgress::epoch_done(const Json& metrics) {
  Json epochs = context_.at("epochs");
  if (!epochs.is_array()) epochs = Json::array();
  epochs.push_back(metrics);
  context_.set("epochs", epochs);
  reporter_.set_context(context_);
}

}  // namespace ktrdr::training
