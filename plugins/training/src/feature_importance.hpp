// Permutation feature importance: how much a trained MlpModel relies on each feature column —
// its accuracy and cross-entropy on a set of rows, then again with one column's values shuffled
// among the rows (breaking the column's link to the labels while keeping its distribution),
// column by column. A feature the model ignores changes nothing; one the labels hang on drops
// the accuracy. Free function; a model must not be used by two calls at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "feature_matrix.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"
#include "mlp_model.hpp"

namespace ktrdr::training {

struct FeatureImportance {
  std::string name;            // the column's feature name
  double accuracy_drop = 0.0;  // accuracy on the rows − accuracy with the column permuted
  double loss_increase = 0.0;  // cross-entropy with the column permuted − on the rows

  // {"name", "accuracy_drop", "loss_increase"}
  Json to_json() const;
};

struct PermutationImportance {
  std::int64_t rows = 0;
  double accuracy = 0.0;  // the model's on the rows as they are
  double loss = 0.0;      // mean cross-entropy (unweighted) on the rows as they are
  // One per column, by accuracy_drop (largest first), then loss_increase (largest first), then
  // column order.
  std::vector<FeatureImportance> features;

  // {"rows", "accuracy", "loss", "features": [{"name", "accuracy_drop", "loss_increase"}, ..]}
  Json to_json() const;
};

// The permutation importance of every column of `rows` for `model` (run on its own device, in
// eval mode; its mode is put back). Every column is permuted by the same permutation of the
// rows, drawn from `seed`: the same model, rows and seed give the same result.
// Errors: invalid_argument (no rows, a feature count that is not the model's, inconsistent
// sizes, a label outside 0–2); internal (LibTorch failed). Throws CancelledError when `token`
// is cancelled (checked before each forward pass).
Result<PermutationImportance> permutation_importance(const MlpModel& model,
                                                     const FeatureMatrix& rows,
                                                     std::uint64_t seed,
                                                     const CancellationToken& token = {});

}  // namespace ktrdr::training
