#include "constant_features.hpp"

#include <charconv>

namespace ktrdr::training {
namespace {

constexpr std::size_t kNamedAtMost = 10;

std::string number_text(double value) {
  char text[32];
  return std::string(text, std::to_chars(text, text + sizeof text, value).ptr);
}

}  // namespace

std::vector<ConstantFeature> constant_features(const FeatureMatrix& matrix) {
  std::vector<ConstantFeature> constant;
  if (matrix.rows() == 0) return constant;
  const std::size_t cols = matrix.cols();
  std::vector<bool> varies(cols, false);
  const float* first = matrix.row(0);
  for (std::size_t r = 1; r < matrix.rows(); ++r) {
    const float* row = matrix.row(r);
    for (std::size_t c = 0; c < cols; ++c) varies[c] = varies[c] || row[c] != first[c];
  }
  for (std::size_t c = 0; c < cols; ++c) {
    if (!varies[c]) constant.push_back({matrix.feature_names[c], static_cast<double>(first[c])});
  }
  return constant;
}

std::optional<std::string> constant_features_warning(const std::vector<ConstantFeature>& constant,
                                                     std::size_t columns, std::size_t rows,
                                                     const std::string& what) {
  if (constant.empty()) return std::nullopt;
  std::string text = std::to_string(constant.size()) + " of " + std::to_string(columns) +
                     " features are constant over the " + std::to_string(rows) + " " + what +
                     " rows, so the model learns nothing from them (check each fuzzy set's "
                     "parameters against its indicator's values): ";
  for (std::size_t i = 0; i < constant.size() && i < kNamedAtMost; ++i) {
    text += (i == 0 ? "" : ", ") + constant[i].name + " = " + number_text(constant[i].value);
  }
  if (constant.size() > kNamedAtMost) {
    text += " and " + std::to_string(constant.size() - kNamedAtMost) + " more";
  }
  return text;
}

}  // namespace ktrdr::training
