// TwsContract: the contract fields TWS API requests carry and contractData reports, as IB names
// them (conId, secType, …) in snake_case. Plain value type; thread-compatible.
#pragma once

#include <cstdint>
#include <string>

namespace ktrdr::data::tws {

struct TwsContract {
  std::int64_t con_id = 0;  // IB's contract id; 0 = look up by the other fields
  std::string symbol;       // "AAPL"
  std::string sec_type;     // "STK", "FUT", "CASH", "CONTFUT", …
  std::string last_trade_date_or_contract_month;  // "20250321" or "202503"; "" for stocks
  double strike = 0.0;
  std::string right;       // "C", "P" or ""
  std::string multiplier;  // "50" or ""
  std::string exchange;    // "SMART"
  std::string primary_exchange;
  std::string currency;  // "USD"
  std::string local_symbol;
  std::string trading_class;
  bool include_expired = false;
};

}  // namespace ktrdr::data::tws
