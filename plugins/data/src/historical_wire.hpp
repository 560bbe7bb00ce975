// HistoricalWire: the JSON wire format of the IB host service, in one place for the service and
// its client — requests, bar responses (bars as [time, open, high, low, close, volume] arrays),
// pacing limits, and the time and field rules they share. Stateless; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "bar_provider.hpp"
#include "ib_pacer.hpp"
#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"

namespace ktrdr::data {

// "2024-01-02T14:30:00Z".
std::string format_wire_time(std::chrono::sys_seconds time);
// That form, or any form parse_iso8601 accepts ("2024-01-02", …), to whole seconds (a fraction
// is dropped). The error names the text, and the supported range (time_format.hpp) when the time
// lies outside it.
Result<std::chrono::sys_seconds> parse_wire_time(std::string_view text);

// Request fields, each checked by its rule; an IB 321 (invalid request) error naming the field
// and its value when missing or invalid. `value` is the field as received (nullopt: absent or
// not a string).
Result<std::string> decode_symbol(const std::optional<std::string>& value);
Result<Timeframe> decode_timeframe(const std::optional<std::string>& value,
                                   std::string_view field = "timeframe");
Result<std::chrono::sys_seconds> decode_time(const std::optional<std::string>& value,
                                             std::string_view field);

// POST /data/historical's body: {"symbol", "timeframe", "start", "end"}.
Json encode_historical_request(const HistoricalRequest& request);
// Also accepts an optional "instrument_type" (stock, forex, crypto, future), which is checked
// but does not change the request. IB 321 errors naming the field. The range itself (start
// before end, IB's maximum duration) is the receiver's to judge.
Result<HistoricalRequest> decode_historical_request(const Json& body);

// POST /data/historical's response: {"symbol", "timeframe", "start", "end", "count": N,
// "bars": [["2024-01-02T14:30:00Z", open, high, low, close, volume], …]}, written straight into
// the returned text. A value that is not finite is written as null.
std::string encode_historical_response(const HistoricalRequest& request, const BarSeries& bars);
// Inverse of encode_historical_response, reading the document in place (null reads as NaN).
// kMalformedResponse naming the field — and for a bar its index — when the response is not of
// that shape, its count differs from its bars, or its bars are not strictly ascending;
// kCancelled when `token` is cancelled (checked every 100 bars).
Result<BarSeries> decode_historical_response(const Json& body, const CancellationToken& token);

// {"max_requests", "window_ms", "identical_interval_ms", "max_contract_requests",
//  "contract_window_ms"}.
Json pacing_limits_to_json(const PacingLimits& limits);
// Inverse of pacing_limits_to_json; kMalformedResponse naming a missing or negative field.
Result<PacingLimits> pacing_limits_from_json(const Json& json);

}  // namespace ktrdr::data
