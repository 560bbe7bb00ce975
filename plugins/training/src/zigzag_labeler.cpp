#include "zigzag_labeler.hpp"

#include <cmath>
#include <string>

namespace ktrdr::training {

Result<ZigZagLabeler> ZigZagLabeler::create(const LabelSpec& spec) {
  if (spec.source != "zigzag") {
    return Error::invalid_argument(
        "labels.source \"" + spec.source + "\" is not supported (zigzag)",
        {{"field", "labels.source"}, {"value", spec.source}});
  }
  if (!std::isfinite(spec.zigzag_threshold) || spec.zigzag_threshold <= 0.0) {
    return Error::invalid_argument(
        "labels.zigzag_threshold must be a number > 0, got " +
            std::to_string(spec.zigzag_threshold),
        {{"field", "labels.zigzag_threshold"}, {"value", std::to_string(spec.zigzag_threshold)}});
  }
  if (spec.label_lookahead < 1) {
    return Error::invalid_argument(
        "labels.label_lookahead must be >= 1, got " + std::to_string(spec.label_lookahead),
        {{"field", "labels.label_lookahead"}, {"value", std::to_string(spec.label_lookahead)}});
  }
  return ZigZagLabeler(spec.zigzag_threshold, static_cast<std::size_t>(spec.label_lookahead));
}

std::size_t ZigZagLabeler::labelled_count(std::size_t bars) const noexcept {
  return bars > lookahead_ ? bars - lookahead_ : 0;
}

Result<std::vector<Label>> ZigZagLabeler::label(std::span<const double> closes) const {
  for (std::size_t i = 0; i < closes.size(); ++i) {
    if (!std::isfinite(closes[i]) || closes[i] <= 0.0) {
      return Error::invalid_argument("close at bar " + std::to_string(i) + " is " +
                                         std::to_string(closes[i]) +
                                         "; zigzag labels need finite prices > 0",
                                     {{"field", "close"}, {"value", std::to_string(i)}});
    }
  }
  std::vector<Label> labels(labelled_count(closes.size()), Label::kHold);
  for (std::size_t i = 0; i < labels.size(); ++i) {
    const double start = closes[i];
    for (std::size_t j = i + 1; j <= i + lookahead_; ++j) {
      // Relative changes, so that a move of exactly θ (103 from 100 at θ = 0.03) counts.
      if ((closes[j] - start) / start >= threshold_) {
        labels[i] = Label::kBuy;
        break;
      }
      if ((start - closes[j]) / start >= threshold_) {
        labels[i] = Label::kSell;
        break;
      }
    }
  }
  return labels;
}

}  // namespace ktrdr::training
