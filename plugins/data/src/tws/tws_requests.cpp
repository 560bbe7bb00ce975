#include "tws/tws_requests.hpp"

#include <charconv>
#include <system_error>
#include <utility>

#include "tws/tws_versions.hpp"

namespace ktrdr::data::tws {
namespace {

constexpr int kStartApiVersion = 2;
constexpr int kReqContractDataVersion = 8;
constexpr int kReqHistoricalDataVersion = 6;  // sent below kVersionSyntRealtimeBars only
constexpr int kCancelHistoricalDataVersion = 1;

std::string id_of(OutgoingMessage id) { return std::to_string(static_cast<int>(id)); }

std::string flag(bool value) { return value ? "1" : "0"; }

// Shortest round-trip text, with ".0" added to a whole number: 0 → "0.0", 2.5 → "2.5".
std::string encode_double(double value) {
  char text[32];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  std::string out(text, ec == std::errc{} ? end : text);
  if (out.find_first_not_of("-0123456789") == std::string::npos) out += ".0";
  return out;
}

// conId|symbol|secType|lastTradeDateOrContractMonth|strike|right|multiplier|exchange|
// primaryExchange|currency|localSymbol|tradingClass|includeExpired|
void append_contract(Fields& fields, const TwsContract& contract) {
  fields.push_back(std::to_string(contract.con_id));
  fields.push_back(contract.symbol);
  fields.push_back(contract.sec_type);
  fields.push_back(contract.last_trade_date_or_contract_month);
  fields.push_back(encode_double(contract.strike));
  fields.push_back(contract.right);
  fields.push_back(contract.multiplier);
  fields.push_back(contract.exchange);
  fields.push_back(contract.primary_exchange);
  fields.push_back(contract.currency);
  fields.push_back(contract.local_symbol);
  fields.push_back(contract.trading_class);
  fields.push_back(flag(contract.include_expired));
}

// kConflict when `server_version` predates `request`.
Result<void> require_version(int server_version, int needed, std::string_view request) {
  if (server_version >= needed) return {};
  return Error::conflict(std::string(request) + " needs TWS server version " +
                             std::to_string(needed) + " or later; the server speaks " +
                             std::to_string(server_version),
                         {{"request", std::string(request)},
                          {"server_version", std::to_string(server_version)},
                          {"needed_version", std::to_string(needed)}});
}

}  // namespace

Fields start_api(int server_version, int client_id, std::string_view optional_capabilities) {
  Fields fields{id_of(OutgoingMessage::kStartApi), std::to_string(kStartApiVersion),
                std::to_string(client_id)};
  if (server_version >= kVersionOptionalCapabilities) {
    fields.emplace_back(optional_capabilities);
  }
  return fields;
}

Fields req_contract_details(int server_version, int req_id, const TwsContract& contract) {
  Fields fields{id_of(OutgoingMessage::kReqContractData), std::to_string(kReqContractDataVersion),
                std::to_string(req_id)};
  append_contract(fields, contract);
  fields.emplace_back();                                              // secIdType
  fields.emplace_back();                                              // secId
  if (server_version >= kVersionBondIssuerId) fields.emplace_back();  // issuerId
  return fields;
}

Result<Fields> req_head_timestamp(int server_version, int req_id, const TwsContract& contract,
                                  std::string_view what_to_show, bool use_rth, int format_date) {
  Result<void> supported =
      require_version(server_version, kVersionReqHeadTimestamp, "reqHeadTimestamp");
  if (!supported.ok()) return std::move(supported).error();
  Fields fields{id_of(OutgoingMessage::kReqHeadTimestamp), std::to_string(req_id)};
  append_contract(fields, contract);
  fields.push_back(flag(use_rth));
  fields.emplace_back(what_to_show);
  fields.push_back(std::to_string(format_date));
  return fields;
}

Result<Fields> cancel_head_timestamp(int server_version, int req_id) {
  Result<void> supported =
      require_version(server_version, kVersionCancelHeadTimestamp, "cancelHeadTimestamp");
  if (!supported.ok()) return std::move(supported).error();
  return Fields{id_of(OutgoingMessage::kCancelHeadTimestamp), std::to_string(req_id)};
}

Fields req_historical_data(int server_version, const TwsHistoricalDataRequest& request) {
  const bool modern = server_version >= kVersionSyntRealtimeBars;
  Fields fields{id_of(OutgoingMessage::kReqHistoricalData)};
  if (!modern) fields.push_back(std::to_string(kReqHistoricalDataVersion));
  fields.push_back(std::to_string(request.req_id));
  append_contract(fields, request.contract);
  fields.push_back(request.end_date_time);
  fields.push_back(request.bar_size);
  fields.push_back(request.duration);
  fields.push_back(flag(request.use_rth));
  fields.push_back(request.what_to_show);
  fields.push_back(std::to_string(request.format_date));
  if (request.contract.sec_type == "BAG") fields.emplace_back("0");  // combo legs
  if (modern) fields.push_back(flag(request.keep_up_to_date));
  fields.emplace_back();  // chartOptions
  return fields;
}

Fields cancel_historical_data(int req_id) {
  return Fields{id_of(OutgoingMessage::kCancelHistoricalData),
                std::to_string(kCancelHistoricalDataVersion), std::to_string(req_id)};
}

}  // namespace ktrdr::data::tws
