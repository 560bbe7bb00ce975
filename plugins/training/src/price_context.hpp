// Price context: the features KTRDR's `model.features.include_price_context: true` adds beside
// the fuzzy memberships — close over each moving average, rates of change, where the close lies
// in the bar's range and recent volatility — computed from a bar and the bars before it only.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "indicator.hpp"
#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr::training {

// price / value, bar by bar, for the bar price named by `reference` ("close", "open", "high",
// "low"; anything else reads close): what a fuzzy set of a moving average reads, and the price
// context's close / MA.
std::vector<double> price_ratio(const BarSeries& bars, std::string_view reference,
                                std::span<const double> values);

struct FeatureColumn {
  std::string name;
  std::vector<double> values;  // one per bar; NaN where not yet defined
};

// The price-context columns of `bars`, in this order:
//   price_to_<average>_ratio  close / the output named <average> (of `outputs`), per average;
//   roc_5, roc_10, roc_20     close[i] / close[i − p] − 1 (NaN for i < p);
//   daily_price_position      (close − low) / (high − low), 0.5 when high = low;
//   volatility_20             the sample standard deviation (n − 1) of the 20 returns
//                             close[j] / close[j − 1] − 1 ending at bar i (NaN for i < 20).
// invalid_argument naming an average that `outputs` lacks.
Result<std::vector<FeatureColumn>> price_context_columns(
    const BarSeries& bars, const std::vector<IndicatorOutput>& outputs,
    const std::vector<std::string>& averages);

}  // namespace ktrdr::training
