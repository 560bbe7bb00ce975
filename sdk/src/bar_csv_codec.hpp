// The store's CSV text format for bars: header `timestamp,open,high,low,close,volume`, one bar per
// line, ISO-8601 UTC timestamps with a Z, shortest round-trip doubles; read also in the shapes
// other tools write (see parse_bar_csv). Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/csv_read_info.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"

namespace ktrdr::detail {

inline constexpr std::string_view kBarCsvHeader = "timestamp,open,high,low,close,volume";

// Rows between two looks at the cancellation token, in parsing and in formatting: well under a
// millisecond of work on a fast machine, a few where page faults are slow (the columns grow into
// fresh memory), so a cancel is seen well within 50 ms at the cost of one atomic load.
inline constexpr std::size_t kCancelCheckRows = std::size_t{1} << 13;

// Bytes of file text a parse error quotes at most (of the offending field or header): enough to
// show the fault, too few to copy out a file that is not bar data.
inline constexpr std::size_t kMaxQuotedBytes = 40;

// Parses a whole file's text. `file` only names the source in errors. Rows are kept as they are
// (order, duplicates); blank lines are skipped, "\r\n" endings and a UTF-8 BOM are accepted, and
// an empty price or volume field reads as NaN. The header names the six columns once each, in
// any order and letter case, the timestamp also as `date`, `datetime`, `time` or an unnamed
// first column (pandas' index). A timestamp is YYYY-MM-DD, "T" or a space, HH:MM:SS, then Z, an
// offset +HH:MM / -HH:MM (converted to UTC) or nothing (naive: taken as UTC, and said so in
// `info`); for 1d and 1w a date alone ("2024-01-02") is also accepted. Timestamps must lie in
// the supported range (time_format.hpp). `info`, when given, receives what the read learned (set
// only on success). The store's own header and UTC timestamps take the fast path; other shapes
// cost a few times more per row, never an allocation. Anything else malformed
// is an ErrorCode::kParse error naming the file, the line and the fault, context {file, line,
// column, value}; what it quotes of the text (in the message and the value) is at most
// kMaxQuotedBytes bytes of it, non-printable bytes escaped. Every thread working on a part checks
// `token` every kCancelCheckRows rows (and every MiB while it counts lines): once it is cancelled
// they all stop and the parse returns an ErrorCode::kCancelled error naming the file.
Result<BarSeries> parse_bar_csv(std::string_view text, std::string_view file, std::string symbol,
                                Timeframe timeframe, const CancellationToken& token,
                                CsvReadInfo* info = nullptr);

// The ErrorCode::kCancelled error of a read of `file` that `token` (cancelled) stopped, context
// {reason, where, file}.
Error read_cancelled(std::string_view file, const CancellationToken& token);

// The file text for `series` (header included); NaN is written as an empty field, so
// parse_bar_csv(format_bar_csv(s)) == s whenever s has no NaN. Fails with
// ErrorCode::kInvalidArgument when a timestamp lies outside the supported range
// (is_supported_time), and with ErrorCode::kCancelled once `token` is cancelled (checked every
// kCancelCheckRows rows).
Result<std::string> format_bar_csv(const BarSeries& series, const CancellationToken& token);

}  // namespace ktrdr::detail
