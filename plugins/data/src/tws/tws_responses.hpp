// Typed parsers of the TWS API messages the historical-data client reads, in the layouts TWS
// sends at server versions kMinServerVersion to kMaxServerVersion: the connect ack,
// managedAccounts, nextValidId, error, contractData(End), headTimestamp and historicalData.
// Stateless; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/time_zone.hpp"
#include "tws/tws_contract.hpp"
#include "tws/tws_frame.hpp"

namespace ktrdr::data::tws {

// Server → client message ids parsed here (a separate space from the client's: 9 here is
// nextValidId, not reqContractDetails). Other ids exist; a client skips those it does not use.
enum class IncomingMessage : int {
  kError = 4,
  kNextValidId = 9,
  kContractData = 10,
  kManagedAccounts = 15,
  kHistoricalData = 17,
  kContractDataEnd = 52,
  kHeadTimestamp = 88,
};

// IB's name of a message: "historicalData", "error", …
std::string_view to_string(IncomingMessage id) noexcept;

// Every parser below takes a whole message, its id included, and fails with kMalformedResponse
// naming the message (as "historicalData (17)"), the field by IB's name (and the bar, for bars)
// and the value at fault, with context {"message_id", "field", "value"} (and "bar"), when a
// field is missing (the message is truncated), is not a number where one is due, or — for bars —
// there are fields left after the last bar. A message whose id is not the parser's is refused
// the same way (field "msgId"). `server_version` is the negotiated one.

// The id of any message, known or not: its first field. kMalformedResponse when the message is
// empty or that field is not an integer.
[[nodiscard]] Result<int> message_id(const Fields& message);

// The server's answer to the handshake: serverVersion|connectionTime|, or, for a negative
// version, a redirect: -version|host:port|.
struct TwsConnectAck {
  int server_version = 0;
  std::string connection_time;  // "20250131 16:00:00 US/Eastern", as TWS wrote it
  std::string redirect;         // "host:port" to reconnect to; empty unless redirected
};

// Only a message of exactly two fields is the ack: nullopt for others (TWS may send something
// else first; keep reading). kMalformedResponse naming the version when it is not an integer,
// or, not redirected, outside kMinServerVersion-kMaxServerVersion (201 and later speak a binary
// protocol this client does not); a redirect's version is not checked (but for INT_MIN, whose
// negation is no int), its host:port must not be empty.
[[nodiscard]] Result<std::optional<TwsConnectAck>> parse_connect_ack(const Fields& message);

// managedAccounts: 15|1|DU1234567,DU7654321,| → the accounts, without empty entries.
[[nodiscard]] Result<std::vector<std::string>> parse_managed_accounts(const Fields& message);

// nextValidId: 9|1|orderId| → the order id.
[[nodiscard]] Result<std::int64_t> parse_next_valid_id(const Fields& message);

// error: 4|2|reqId|code|message| below version 166, and with advancedOrderRejectJson| after it
// from 166 on.
struct TwsError {
  int req_id = -1;  // -1 for system notices (farm connections, connectivity)
  int code = 0;     // 162, 200, 2104, …
  std::string text;
  std::string advanced_order_reject_json;  // usually empty
};
[[nodiscard]] Result<TwsError> parse_error(const Fields& message, int server_version);

// contractData: the fields up to liquidHours; the rest (evRule, secIdList, sizes, …) is ignored,
// and may be missing.
struct TwsContractDetails {
  int req_id = 0;
  // con_id, symbol, sec_type, last_trade_date_or_contract_month, strike, right, multiplier,
  // exchange, primary_exchange, currency, local_symbol, trading_class (include_expired unset).
  TwsContract contract;
  std::string last_trade_date;  // from version 182; empty before
  std::string market_name;
  std::string long_name;  // "APPLE INC"
  double min_tick = 0.0;
  std::string time_zone_id;  // "US/Eastern" (resolve_tws_zone)
  // "20250324:0400-20250324:2000;20250325:CLOSED;…", in time_zone_id.
  std::string trading_hours;
  std::string liquid_hours;
};
// Version 164 on: 10|reqId|symbol|secType|lastTradeDateOrContractMonth|[lastTradeDate, ≥ 182]|
// strike|right|exchange|currency|localSymbol|marketName|tradingClass|conId|minTick|multiplier|
// orderTypes|validExchanges|priceMagnifier|underConId|longName|primaryExchange|contractMonth|
// industry|category|subcategory|timeZoneId|tradingHours|liquidHours|…; below 164 a version
// field follows the id, and from 110 an mdSizeMultiplier follows minTick.
[[nodiscard]] Result<TwsContractDetails> parse_contract_data(const Fields& message,
                                                             int server_version);

// contractDataEnd: 52|1|reqId| → reqId.
[[nodiscard]] Result<int> parse_contract_data_end(const Fields& message);

// headTimestamp: 88|reqId|timestamp|, the time read by parse_tws_time.
struct TwsHeadTimestamp {
  int req_id = 0;
  std::chrono::sys_seconds time;
};
[[nodiscard]] Result<TwsHeadTimestamp> parse_head_timestamp(const Fields& message,
                                                            const TimeZone& zoneless_zone);

// One bar; its time is the bar's start.
struct TwsBar {
  std::chrono::sys_seconds time;
  double open = 0.0;
  double high = 0.0;
  double low = 0.0;
  double close = 0.0;
  double volume = -1.0;  // -1 where it does not apply (MIDPOINT, BID, ASK, …)
  double wap = -1.0;     // likewise
  int bar_count = -1;    // likewise
};

struct TwsHistoricalData {
  int req_id = 0;
  std::chrono::sys_seconds start;  // the span TWS answered for
  std::chrono::sys_seconds end;
  std::vector<TwsBar> bars;
};

// historicalData, all bars of a request in one message: version 124 on,
// 17|reqId|startDateStr|endDateStr|itemCount| then per bar date|open|high|low|close|volume|wap|
// barCount|; below 124 a version field follows the id and each bar has hasGaps before barCount.
// Dates are read by parse_tws_time, zone-less ones in `zoneless_zone`; errors name the bar.
[[nodiscard]] Result<TwsHistoricalData> parse_historical_data(const Fields& message,
                                                              int server_version,
                                                              const TimeZone& zoneless_zone);

}  // namespace ktrdr::data::tws
