// Constant features: the columns of a FeatureMatrix that keep one value over the rows a model
// learns from. A fuzzy set the data never reaches (all 0) or always fills (all 1) teaches the
// model nothing and usually means parameters in the wrong units; training warns about them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "feature_matrix.hpp"

namespace ktrdr::training {

struct ConstantFeature {
  std::string name;
  double value = 0.0;
};

// The columns of `matrix` whose value is the same in every row, in column order; none when the
// matrix has no rows.
std::vector<ConstantFeature> constant_features(const FeatureMatrix& matrix);

// The warning to show for `constant` (found over `rows` rows of `what`, e.g. "training"), or
// nullopt when there are none. Names at most 10 columns with their value, then how many more.
std::optional<std::string> constant_features_warning(const std::vector<ConstantFeature>& constant,
                                                     std::size_t columns, std::size_t rows,
                                                     const std::string& what);

}  // namespace ktrdr::training
