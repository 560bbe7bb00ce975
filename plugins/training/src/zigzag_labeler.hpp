// ZigZagLabeler: BUY/HOLD/SELL training labels from closing prices, by one of two rules — the
// ZigZag swing each bar belongs to (KTRDR's segment labels, the default) or the first move of
// the threshold within a lookahead — with, per bar, the last bar its label reads (for purging
// split boundaries). Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "feature_matrix.hpp"
#include "ktrdr/sdk/result.hpp"
#include "strategy.hpp"

namespace ktrdr::training {

// Labels of bars 0 … labels.size() − 1, and for each the index of the last bar whose close
// its label depends on (≥ its own index).
struct BarLabels {
  std::vector<Label> labels;
  std::vector<std::size_t> reads_to;
};

// Segments (LabelMethod::kSegments, KTRDR's ZigZag segment labels; label_lookahead unused):
// the extremes of KTRDR's ZigZag of the closes with threshold θ (indicators/zigzag_extremes.hpp:
// bar 0, then each bar that moved ≥ θ from the last extreme, moved on while the swing goes on).
// Every bar strictly between two consecutive extremes is BUY when the later extreme's close is
// higher, SELL otherwise; the extremes themselves and the bars after the last one are HOLD.
// Every bar gets a label. A segment's bars and the extreme ending it read up to the bar that
// fixed that extreme (the reversal bar that made the next one); the last extreme is never
// fixed, so the labels of the last segment and after read to the last bar.
//
// First touch (LabelMethod::kFirstTouch, lookahead L): for bar i scan j = i+1 … i+L in order;
// the first j with (c[j] − c[i]) / c[i] ≥ θ makes bar i BUY, the first j with
// (c[i] − c[j]) / c[i] ≥ θ makes it SELL; otherwise HOLD. It reads c[i … j] (the touch) or
// c[i … i+L]. The last L bars, whose L-bar future is not all known, get no label.
class ZigZagLabeler {
 public:
  // Errors (invalid_argument, context {"field", "value"}): source other than "zigzag"
  // (field labels.source), a threshold that is not a finite number > 0
  // (labels.zigzag_threshold), a lookahead < 1 (labels.label_lookahead).
  static Result<ZigZagLabeler> create(const LabelSpec& spec);

  double threshold() const noexcept { return threshold_; }
  std::size_t lookahead() const noexcept { return lookahead_; }
  LabelMethod method() const noexcept { return method_; }

  // How many of `bars` bars get a label: all of them (segments), max(0, bars − lookahead)
  // (first touch).
  std::size_t labelled_count(std::size_t bars) const noexcept;

  // The labels of bars 0 … labelled_count(closes.size()) − 1, in bar order. O(n) for segments,
  // O(n · L) for first touch. Error (invalid_argument, field "close"): a close that is not a
  // finite number > 0, naming its bar index.
  Result<BarLabels> label(std::span<const double> closes) const;

 private:
  ZigZagLabeler(LabelMethod method, double threshold, std::size_t lookahead)
      : method_(method), threshold_(threshold), lookahead_(lookahead) {}
  BarLabels segments(std::span<const double> closes) const;
  BarLabels first_touch(std::span<const double> closes) const;

  LabelMethod method_;
  double threshold_;
  std::size_t lookahead_;
};

}  // namespace ktrdr::training
