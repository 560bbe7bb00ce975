#include "class_weights.hpp"

#include <cstddef>

namespace ktrdr::training {

std::array<double, 3> class_weight_values(const ClassWeights& weights,
                                          std::span<const std::int64_t> labels) {
  switch (weights.mode) {
    case ClassWeighting::kNone:
      return {1.0, 1.0, 1.0};
    case ClassWeighting::kGiven:
      return weights.given;
    case ClassWeighting::kBalanced:
      break;
  }
  std::array<std::size_t, 3> counts{};
  std::size_t total = 0;
  for (const std::int64_t label : labels) {
    if (label < 0 || label > 2) continue;
    ++counts[static_cast<std::size_t>(label)];
    ++total;
  }
  std::array<double, 3> out{};
  for (std::size_t c = 0; c < out.size(); ++c) {
    out[c] = counts[c] == 0 ? 0.0
                            : static_cast<double>(total) / (3.0 * static_cast<double>(counts[c]));
  }
  return out;
}

}  // namespace ktrdr::training
