#include "feature_scaler.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <utility>

#include "feature_names.hpp"

namespace ktrdr::training {
namespace {

constexpr double kMinStd = 1e-12;

Error invalid(std::string message, std::string field, std::string value = {}) {
  return Error::invalid_argument(std::move(message),
                                 {{"field", std::move(field)}, {"value", std::move(value)}});
}

Json number_array(const std::vector<double>& values) {
  Json array = Json::array();
  for (const double v : values) array.push_back(Json::number(v));
  return array;
}

Result<std::vector<double>> read_numbers(const Json& json, const char* field) {
  const Json array = json.at(field);
  if (!array.is_array())
    return invalid(std::string("scaler `") + field + "` must be an array", field);
  std::vector<double> out;
  for (std::size_t i = 0; i < array.size(); ++i) {
    const Json item = array[i];
    if (!item.is_number() || !std::isfinite(item.as_number())) {
      return invalid(std::string("scaler `") + field + "` element " + std::to_string(i) +
                         " is not a finite number",
                     field, std::to_string(i));
    }
    out.push_back(item.as_number());
  }
  return out;
}

std::optional<Normalization> parse_normalization(const Json& value) {
  constexpr Normalization kAll[] = {Normalization::kNone, Normalization::kStandard,
                                    Normalization::kZScore, Normalization::kMinMax};
  if (!value.is_string()) return std::nullopt;
  for (const Normalization method : kAll) {
    if (value.as_string() == to_string(method)) return method;
  }
  return std::nullopt;
}

}  // namespace

Result<FeatureScaler> FeatureScaler::fit(const FeatureMatrix& matrix,
                                         std::span<const std::size_t> rows) {
  const std::vector<Normalization> methods(matrix.cols(), Normalization::kStandard);
  return fit(matrix, rows, methods);
}

Result<FeatureScaler> FeatureScaler::fit(const FeatureMatrix& matrix,
                                         std::span<const std::size_t> rows,
                                         std::span<const Normalization> methods) {
  if (rows.empty()) return invalid("cannot fit a feature scaler on no rows", "rows", "0");
  const std::size_t cols = matrix.cols();
  if (methods.size() != cols) {
    return invalid("the scaler has " + std::to_string(methods.size()) + " methods for " +
                       std::to_string(cols) + " features",
                   "methods", std::to_string(methods.size()));
  }
  std::vector<double> means(cols, 0.0);
  std::vector<double> lows(cols, std::numeric_limits<double>::infinity());
  std::vector<double> highs(cols, -std::numeric_limits<double>::infinity());
  for (const std::size_t r : rows) {
    if (r >= matrix.rows()) {
      return invalid("row " + std::to_string(r) + " is out of range (" +
                         std::to_string(matrix.rows()) + " rows)",
                     "rows", std::to_string(r));
    }
    const float* row = matrix.row(r);
    for (std::size_t c = 0; c < cols; ++c) {
      if (!std::isfinite(row[c])) {
        return invalid(
            "feature " + matrix.feature_names[c] + " is not finite at row " + std::to_string(r),
            matrix.feature_names[c], std::to_string(r));
      }
      means[c] += row[c];
      lows[c] = std::min<double>(lows[c], row[c]);
      highs[c] = std::max<double>(highs[c], row[c]);
    }
  }
  const auto n = static_cast<double>(rows.size());
  for (double& mean : means) mean /= n;
  std::vector<double> squares(cols, 0.0);
  for (const std::size_t r : rows) {
    const float* row = matrix.row(r);
    for (std::size_t c = 0; c < cols; ++c) {
      const double d = row[c] - means[c];
      squares[c] += d * d;
    }
  }
  std::vector<double> offsets(cols, 0.0);
  std::vector<double> scales(cols, 1.0);
  for (std::size_t c = 0; c < cols; ++c) {
    switch (methods[c]) {
      case Normalization::kNone:
        continue;
      case Normalization::kStandard:
        offsets[c] = means[c];
        scales[c] = std::sqrt(squares[c] / n);
        break;
      case Normalization::kZScore:
        offsets[c] = means[c];
        scales[c] = rows.size() > 1 ? std::sqrt(squares[c] / (n - 1.0)) : 0.0;
        break;
      case Normalization::kMinMax:
        offsets[c] = lows[c];
        scales[c] = highs[c] - lows[c];
        break;
    }
    if (scales[c] < kMinStd) scales[c] = 1.0;
  }
  return FeatureScaler(matrix.feature_names, std::move(offsets), std::move(scales),
                       std::vector<Normalization>(methods.begin(), methods.end()));
}

Result<FeatureScaler> FeatureScaler::from_json(const Json& json) {
  const Json names = json.at("feature_names");
  if (!names.is_array()) return invalid("scaler `feature_names` must be an array", "feature_names");
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!names[i].is_string()) {
      return invalid("scaler `feature_names` element " + std::to_string(i) + " is not a string",
                     "feature_names", std::to_string(i));
    }
  }
  auto means = read_numbers(json, "means");
  if (!means) return std::move(means).error();
  auto stds = read_numbers(json, "stds");
  if (!stds) return std::move(stds).error();
  if (means->size() != names.size() || stds->size() != names.size()) {
    return invalid("scaler has " + std::to_string(names.size()) + " feature names, " +
                       std::to_string(means->size()) + " means and " +
                       std::to_string(stds->size()) + " stds",
                   "means");
  }
  for (std::size_t i = 0; i < stds->size(); ++i) {
    if ((*stds)[i] <= 0.0) {
      return invalid("scaler `stds` element " + std::to_string(i) + " must be > 0", "stds",
                     std::to_string(i));
    }
  }
  std::vector<Normalization> methods(names.size(), Normalization::kStandard);
  if (json.has("methods")) {
    const Json given = json.at("methods");
    if (!given.is_array() || given.size() != names.size()) {
      return invalid(
          "scaler `methods` must be an array of " + std::to_string(names.size()) + " names",
          "methods");
    }
    for (std::size_t i = 0; i < given.size(); ++i) {
      const auto method = parse_normalization(given[i]);
      if (!method) {
        return invalid("scaler `methods` element " + std::to_string(i) +
                           " is not one of none, standard, zscore, minmax",
                       "methods", std::to_string(i));
      }
      methods[i] = *method;
    }
  }
  return FeatureScaler(names.as_string_array(), std::move(means).value(), std::move(stds).value(),
                       std::move(methods));
}

Json FeatureScaler::to_json() const {
  Json json = Json::object();
  json.set("feature_names", feature_names_);
  json.set("means", number_array(means_));
  json.set("stds", number_array(stds_));
  Json methods = Json::array();
  for (const Normalization method : methods_) methods.push_back(Json::string(to_string(method)));
  json.set("methods", methods);
  return json;
}

Result<void> FeatureScaler::apply(FeatureMatrix& matrix) const {
  if (const std::string mismatch = feature_name_mismatch(feature_names_, matrix.feature_names);
      !mismatch.empty()) {
    return invalid("the matrix does not match the scaler's features: " + mismatch, "feature_names",
                   mismatch);
  }
  for (std::size_t r = 0; r < matrix.rows(); ++r) {
    float* row = matrix.values.data() + r * matrix.cols();
    for (std::size_t c = 0; c < matrix.cols(); ++c) {
      row[c] = static_cast<float>((row[c] - means_[c]) / stds_[c]);
    }
  }
  return {};
}

}  // namespace ktrdr::training
