// FeatureScaler: per-column standardisation (x − mean) / std, fitted on the training rows only
// and applied to every split; saved with a model's artifacts as JSON. Immutable after fit or
// from_json; const use is thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "feature_matrix.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr::training {

class FeatureScaler {
 public:
  // Fits each column's mean and population standard deviation (divisor n, as scikit-learn's
  // StandardScaler) over `rows` of `matrix`, in double precision, two passes. A column whose
  // standard deviation is below 1e-12 (constant on the training rows) gets std 1, so it scales
  // to x − mean instead of dividing by zero. Errors (invalid_argument): no rows, a row index
  // out of range, a non-finite value (naming the column and row).
  static Result<FeatureScaler> fit(const FeatureMatrix& matrix, std::span<const std::size_t> rows);

  // Reads {"feature_names": [...], "means": [...], "stds": [...]} as to_json writes it.
  // Errors (invalid_argument naming the field): a missing or non-array field, lengths that
  // differ, a non-numeric or non-finite value, a std ≤ 0.
  static Result<FeatureScaler> from_json(const Json& json);
  Json to_json() const;

  const std::vector<std::string>& feature_names() const noexcept { return feature_names_; }
  const std::vector<double>& means() const noexcept { return means_; }
  const std::vector<double>& stds() const noexcept { return stds_; }

  // Standardises every row of `matrix` in place. Error (invalid_argument): feature names that
  // differ from the fitted ones (naming the first differing column); `matrix` is unchanged.
  Result<void> apply(FeatureMatrix& matrix) const;

 private:
  FeatureScaler(std::vector<std::string> names, std::vector<double> means, std::vector<double> stds)
      : feature_names_(std::move(names)), means_(std::move(means)), stds_(std::move(stds)) {}
  std::vector<std::string> feature_names_;
  std::vector<double> means_;
  std::vector<double> stds_;
};

}  // namespace ktrdr::training
