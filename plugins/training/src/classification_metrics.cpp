#include "classification_metrics.hpp"

#include <string>

namespace ktrdr::training {
namespace {

constexpr std::array<const char*, kLabelCount> kLabelNames{"BUY", "HOLD", "SELL"};

double ratio(std::int64_t numerator, std::int64_t denominator) {
  return denominator == 0 ? 0.0
                          : static_cast<double>(numerator) / static_cast<double>(denominator);
}

bool in_range(std::int64_t label) {
  return label >= 0 && label < static_cast<std::int64_t>(kLabelCount);
}

}  // namespace

Result<ClassificationMetrics> compute_classification_metrics(
    std::span<const std::int64_t> predictions, std::span<const std::int64_t> labels) {
  if (predictions.size() != labels.size()) {
    return Error::invalid_argument(std::to_string(predictions.size()) + " predictions for " +
                                   std::to_string(labels.size()) + " labels");
  }
  ClassificationMetrics metrics;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const std::int64_t actual = labels[i];
    const std::int64_t predicted = predictions[i];
    if (!in_range(actual) || !in_range(predicted)) {
      return Error::invalid_argument(
          std::string(in_range(actual) ? "prediction " : "label ") +
              std::to_string(in_range(actual) ? predicted : actual) + " at index " +
              std::to_string(i) + " is not a label (0 BUY, 1 HOLD, 2 SELL)",
          {{"index", std::to_string(i)}});
    }
    ++metrics.confusion[static_cast<std::size_t>(actual)][static_cast<std::size_t>(predicted)];
  }
  metrics.samples = static_cast<std::int64_t>(labels.size());
  std::int64_t correct = 0;
  double f1_sum = 0.0;
  for (std::size_t label = 0; label < kLabelCount; ++label) {
    std::int64_t predicted_as = 0;  // column sum
    std::int64_t actual = 0;        // row sum
    for (std::size_t other = 0; other < kLabelCount; ++other) {
      predicted_as += metrics.confusion[other][label];
      actual += metrics.confusion[label][other];
    }
    const std::int64_t hits = metrics.confusion[label][label];
    correct += hits;
    ClassMetrics& m = metrics.per_class[label];
    m.precision = ratio(hits, predicted_as);
    m.recall = ratio(hits, actual);
    m.f1 = m.precision + m.recall == 0.0
               ? 0.0
               : 2.0 * m.precision * m.recall / (m.precision + m.recall);
    m.support = actual;
    f1_sum += m.f1;
  }
  metrics.accuracy = ratio(correct, metrics.samples);
  metrics.macro_f1 = f1_sum / static_cast<double>(kLabelCount);
  return metrics;
}

Json ClassificationMetrics::to_json() const {
  Json json = Json::object();
  json.set("samples", samples);
  json.set("accuracy", accuracy);
  json.set("macro_f1", macro_f1);
  Json classes = Json::object();
  for (std::size_t label = 0; label < kLabelCount; ++label) {
    Json m = Json::object();
    m.set("precision", per_class[label].precision);
    m.set("recall", per_class[label].recall);
    m.set("f1", per_class[label].f1);
    m.set("support", per_class[label].support);
    classes.set(kLabelNames[label], m);
  }
  json.set("per_class", classes);
  Json matrix = Json::array();
  for (const auto& row : confusion) {
    Json cells = Json::array();
    for (const std::int64_t cell : row) cells.push_back(Json::integer(cell));
    matrix.push_back(cells);
  }
  json.set("confusion_matrix", matrix);
  return json;
}

}  // namespace ktrdr::training
