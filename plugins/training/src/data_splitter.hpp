// Data splitting: a FeatureMatrix's rows divided chronologically into train, validation and
// test by a strategy's DataSplit, with an optional deterministic shuffle of the train rows.
// Free functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "feature_matrix.hpp"
#include "ktrdr/sdk/result.hpp"
#include "strategy.hpp"

namespace ktrdr::training {

// Row indices into the split matrix. validation and test are in (timestamp, symbol index,
// row) order; train is too unless shuffled. The purged rows are in none of them.
struct SplitIndices {
  std::vector<std::size_t> train;
  std::vector<std::size_t> validation;
  std::vector<std::size_t> test;
  std::size_t purged_train = 0;       // train rows whose labels read validation/test bars
  std::size_t purged_validation = 0;  // validation rows whose labels read test bars
};

// The rule: sort the N rows by (timestamp, symbol index, row) and cut at positions
// c1 = round(train · N) and c2 = round((train + validation) · N). A row belongs to train when
// its timestamp is earlier than the timestamp at position c1, to test when it is not earlier
// than the timestamp at position c2, to validation otherwise (a cut at N means "no later
// rows"). So all rows of one timestamp stay together — a timestamp straddling a cut goes to the
// later split, moving each cut back by less than one timestamp's rows — and every train
// timestamp < every validation timestamp < every test timestamp.
//
// Purge: a train row whose label_end is not earlier than the first timestamp after the train
// split (the validation cut), and a validation row whose label_end is not earlier than the test
// cut, are dropped — their labels read prices of the next split, which would leak them into
// the earlier one. The counts are reported.
//
// With `shuffle_seed`, the train indices are shuffled by Fisher–Yates driven directly by
// std::mt19937_64(seed) (unbiased bounded draws by rejection), so the order is the same on
// every platform and standard library.
//
// Errors (invalid_argument, field "split.<part>"): a fraction that is not a finite number in
// [0, 1], fractions not summing to 1 (±1e-6), rows > 0 but an empty train split (after the
// purge), label_ends not one per row (field "label_ends").
Result<SplitIndices> split_chronologically(const FeatureMatrix& matrix, const DataSplit& split,
                                           std::optional<std::uint64_t> shuffle_seed);

// The given rows of `matrix`, in the order given, with its feature names and symbols (and
// label ends, when it has them).
// Precondition: every index < matrix.rows().
FeatureMatrix take_rows(const FeatureMatrix& matrix, std::span<const std::size_t> rows);

}  // namespace ktrdr::training
