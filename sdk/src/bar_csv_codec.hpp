// The store's CSV text format for bars: header `timestamp,open,high,low,close,volume`, one bar per
// line, ISO-8601 UTC timestamps with a Z, shortest round-trip doubles. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"

namespace ktrdr::detail {

inline constexpr std::string_view kBarCsvHeader = "timestamp,open,high,low,close,volume";

// Parses a whole file's text. `file` only names the source in errors. Rows are kept as they are
// (order, duplicates); blank lines are skipped, "\r\n" endings and a UTF-8 BOM are accepted, and
// an empty price or volume field reads as NaN. For 1d and 1w a date alone ("2024-01-02") is also
// accepted. Anything else malformed is an ErrorCode::kParse error naming the file, the line and
// the fault, context {file, line, column, value}.
Result<BarSeries> parse_bar_csv(std::string_view text, std::string_view file, std::string symbol,
                                Timeframe timeframe);

// The file text for `series` (header included); NaN is written as an empty field, so
// parse_bar_csv(format_bar_csv(s)) == s whenever s has no NaN. Fails with
// ErrorCode::kInvalidArgument when a timestamp lies outside years 0000-9999.
Result<std::string> format_bar_csv(const BarSeries& series);

}  // namespace ktrdr::detail
