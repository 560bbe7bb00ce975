// RawInput: an indicator output fed to the model as its value rather than through fuzzy sets
// (KTRDR's `nn_inputs: [{raw_indicator: rsi_14, normalization: minmax}]`), and how each feature
// column is normalised before training. Plain values and pure functions; thread-safe.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/timeframe.hpp"

namespace ktrdr::training {

// How a column is rescaled, fitted on the training rows (FeatureScaler): not at all; (x − mean)
// / population std (`scale_features`, as scikit-learn's StandardScaler); (x − mean) / sample std
// (KTRDR's raw `zscore`, as pandas' std); (x − min) / (max − min) (KTRDR's raw `minmax`).
enum class Normalization { kNone, kStandard, kZScore, kMinMax };

// "none", "standard", "zscore", "minmax".
std::string_view to_string(Normalization normalization) noexcept;

struct RawInput {
  std::string reference;  // as the file names it: "rsi_14", "macd_12_26_9.line"
  std::string output;     // the indicator output of ours it reads ("macd_12_26_9")
  Normalization normalization = Normalization::kNone;  // none, zscore or minmax
  std::vector<Timeframe> timeframes;                   // empty: every one

  // "<reference>_raw", as KTRDR names the feature (after its timeframe).
  std::string feature_name() const { return reference + "_raw"; }
  bool on(Timeframe tf) const;
};

// Each column's normalisation: a raw input's column (and its lags) by the input's
// normalisation, except `none`; every other column kStandard when `scale_features`, else
// kNone. `timeframes` are the strategy's (the base first), whose other timeframes' columns are
// named "<tf>:<feature name>" (feature_builder.hpp).
std::vector<Normalization> column_normalizations(std::span<const std::string> feature_names,
                                                 std::span<const RawInput> raw_inputs,
                                                 std::span<const Timeframe> timeframes,
                                                 int lookback_periods, bool scale_features);

}  // namespace ktrdr::training
