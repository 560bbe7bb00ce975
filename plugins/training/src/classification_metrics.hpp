// ClassificationMetrics: how well predicted labels match true ones over the three labels
// (0 BUY, 1 HOLD, 2 SELL) — accuracy, per-label precision / recall / F1 and support, macro F1,
// and the 3×3 confusion matrix. Needs no LibTorch. Plain value; thread-compatible.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "feature_matrix.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr::training {

struct ClassMetrics {
  double precision = 0.0;    // of the rows predicted as this label, the share that has it
  double recall = 0.0;       // of the rows that have this label, the share predicted as it
  double f1 = 0.0;           // harmonic mean of the two; 0 when both are 0
  std::int64_t support = 0;  // rows that have this label
};

struct ClassificationMetrics {
  std::int64_t samples = 0;
  double accuracy = 0.0;  // share of rows predicted correctly; 0 when there are none
  std::array<ClassMetrics, kLabelCount> per_class{};  // indexed by label
  double macro_f1 = 0.0;  // unweighted mean of the three labels' F1
  // confusion[actual][predicted]: rows with label `actual` predicted as `predicted`.
  std::array<std::array<std::int64_t, kLabelCount>, kLabelCount> confusion{};

  // {"samples", "accuracy", "macro_f1",
  //  "per_class": {"BUY": {"precision", "recall", "f1", "support"}, "HOLD": …, "SELL": …},
  //  "confusion_matrix": [[…], […], […]]}  (rows: actual label, columns: predicted)
  Json to_json() const;
};

// Metrics of `predictions` against `labels`, element by element. A ratio whose denominator is 0
// (no row predicted as a label, no row with it) counts as 0, as scikit-learn's zero_division=0
// does. Errors (invalid_argument): different lengths, a value outside 0–2 (naming its index).
Result<ClassificationMetrics> compute_classification_metrics(
    std::span<const std::int64_t> predictions, std::span<const std::int64_t> labels);

}  // namespace ktrdr::training
