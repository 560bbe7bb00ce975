// Instrument: what kind of market a symbol trades in (stock, forex, crypto, future) — given in a
// job, or inferred from the symbol — and the trading calendar that follows from it. Stateless.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/trading_calendar.hpp"

namespace ktrdr::data {

enum class Instrument { kStock, kForex, kCrypto, kFuture };

std::string_view to_string(Instrument instrument) noexcept;
// "stock", "forex", "crypto", "future"; an invalid_argument error naming the value otherwise.
Result<Instrument> parse_instrument(std::string_view text);

// Six letters that form two ISO currencies (EURUSD) → forex; a crypto quote suffix (BTCUSDT,
// ETHUSD with a crypto base, …-USD) → crypto; anything else → stock.
Instrument infer_instrument(std::string_view symbol);

// The coin of a crypto symbol, its quote suffix dropped: "BTCUSDT", "BTC-USD", "btcusd" → "BTC";
// the symbol upper-cased when it has no known coin.
std::string crypto_base(std::string_view symbol);

// The market whose calendar judges this instrument's bars. Futures use the FX week (Sunday
// evening to Friday 17:00 New York, like CME Globex); their daily one-hour halt is not modelled.
Market market_of(Instrument instrument) noexcept;

// The trading calendar (regular hours) of market_of(instrument); kUnavailable without tzdata.
Result<TradingCalendar> calendar_of(Instrument instrument);

}  // namespace ktrdr::data
