// Permutation feature importance: on a model trained on rows whose labels depend entirely on one
// column, that column's accuracy drop is large, a noise column's about 0 and a constant
// column's exactly 0; the order, reproducibility from the seed, the JSON, errors and
// cancellation.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "feature_importance.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "local_trainer.hpp"

using namespace ktrdr;
using namespace ktrdr::training;

namespace {

// Columns "noise" (uniform in [-1, 1]), "signal" (likewise) and "constant" (0.5); the label is
// BUY below -1/3, HOLD up to 1/3, SELL above, of the signal alone.
FeatureMatrix signal_rows(std::size_t rows, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  FeatureMatrix m;
  m.feature_names = {"noise", "signal", "constant"};
  m.symbols = {"TEST"};
  for (std::size_t r = 0; r < rows; ++r) {
    const float noise = uniform(rng);
    const float signal = uniform(rng);
    m.values.insert(m.values.end(), {noise, signal, 0.5f});
    m.labels.push_back(signal < -1.0f / 3 ? 0 : signal < 1.0f / 3 ? 1 : 2);
    m.timestamps.emplace_back(std::chrono::seconds{static_cast<std::int64_t>(r) * 3600});
    m.symbol_index.push_back(0);
  }
  return m;
}

MlpModel trained_model(const FeatureMatrix& train) {
  ModelSpec spec;
  spec.hidden_layers = {16};
  spec.learning_rate = 0.01;
  spec.batch_size = 32;
  spec.epochs = 20;
  TrainerOptions options;
  options.device = DeviceKind::kCpu;
  options.seed = 3;
  auto result = LocalTrainer(spec, options).train(train, {});
  if (!result.ok()) FAIL(result.error().message);
  return result->model;
}

const FeatureImportance& feature(const PermutationImportance& importance,
                                 const std::string& name) {
  for (const FeatureImportance& f : importance.features) {
    if (f.name == name) return f;
  }
  FAIL("no feature " << name);
  throw;  // not reached
}

}  // namespace

TEST_CASE("permutation_importance ranks the column the labels depend on first",
          "[training][torch]") {
  const MlpModel model = trained_model(signal_rows(3000, 1));
  const FeatureMatrix rows = signal_rows(1000, 2);
  const std::vector<float> values_before = rows.values;
  auto importance = permutation_importance(model, rows, 7);
  REQUIRE(importance.ok());

  CHECK(importance->rows == 1000);
  CHECK(importance->accuracy > 0.9);
  CHECK(importance->loss > 0.0);
  REQUIRE(importance->features.size() == 3);
  CHECK(importance->features[0].name == "signal");
  for (std::size_t i = 1; i < importance->features.size(); ++i) {
    CHECK(importance->features[i - 1].accuracy_drop >= importance->features[i].accuracy_drop);
  }
  // Permuted, the signal says nothing: accuracy falls towards a third.
  const FeatureImportance& signal = feature(*importance, "signal");
  CHECK(signal.accuracy_drop > 0.4);
  CHECK(signal.loss_increase > 0.5);
  const FeatureImportance& noise = feature(*importance, "noise");
  CHECK(std::abs(noise.accuracy_drop) < 0.05);
  CHECK(std::abs(noise.loss_increase) < 0.05);
  // A constant column permuted is the same column.
  const FeatureImportance& constant = feature(*importance, "constant");
  CHECK(constant.accuracy_drop == 0.0);
  CHECK(constant.loss_increase == 0.0);

  // The baseline is the model's own accuracy and loss on the rows.
  {
    torch::NoGradGuard no_grad;
    const torch::Tensor x = torch::from_blob(const_cast<float*>(rows.values.data()), {1000, 3});
    const torch::Tensor y =
        torch::from_blob(const_cast<std::int64_t*>(rows.labels.data()), {1000}, torch::kInt64);
    const torch::Tensor logits = model.ptr()->forward(x);
    CHECK(importance->accuracy ==
          Approx(logits.argmax(1).eq(y).to(torch::kFloat64).mean().item<double>()));
    CHECK(importance->loss == Approx(torch::cross_entropy_loss(logits, y).item<double>()));
  }
  CHECK(rows.values == values_before);  // the rows are read, never permuted in place

  // The same seed gives the same result; the JSON carries it.
  const Json json = importance->to_json();
  CHECK(permutation_importance(model, rows, 7)->to_json() == json);
  CHECK(json.get_int("rows") == 1000);
  REQUIRE(json.at("features").size() == 3);
  CHECK(json.at("features")[0].get_string("name") == "signal");
  CHECK(json.at("features")[0].get_number("accuracy_drop") == signal.accuracy_drop);
  CHECK(json.at("features")[0].get_number("loss_increase") == signal.loss_increase);
}

TEST_CASE("permutation_importance puts the model's mode back", "[training][torch]") {
  MlpModel model = trained_model(signal_rows(300, 1));
  model->train();
  REQUIRE(permutation_importance(model, signal_rows(100, 2), 1).ok());
  CHECK(model->is_training());
}

TEST_CASE("permutation_importance refuses bad input and stops when cancelled",
          "[training][torch]") {
  const MlpModel model = trained_model(signal_rows(300, 1));
  const FeatureMatrix rows = signal_rows(100, 2);

  auto empty = permutation_importance(model, FeatureMatrix{}, 1);
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().code == ErrorCode::kInvalidArgument);

  FeatureMatrix narrow = rows;
  narrow.feature_names.pop_back();
  narrow.values.resize(narrow.rows() * 2);
  auto wrong_width = permutation_importance(model, narrow, 1);
  REQUIRE_FALSE(wrong_width.ok());
  CHECK(wrong_width.error().message.find("the model takes 3") != std::string::npos);

  FeatureMatrix bad_label = rows;
  bad_label.labels[4] = 3;
  auto bad = permutation_importance(model, bad_label, 1);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("row 4 has label 3") != std::string::npos);

  const CancellationSource source;
  source.cancel();
  CHECK_THROWS_AS(permutation_importance(model, rows, 1, source.token()), CancelledError);
}
