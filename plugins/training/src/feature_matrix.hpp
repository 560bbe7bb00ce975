// FeatureMatrix: the rows a model trains on — one per base-timeframe bar, feature values in
// row-major float order (what LibTorch takes without copying), the bar's timestamp, its label
// (0 BUY, 1 HOLD, 2 SELL), the last bar its label reads and the index of its symbol. Plain
// value; thread-compatible.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace ktrdr::training {

enum class Label : std::int64_t { kBuy = 0, kHold = 1, kSell = 2 };
inline constexpr std::size_t kLabelCount = 3;

struct FeatureMatrix {
  std::vector<std::string> feature_names;  // columns
  std::vector<std::string> symbols;        // symbol_index refers to these
  std::vector<float> values;               // rows × feature_names.size(), row-major
  std::vector<std::chrono::sys_seconds> timestamps;  // per row, ascending within a symbol
  std::vector<std::int64_t> labels;                  // per row, a Label value
  // Per row, the open time of the last bar whose price its label reads (splits purge rows
  // whose label reads into the next split); empty in matrices that are never split.
  std::vector<std::chrono::sys_seconds> label_ends;
  std::vector<std::int32_t> symbol_index;            // per row

  std::size_t rows() const noexcept { return timestamps.size(); }
  std::size_t cols() const noexcept { return feature_names.size(); }
  const float* row(std::size_t i) const noexcept { return values.data() + i * cols(); }
};

}  // namespace ktrdr::training
