#include "zigzag_labeler.hpp"

#include <cmath>
#include <string>

#include "indicators/zigzag_extremes.hpp"

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
  return ZigZagLabeler(spec.method, spec.zigzag_threshold,
                       static_cast<std::size_t>(spec.label_lookahead));
}

std::size_t ZigZagLabeler::labelled_count(std::size_t bars) const noexcept {
  if (method_ == LabelMethod::kSegments) return bars;
  return bars > lookahead_ ? bars - lookahead_ : 0;
}

Result<BarLabels> ZigZagLabeler::label(std::span<const double> closes) const {
  for (std::size_t i = 0; i < closes.size(); ++i) {
    if (!std::isfinite(closes[i]) || closes[i] <= 0.0) {
      return Error::invalid_argument("close at bar " + std::to_string(i) + " is " +
                                         std::to_string(closes[i]) +
                                         "; zigzag labels need finite prices > 0",
                                     {{"field", "close"}, {"value", std::to_string(i)}});
    }
  }
  return method_ == LabelMethod::kSegments ? segments(closes) : first_touch(closes);
}

BarLabels ZigZagLabeler::segments(std::span<const double> closes) const {
  const std::size_t n = closes.size();
  BarLabels out{std::vector<Label>(n, Label::kHold),
                std::vector<std::size_t>(n, n == 0 ? 0 : n - 1)};
  // Labels are computed whole before a job uses them: a token nobody cancels.
  const std::vector<indicators::ZigZagExtreme> extremes = indicators::zigzag_extremes(
      closes, threshold_, indicators::CancelPoll(CancellationToken(), "zigzag labels"));
  const auto fixed = [&](const indicators::ZigZagExtreme& e) {
    return e.fixed_by == indicators::ZigZagExtreme::kOpen ? n - 1 : e.fixed_by;
  };
  for (const indicators::ZigZagExtreme& e : extremes) out.reads_to[e.at] = fixed(e);
  for (std::size_t k = 0; k + 1 < extremes.size(); ++k) {
    const std::size_t from = extremes[k].at;
    const std::size_t to = extremes[k + 1].at;
    const Label leg = closes[to] > closes[from] ? Label::kBuy : Label::kSell;
    for (std::size_t b = from + 1; b < to; ++b) {
      out.labels[b] = leg;
      out.reads_to[b] = fixed(extremes[k + 1]);
    }
  }
  return out;
}

BarLabels ZigZagLabeler::first_touch(std::span<const double> closes) const {
  const std::size_t count = labelled_count(closes.size());
  BarLabels out{std::vector<Label>(count, Label::kHold), std::vector<std::size_t>(count)};
  for (std::size_t i = 0; i < count; ++i) {
    const double start = closes[i];
    out.reads_to[i] = i + lookahead_;
    for (std::size_t j = i + 1; j <= i + lookahead_; ++j) {
      if ((closes[j] - start) / start >= threshold_) {
        out.labels[i] = Label::kBuy;
      } else if ((start - closes[j]) / start >= threshold_) {
        out.labels[i] = Label::kSell;
      } else {
        continue;
      }
      out.reads_to[i] = j;
      break;
    }
  }
  return out;
}

}  // namespace ktrdr::training
