// FeatureScaler: per-column rescaling (x − offset) / scale — standardisation by default, or a
// raw input's zscore / minmax (raw_input.hpp) — fitted on the training rows only and applied to
// every split; saved with a model's artifacts as JSON. Immutable after fit or from_json; const
// use is thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "feature_matrix.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"
#include "raw_input.hpp"

namespace ktrdr::training {

class FeatureScaler {
 public:
  // Fits each column's mean and population standard deviation (divisor n, as scikit-learn's
  // StandardScaler) over `rows` of `matrix`, in double precision, two passes. A column whose
  // standard deviation is below 1e-12 (constant on the training rows) gets std 1, so it scales
  // to x − mean instead of dividing by zero. Errors (invalid_argument): no rows, a row index
  // out of range, a non-finite value (naming the column and row).
  static Result<FeatureScaler> fit(const FeatureMatrix& matrix, std::span<const std::size_t> rows);

  // As above, each column as `methods` says (one per column): kStandard as above; kZScore with
  // the sample standard deviation (divisor n − 1); kMinMax to (x − min) / (max − min); kNone
  // leaves it as it is. A spread below 1e-12 scales by 1. Also an error: a method count that
  // differs from the column count.
  static Result<FeatureScaler> fit(const FeatureMatrix& matrix, std::span<const std::size_t> rows,
                                   std::span<const Normalization> methods);

  // Reads {"feature_names": [...], "means": [...], "stds": [...], "methods": [...]} as to_json
  // writes it ("means" are the offsets, "stds" the scales; "methods", optional, names each
  // column's normalisation, "standard" when absent).
  // Errors (invalid_argument naming the field): a missing or non-array field, lengths that
  // differ, a non-numeric or non-finite value, a std ≤ 0.
  static Result<FeatureScaler> from_json(const Json& json);
  Json to_json() const;

  const std::vector<std::string>& feature_names() const noexcept { return feature_names_; }
  const std::vector<double>& means() const noexcept { return means_; }
  const std::vector<double>& stds() const noexcept { return stds_; }
  const std::vector<Normalization>& methods() const noexcept { return methods_; }

  // Rescales every row of `matrix` in place. Error (invalid_argument): feature names that
  // differ from the fitted ones (naming the first differing column); `matrix` is unchanged.
  Result<void> apply(FeatureMatrix& matrix) const;

 private:
  FeatureScaler(std::vector<std::string> names, std::vector<double> means, std::vector<double> stds,
                std::vector<Normalization> methods)
      : feature_names_(std::move(names)),
        means_(std::move(means)),
        stds_(std::move(stds)),
        methods_(std::move(methods)) {}
  std::vector<std::string> feature_names_;
  std::vector<double> means_;
  std::vector<double> stds_;
  std::vector<Normalization> methods_;
};

}  // namespace ktrdr::training
