#include "tws/tws_responses.hpp"

#include <algorithm>
#include <charconv>
#include <limits>
#include <string_view>
#include <system_error>
#include <utility>

#include "tws/tws_time.hpp"
#include "tws/tws_versions.hpp"

namespace ktrdr::data::tws {
namespace {

using std::chrono::sys_seconds;


// `text` as a whole T (an integer or double); nullopt when it is anything else.
template <class T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(text.data(), last, value);
  if (text.empty() || ec != std::errc{} || end != last) return std::nullopt;
  return value;
}

// Reads a message's fields in order, naming the message, field (and bar) in its errors. The
// first error sticks: later reads return empty values and error() keeps reporting it.
class FieldCursor {
 public:
  // Reads from field 0; `id` is the message id for the errors' context ("" for the ack).
  FieldCursor(const Fields& message, std::string name, std::string id)
      : message_(message), name_(std::move(name)), id_(std::move(id)) {}

  // Reads msgId first and fails unless it is `id`.
  FieldCursor(const Fields& message, IncomingMessage id)
      : FieldCursor(message,
                    std::string(to_string(id)) + " (" + std::to_string(static_cast<int>(id)) + ")",
                    std::to_string(static_cast<int>(id))) {
    const std::optional<int> read = integer<int>("msgId");
    if (read && *read != static_cast<int>(id)) fail("msgId", "is not " + id_, message_.front());
  }

  bool ok() const noexcept { return !error_; }
  const Error& error() const { return *error_; }
  std::size_t remaining() const noexcept { return message_.size() - next_; }

  // Names the bar the next fields belong to in errors.
  void set_bar(std::size_t index) { bar_ = index; }

  std::string text(std::string_view field) {
    const std::string* value = take(field);
    return value ? *value : std::string();
  }

  void skip(std::string_view field) { take(field); }

  template <class T>
  std::optional<T> integer(std::string_view field) {
    const std::string* value = take(field);
    if (!value) return std::nullopt;
    const std::optional<T> parsed = parse_number<T>(*value);
    if (!parsed) fail(field, "is not an integer", *value);
    return parsed;
  }

  double number(std::string_view field) {
    const std::string* value = take(field);
    if (!value) return 0.0;
    const std::optional<double> parsed = parse_number<double>(*value);
    if (!parsed) fail(field, "is not a number", *value);
    return parsed.value_or(0.0);
  }

  sys_seconds time(std::string_view field, const TimeZone& zoneless_zone) {
    const std::string* value = take(field);
    if (!value) return sys_seconds{};
    Result<sys_seconds> parsed = parse_tws_time(*value, zoneless_zone);
    if (!parsed.ok()) {
      fail(field, "is not a TWS time (" + parsed.error().message + ")", *value);
      return sys_seconds{};
    }
    return *parsed;
  }

  // Fails, naming `field` and its `value`, when fields are left.
  void expect_end(std::string_view field, std::string_view value) {
    bar_.reset();
    if (ok() && remaining() > 0) {
      fail(field,
           "disagrees with the message: " + std::to_string(remaining()) +
               " fields are left after the last bar",
           value);
    }
  }

  void fail(std::string_view field, const std::string& why, std::string_view value) {
    if (error_) return;
    std::string message = name_ + ": field \"" + std::string(field) + "\"";
    if (bar_) message += " of bar " + std::to_string(*bar_);
    message += " " + why + ": \"" + std::string(value) + "\"";
    record(std::move(message), field, value);
  }

 private:
  const std::string* take(std::string_view field) {
    if (error_) return nullptr;
    if (next_ == message_.size()) {
      std::string message = name_ + ": truncated before field \"" + std::string(field) + "\"";
      if (bar_) message += " of bar " + std::to_string(*bar_);
      message += " (" + std::to_string(message_.size()) + " fields)";
      record(std::move(message), field, std::nullopt);
      return nullptr;
    }
    return &message_[next_++];
  }

  void record(std::string message, std::string_view field, std::optional<std::string_view> value) {
    Error error{ErrorCode::kMalformedResponse, std::move(message), {}};
    if (!id_.empty()) error.with("message_id", id_);
    error.with("field", std::string(field));
    if (value) error.with("value", std::string(*value));
    if (bar_) error.with("bar", std::to_string(*bar_));
    error_ = std::move(error);
  }

  const Fields& message_;
  std::string name_;
  std::string id_;
  std::size_t next_ = 0;
  std::optional<std::size_t> bar_;
  std::optional<Error> error_;
};

}  // namespace

std::string_view to_string(IncomingMessage id) noexcept {
  switch (id) {
    case IncomingMessage::kError:
      return "error";
    case IncomingMessage::kNextValidId:
      return "nextValidId";
    case IncomingMessage::kContractData:
      return "contractData";
    case IncomingMessage::kManagedAccounts:
      return "managedAccounts";
    case IncomingMessage::kHistoricalData:
      return "historicalData";
    case IncomingMessage::kContractDataEnd:
      return "contractDataEnd";
    case IncomingMessage::kHeadTimestamp:
      return "headTimestamp";
  }
  return "unknown";
}

Result<int> message_id(const Fields& message) {
  FieldCursor in(message, "TWS message", "");
  const std::optional<int> id = in.integer<int>("msgId");
  if (!in.ok()) return in.error();
  return *id;
}

Result<std::optional<TwsConnectAck>> parse_connect_ack(const Fields& message) {
  if (message.size() != 2) return std::optional<TwsConnectAck>{};
  FieldCursor in(message, "connect ack", "");
  const std::optional<int> version = in.integer<int>("serverVersion");
  TwsConnectAck ack;
  if (version && *version == std::numeric_limits<int>::min()) {
    // A redirect whose version, negated, is not an int.
    in.fail("serverVersion", "is out of range", message.front());
  } else if (version && *version < 0) {
    ack.server_version = -*version;
    ack.redirect = in.text("host:port");
    if (ack.redirect.empty()) in.fail("host:port", "is empty in a redirect", ack.redirect);
  } else if (version) {
    ack.server_version = *version;
    ack.connection_time = in.text("connectionTime");
    if (ack.server_version < kMinServerVersion || ack.server_version > kMaxServerVersion) {
      in.fail(
          "serverVersion",
          "is outside the offered v" + std::to_string(kMinServerVersion) + ".." +
              std::to_string(kMaxServerVersion) +
              (ack.server_version >= kVersionBinaryProtocol
                   ? " (" + std::to_string(kVersionBinaryProtocol) + " on is TWS's binary protocol)"
                   : std::string()),
          message.front());
    }
  }
  if (!in.ok()) return in.error();
  return std::optional<TwsConnectAck>{std::move(ack)};
}

Result<std::vector<std::string>> parse_managed_accounts(const Fields& message) {
  FieldCursor in(message, IncomingMessage::kManagedAccounts);
  in.skip("version");
  const std::string list = in.text("accountsList");
  if (!in.ok()) return in.error();
  std::vector<std::string> accounts;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t end = std::min(list.find(',', start), list.size());
    if (end > start) accounts.push_back(list.substr(start, end - start));
    start = end + 1;
  }
  return accounts;
}

Result<std::int64_t> parse_next_valid_id(const Fields& message) {
  FieldCursor in(message, IncomingMessage::kNextValidId);
  in.skip("version");
  const std::optional<std::int64_t> order_id = in.integer<std::int64_t>("orderId");
  if (!in.ok()) return in.error();
  return *order_id;
}

Result<TwsError> parse_error(const Fields& message, int server_version) {
  FieldCursor in(message, IncomingMessage::kError);
  in.skip("version");
  TwsError error;
  error.req_id = in.integer<int>("id").value_or(0);
  error.code = in.integer<int>("errorCode").value_or(0);
  error.text = in.text("errorMsg");
  if (server_version >= kVersionAdvancedOrderReject) {
    error.advanced_order_reject_json = in.text("advancedOrderRejectJson");
  }
  if (!in.ok()) return in.error();
  return error;
}

Result<TwsContractDetails> parse_contract_data(const Fields& message, int server_version) {
  FieldCursor in(message, IncomingMessage::kContractData);
  if (server_version < kVersionSizeRules) in.skip("version");
  TwsContractDetails details;
  TwsContract& contract = details.contract;
  details.req_id = in.integer<int>("reqId").value_or(0);
  contract.symbol = in.text("symbol");
  contract.sec_type = in.text("secType");
  contract.last_trade_date_or_contract_month = in.text("lastTradeDateOrContractMonth");
  if (server_version >= kVersionLastTradeDate) details.last_trade_date = in.text("lastTradeDate");
  contract.strike = in.number("strike");
  contract.right = in.text("right");
  contract.exchange = in.text("exchange");
  contract.currency = in.text("currency");
  contract.local_symbol = in.text("localSymbol");
  details.market_name = in.text("marketName");
  contract.trading_class = in.text("tradingClass");
  contract.con_id = in.integer<std::int64_t>("conId").value_or(0);
  details.min_tick = in.number("minTick");
  if (server_version >= kVersionMdSizeMultiplier && server_version < kVersionSizeRules) {
    in.skip("mdSizeMultiplier");
  }
  contract.multiplier = in.text("multiplier");
  in.skip("orderTypes");
  in.skip("validExchanges");
  in.skip("priceMagnifier");
  in.skip("underConId");
  details.long_name = in.text("longName");
  contract.primary_exchange = in.text("primaryExchange");
  in.skip("contractMonth");
  in.skip("industry");
  in.skip("category");
  in.skip("subcategory");
  details.time_zone_id = in.text("timeZoneId");
  details.trading_hours = in.text("tradingHours");
  details.liquid_hours = in.text("liquidHours");
  if (!in.ok()) return in.error();
  return details;
}

Result<int> parse_contract_data_end(const Fields& message) {
  FieldCursor in(message, IncomingMessage::kContractDataEnd);
  in.skip("version");
  const std::optional<int> req_id = in.integer<int>("reqId");
  if (!in.ok()) return in.error();
  return *req_id;
}

Result<TwsHeadTimestamp> parse_head_timestamp(const Fields& message,
                                              const TimeZone& zoneless_zone) {
  FieldCursor in(message, IncomingMessage::kHeadTimestamp);
  TwsHeadTimestamp head;
  head.req_id = in.integer<int>("reqId").value_or(0);
  head.time = in.time("headTimestamp", zoneless_zone);
  if (!in.ok()) return in.error();
  return head;
}

Result<TwsHistoricalData> parse_historical_data(const Fields& message, int server_version,
                                                const TimeZone& zoneless_zone) {
  const bool has_gaps_field = server_version < kVersionSyntRealtimeBars;
  FieldCursor in(message, IncomingMessage::kHistoricalData);
  if (has_gaps_field) in.skip("version");
  TwsHistoricalData data;
  data.req_id = in.integer<int>("reqId").value_or(0);
  data.start = in.time("startDateStr", zoneless_zone);
  data.end = in.time("endDateStr", zoneless_zone);
  const std::optional<int> count = in.integer<int>("itemCount");
  if (count && *count < 0) in.fail("itemCount", "is negative", std::to_string(*count));
  if (!in.ok()) return in.error();
  const std::size_t fields_per_bar = has_gaps_field ? 9 : 8;
  data.bars.reserve(std::min(static_cast<std::size_t>(*count), in.remaining() / fields_per_bar));
  for (int i = 0; i < *count && in.ok(); ++i) {
    in.set_bar(static_cast<std::size_t>(i));
    TwsBar bar;
    bar.time = in.time("date", zoneless_zone);
    bar.open = in.number("open");
    bar.high = in.number("high");
    bar.low = in.number("low");
    bar.close = in.number("close");
    bar.volume = in.number("volume");
    bar.wap = in.number("wap");
    if (has_gaps_field) in.skip("hasGaps");
    bar.bar_count = in.integer<int>("barCount").value_or(-1);
    data.bars.push_back(bar);
  }
  in.expect_end("itemCount", std::to_string(*count));
  if (!in.ok()) return in.error();
  return data;
}

}  // namespace ktrdr::data::tws
