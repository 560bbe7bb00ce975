#include "data_splitter.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <random>
#include <string>
#include <utility>

namespace ktrdr::training {
namespace {

Result<void> check_split(const DataSplit& split) {
  const std::pair<const char*, double> parts[] = {
      {"split.train", split.train},
      {"split.validation", split.validation},
      {"split.test", split.test},
  };
  for (const auto& [field, value] : parts) {
    if (!std::isfinite(value) || value < 0.0 || value > 1.0) {
      return Error::invalid_argument(
          std::string(field) + " must be a fraction in [0, 1], got " + std::to_string(value),
          {{"field", field}, {"value", std::to_string(value)}});
    }
  }
  const double sum = split.train + split.validation + split.test;
  if (std::abs(sum - 1.0) > 1e-6) {
    return Error::invalid_argument(
        "split.train + split.validation + split.test must be 1, got " + std::to_string(sum),
        {{"field", "split"}, {"value", std::to_string(sum)}});
  }
  return {};
}

// A uniform draw in [0, bound), bound ≥ 1, from the engine's raw output.
std::uint64_t draw_below(std::mt19937_64& engine, std::uint64_t bound) {
  // 2^64 mod bound: raw values below it would make small results more likely.
  const std::uint64_t reject_below = (std::uint64_t{0} - bound) % bound;
  std::uint64_t value = engine();
  while (value < reject_below) value = engine();
  return value % bound;
}

std::size_t cut(double fraction, std::size_t rows) {
  const auto at = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(rows)));
  return std::min(at, rows);
}

}  // namespace

Result<SplitIndices> split_chronologically(const FeatureMatrix& matrix, const DataSplit& split,
                                           std::optional<std::uint64_t> shuffle_seed) {
  if (auto checked = check_split(split); !checked) return std::move(checked).error();
  const std::size_t n = matrix.rows();
  if (matrix.label_ends.size() != n) {
    return Error::invalid_argument("the rows have " + std::to_string(matrix.label_ends.size()) +
                                       " label ends for " + std::to_string(n) + " rows",
                                   {{"field", "label_ends"}});
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto symbol = [&](std::size_t r) {
    return r < matrix.symbol_index.size() ? matrix.symbol_index[r] : 0;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (matrix.timestamps[a] != matrix.timestamps[b]) {
      return matrix.timestamps[a] < matrix.timestamps[b];
    }
    return symbol(a) < symbol(b);
  });
  // The first timestamp of the later split; rows before `c` in `order` are earlier.
  const auto boundary = [&](std::size_t c) {
    return c < n ? matrix.timestamps[order[c]] : std::chrono::sys_seconds::max();
  };
  const auto validation_from = boundary(cut(split.train, n));
  const auto test_from = boundary(cut(split.train + split.validation, n));

  SplitIndices out;
  for (const std::size_t r : order) {
    const auto t = matrix.timestamps[r];
    const auto label_end = matrix.label_ends[r];
    if (t < validation_from) {
      if (label_end < validation_from) {
        out.train.push_back(r);
      } else {
        ++out.purged_train;
      }
    } else if (t < test_from) {
      if (label_end < test_from) {
        out.validation.push_back(r);
      } else {
        ++out.purged_validation;
      }
    } else {
      out.test.push_back(r);
    }
  }
  if (n > 0 && out.train.empty()) {
    return Error::invalid_argument(
        "the train split is empty: " + std::to_string(n) + " rows, split.train " +
            std::to_string(split.train) + ", " + std::to_string(out.purged_train) +
            " train rows purged because their labels read the next split's prices",
        {{"field", "split.train"}, {"value", std::to_string(split.train)}});
  }
  if (shuffle_seed) {
    std::mt19937_64 engine(*shuffle_seed);
    for (std::size_t i = out.train.size(); i > 1; --i) {
      const auto j = static_cast<std::size_t>(draw_below(engine, i));
      std::swap(out.train[i - 1], out.train[j]);
    }
  }
  return out;
}

FeatureMatrix take_rows(const FeatureMatrix& matrix, std::span<const std::size_t> rows) {
  FeatureMatrix out;
  out.feature_names = matrix.feature_names;
  out.symbols = matrix.symbols;
  out.values.reserve(rows.size() * matrix.cols());
  out.timestamps.reserve(rows.size());
  out.labels.reserve(rows.size());
  out.symbol_index.reserve(rows.size());
  const bool label_ends = matrix.label_ends.size() == matrix.rows();
  for (const std::size_t r : rows) {
    out.values.insert(out.values.end(), matrix.row(r), matrix.row(r) + matrix.cols());
    out.timestamps.push_back(matrix.timestamps[r]);
    out.labels.push_back(matrix.labels[r]);
    if (label_ends) out.label_ends.push_back(matrix.label_ends[r]);
    out.symbol_index.push_back(matrix.symbol_index[r]);
  }
  return out;
}

}  // namespace ktrdr::training
