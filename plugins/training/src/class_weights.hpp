// Class weights of the training loss: the weight of BUY, HOLD and SELL that a strategy's
// `class_weights` setting gives for a set of train labels. Free function; thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "strategy.hpp"

namespace ktrdr::training {

// {BUY, HOLD, SELL}: all 1 (none), the given ones (given), or rows / (3 · rows of the class)
// for each class present in `labels` and 0 for a class absent from them (balanced: every
// present class then weighs the same in the loss in all). Labels outside 0…2 are not counted.
std::array<double, 3> class_weight_values(const ClassWeights& weights,
                                          std::span<const std::int64_t> labels);

}  // namespace ktrdr::training
