// PriceSource: the one price a single-series indicator reads ("close", "hl2", …) and the series
// it stands for. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/bar_series.hpp"

namespace ktrdr::training::indicators {

enum class PriceSource { kClose, kOpen, kHigh, kLow, kHl2, kHlc3, kOhlc4 };

// "close", "open", "high", "low", "hl2", "hlc3", "ohlc4" (exact, lower case); nullopt otherwise.
std::optional<PriceSource> parse_price_source(std::string_view name);
// "close, open, high, low, hl2, hlc3, ohlc4", for error messages.
std::string price_source_names();

// The source at every bar, computed in double in this order: hl2 = (high + low) / 2,
// hlc3 = (high + low + close) / 3 (the typical price), ohlc4 = (open + high + low + close) / 4.
std::vector<double> price_series(const BarSeries& bars, PriceSource source);

}  // namespace ktrdr::training::indicators
