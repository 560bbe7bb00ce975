// Feature building: one symbol's FeatureMatrix from its bars and indicator outputs on every
// timeframe — fuzzy memberships, higher timeframes aligned without look-ahead, lags, zigzag
// labels — and the time-ordered union of several symbols' matrices. Free functions; thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "feature_matrix.hpp"
#include "fuzzy_set.hpp"
#include "indicator.hpp"
#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"
#include "raw_input.hpp"
#include "strategy.hpp"

namespace ktrdr::training {

// One timeframe of one symbol: its bars (strictly ascending open times) and the indicator
// outputs computed on them (each as long as the bars). Both must outlive the call.
struct TimeframeInput {
  const BarSeries& bars;
  const std::vector<IndicatorOutput>& outputs;
};

struct FeatureSettings {
  Timeframe base_timeframe = Timeframe::k1h;  // one row per bar of this timeframe
  int lookback_periods = 0;                   // lagged copies of every feature
  // The price-context columns (price_context.hpp) after the memberships, over these base
  // timeframe outputs (the strategy's moving averages); none when nullopt.
  std::optional<std::vector<std::string>> price_context;
  int history_required = 0;                   // base bars never turned into rows
  std::vector<RawInput> raw_inputs;           // indicator outputs fed as their values
  LabelSpec labels;
};

// Called with (rows examined, rows in all) every 10,000 base bars and once at the end.
using FeatureProgress = std::function<void(std::size_t done, std::size_t total)>;

// Builds the rows of one symbol, one per base bar i that survives the rules below.
//
// Columns, in this order: for each timeframe — the base first, then the others in the order
// given — for each fuzzy set in order that is fed on that timeframe (FuzzySet::on), the set's
// membership of the output named by its `input` on that timeframe (of that timeframe's close /
// the output when the set has a `price_ratio` reference), named by FuzzySet::feature_name
// ("rsi_oversold") on the base timeframe and "<tf>:<feature name>" ("1d:rsi_oversold") on the
// others, then for each raw input fed on that timeframe its output's value, named
// RawInput::feature_name ("rsi_14_raw", "1d:rsi_14_raw"); then, with price_context, its columns of
// the base bars (price_context.hpp); then for k = 1 … lookback_periods, for each of those columns,
// "<name>_lag<k>": its value at base bar i − k.
//
// Alignment: every timeframe other than the base must be longer than it. A higher bar with
// open time T and length L is visible to base bar i (open time t, length l) when it has
// closed by the time bar i closes, T + L ≤ t + l (so T ≤ t); its values hold for every base
// bar from the first such one until the next higher bar becomes visible (forward fill, also
// past the end of the higher series). Before the first higher bar is visible the feature is
// NaN.
//
// Rows: base bars i with i ≥ history_required, i ≥ lookback_periods and a label (every bar
// with segment labels; i < n − lookahead with first-touch labels), and no NaN among their
// features; label = the ZigZagLabeler label of bar i over the base closes, label_end the open
// time of the last bar it reads. Timestamps are base open times; `symbols` is {the symbol},
// symbol_index 0.
//
// Errors (invalid_argument naming the field and value): no timeframe input is the base
// timeframe, a timeframe given twice or not longer than the base, bars of another symbol, bars
// not strictly ascending, an output whose length differs from its bars, a fuzzy set input
// missing on a timeframe, a negative lookback_periods or history_required, and the
// ZigZagLabeler's errors. Throws CancelledError when `token` is cancelled (checked per
// timeframe and every 10,000 rows).
Result<FeatureMatrix> build_features(std::span<const TimeframeInput> timeframes,
                                     std::span<const FuzzySet> fuzzy_sets,
                                     const FeatureSettings& settings,
                                     const CancellationToken& token,
                                     const FeatureProgress& progress = {});

// The rows of all `matrices` in one matrix, ordered by timestamp, ties by symbol index;
// `symbols` is the matrices' symbols in the order given and symbol_index is remapped to it.
// Errors (invalid_argument): no matrices, a symbol given twice, a matrix whose feature names
// differ from the first's (naming its symbol and the first differing column), a matrix whose
// per-row columns (labels, label_ends, symbol_index, values) differ in length.
Result<FeatureMatrix> concat_symbols(std::span<const FeatureMatrix> matrices);

}  // namespace ktrdr::training
