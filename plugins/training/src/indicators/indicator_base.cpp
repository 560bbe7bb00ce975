#include "indicators/indicator_base.hpp"

#include <cmath>
#include <limits>
#include <utility>

namespace ktrdr::training::indicators {

IndicatorBase::IndicatorBase(std::string id, std::vector<std::string> suffixes, std::size_t warmup)
    : id_(std::move(id)), suffixes_(std::move(suffixes)), warmup_(warmup) {}

std::vector<std::string> IndicatorBase::output_names() const {
  std::vector<std::string> names{id_};
  for (const auto& suffix : suffixes_) names.push_back(id_ + "." + suffix);
  return names;
}

std::vector<IndicatorOutput> IndicatorBase::nan_outputs(std::size_t size) const {
  std::vector<IndicatorOutput> outputs;
  for (auto& name : output_names()) {
    outputs.push_back(
        {std::move(name), std::vector<double>(size, std::numeric_limits<double>::quiet_NaN())});
  }
  return outputs;
}

CancelPoll IndicatorBase::poll(const CancellationToken& token) const {
  CancelPoll polling(token, "indicator " + id_);
  polling.now();
  return polling;
}

std::size_t finite_prefix(std::initializer_list<std::span<const double>> columns) {
  std::size_t n = std::numeric_limits<std::size_t>::max();
  for (const auto column : columns) {
    std::size_t i = 0;
    while (i < column.size() && i < n && std::isfinite(column[i])) ++i;
    n = i;
  }
  return columns.size() == 0 ? 0 : n;
}

}  // namespace ktrdr::training::indicators
