#include "moving_average.hpp"

#include <algorithm>

namespace template_plugin {

MovingAverage::MovingAverage(std::size_t window) : ring_(std::max<std::size_t>(window, 1), 0.0) {}

std::optional<double> MovingAverage::add(double value) {
  sum_ += value - ring_[next_];
  ring_[next_] = value;
  if (++next_ == ring_.size()) next_ = 0;
  if (added_ < ring_.size()) ++added_;
  if (added_ < ring_.size()) return std::nullopt;
  return sum_ / static_cast<double>(ring_.size());
}

}  // namespace template_plugin
