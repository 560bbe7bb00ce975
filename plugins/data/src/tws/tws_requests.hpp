// Builders of the TWS API requests the historical-data client sends (startApi, contract details,
// head timestamp, historical bars and their cancels), as field lists for encode_message, laid
// out for the negotiated server version. Stateless; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "ktrdr/sdk/result.hpp"
#include "tws/tws_contract.hpp"
#include "tws/tws_frame.hpp"

namespace ktrdr::data::tws {

// Client → server message ids (a separate space from the server's: 9 here is not nextValidId).
enum class OutgoingMessage : int {
  kReqContractData = 9,
  kReqHistoricalData = 20,
  kCancelHistoricalData = 25,
  kStartApi = 71,
  kReqHeadTimestamp = 87,
  kCancelHeadTimestamp = 90,
};

// What reqHistoricalData asks for. The strings go to TWS as they are.
struct TwsHistoricalDataRequest {
  int req_id = 0;
  TwsContract contract;
  // "" = now; "yyyymmdd-hh:mm:ss" in UTC (format_end_date_time), or "yyyymmdd hh:mm:ss <zone>".
  std::string end_date_time;
  std::string bar_size;  // "1 hour": one of TWS's legal bar sizes
  std::string duration;  // "1 M": "<int> <S|D|W|M|Y>"
  bool use_rth = true;   // regular trading hours only
  std::string what_to_show = "TRADES";
  int format_date = 2;  // 1: date strings, 2: epoch seconds (daily bars stay yyyymmdd)
  bool keep_up_to_date = false;
};

// `server_version` below is the negotiated one (kMinServerVersion to kMaxServerVersion). Doubles
// (strike) are written in their shortest form with at least one decimal: 0 → "0.0", 2.5 → "2.5".
// Fields are not checked here: encode_message refuses text that is not printable ASCII.

// startApi: 71|2|clientId|optionalCapabilities|, the capabilities only at version ≥ 72.
Fields start_api(int server_version, int client_id, std::string_view optional_capabilities = {});

// reqContractDetails: 9|8|reqId|conId|symbol|secType|lastTradeDateOrContractMonth|strike|right|
// multiplier|exchange|primaryExchange|currency|localSymbol|tradingClass|includeExpired|secIdType|
// secId|issuerId|, issuerId only at version ≥ 176; secIdType, secId and issuerId are sent empty.
Fields req_contract_details(int server_version, int req_id, const TwsContract& contract);

// reqHeadTimestamp: 87|reqId|<contract as in reqContractDetails, without secId fields>|useRTH|
// whatToShow|formatDate|. kConflict naming both versions when the server is older than 118.
[[nodiscard]] Result<Fields> req_head_timestamp(int server_version, int req_id,
                                                const TwsContract& contract,
                                                std::string_view what_to_show, bool use_rth,
                                                int format_date);

// cancelHeadTimestamp: 90|reqId|. kConflict naming both versions when the server is older than
// 123.
[[nodiscard]] Result<Fields> cancel_head_timestamp(int server_version, int req_id);

// reqHistoricalData: 20|[6, version < 124]|reqId|<contract>|includeExpired|endDateTime|
// barSizeSetting|durationStr|useRTH|whatToShow|formatDate|[keepUpToDate, version ≥ 124]|
// chartOptions| — bar size before duration, the reverse of IB's argument order. A BAG contract
// is sent with no combo legs; chartOptions is empty.
Fields req_historical_data(int server_version, const TwsHistoricalDataRequest& request);

// cancelHistoricalData: 25|1|reqId|.
Fields cancel_historical_data(int req_id);

}  // namespace ktrdr::data::tws
