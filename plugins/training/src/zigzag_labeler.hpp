// ZigZagLabeler: BUY/HOLD/SELL training labels from closing prices — the direction of the
// first move of at least `zigzag_threshold` away from a bar's close within the next
// `label_lookahead` bars. Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "feature_matrix.hpp"
#include "ktrdr/sdk/result.hpp"
#include "strategy.hpp"

namespace ktrdr::training {

// The rule, for bar i with close c[i], threshold θ and lookahead L: scan j = i+1 … i+L in
// order; the first j with (c[j] − c[i]) / c[i] ≥ θ makes bar i BUY, the first j with
// (c[i] − c[j]) / c[i] ≥ θ makes it SELL, and when neither happens within L bars bar i is
// HOLD. A BUY bar is thus the start (or a point) of a ZigZag up-leg of at least θ that
// completes within L bars before a θ down-swing from it does; SELL is symmetric (a symmetric
// "first barrier touched" rule with a time limit of L bars). A label reads c[i … i+L] and
// nothing later. The last L bars, whose L-bar future is not all known, get no label: label()
// returns labels for bars 0 … n−L−1 only, and callers drop the rest.
class ZigZagLabeler {
 public:
  // Errors (invalid_argument, context {"field", "value"}): source other than "zigzag"
  // (field labels.source), a threshold that is not a finite number > 0
  // (labels.zigzag_threshold), a lookahead < 1 (labels.label_lookahead).
  static Result<ZigZagLabeler> create(const LabelSpec& spec);

  double threshold() const noexcept { return threshold_; }
  std::size_t lookahead() const noexcept { return lookahead_; }

  // How many of `bars` bars get a label: max(0, bars − lookahead).
  std::size_t labelled_count(std::size_t bars) const noexcept;

  // The labels of bars 0 … labelled_count(closes.size()) − 1, in bar order. O(n · L).
  // Error (invalid_argument, field "close"): a close that is not a finite number > 0, naming
  // its bar index.
  Result<std::vector<Label>> label(std::span<const double> closes) const;

 private:
  ZigZagLabeler(double threshold, std::size_t lookahead)
      : threshold_(threshold), lookahead_(lookahead) {}
  double threshold_;
  std::size_t lookahead_;
};

}  // namespace ktrdr::training
