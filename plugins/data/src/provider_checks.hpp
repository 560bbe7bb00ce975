// The checks and errors the local providers (csv-archive, synthetic) share so that they answer
// historical requests exactly like IB: request validation (IB 321), an empty range (IB 162) and
// cancellation. Stateless; thread-safe.
#pragma once

#include <string_view>

#include "bar_provider.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/error.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr::data {

// The symbol's error (validate_symbol) as is; then IB 321 when from >= to or when the range is
// longer than ib_max_request_duration(timeframe), naming the range and the limit.
Result<void> check_historical_request(const HistoricalRequest& request);

// IB 162 (no data) for a request whose range holds no bars in `source`, naming the symbol,
// timeframe and range.
Error no_bars_in_range(const HistoricalRequest& request, std::string_view source);

// ErrorCode::kCancelled: "<provider>: <what> cancelled", context {"provider", "reason"}.
Error provider_cancelled(std::string_view provider, std::string_view what,
                         const CancellationToken& token);

}  // namespace ktrdr::data
