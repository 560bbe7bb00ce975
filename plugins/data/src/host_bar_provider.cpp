#include "host_bar_provider.hpp"

#include <utility>

#include "historical_wire.hpp"
#include "ib_error.hpp"

namespace ktrdr::data {
namespace {

// A JSON call's result with an IB error's ErrorCode restored: the adapter reports every non-2xx
// answer as kHttpStatus, keeping the service's code as "remote_code" and its details
// ("ib_code", "ib_reason") as context.
Result<Json> restore_ib_error(Result<Json> result) {
  if (result) return result;
  Error error = std::move(result).error();
  if (ib_error_kind(error)) {
    if (const auto remote = error.get("remote_code")) {
      if (const auto code = error_code_from_string(*remote)) error.code = *code;
    }
  }
  return error;
}

Error malformed(const std::string& what) {
  return Error{ErrorCode::kMalformedResponse, "IB host service: " + what, {}};
}

}  // namespace

AdapterOptions HostBarProvider::default_options() {
  AdapterOptions options;
  options.service_name = "IB host service";
  return options;
}

Result<std::unique_ptr<HostBarProvider>> HostBarProvider::create(std::string_view base_url,
                                                                 AdapterOptions options) {
  auto adapter = AsyncServiceAdapter::create(base_url, std::move(options));
  if (!adapter) return std::move(adapter).error();
  return std::unique_ptr<HostBarProvider>(new HostBarProvider(std::move(*adapter)));
}

HostBarProvider::HostBarProvider(std::unique_ptr<AsyncServiceAdapter> adapter)
    : adapter_(std::move(adapter)) {}

std::string HostBarProvider::name() const { return "ib-host-service"; }

Result<PacingLimits> HostBarProvider::pacing_limits(const CancellationToken& token) {
  std::lock_guard lock(pacing_mutex_);
  if (pacing_) return *pacing_;
  auto response = restore_ib_error(adapter_->get_json("/data/pacing", token));
  if (!response) return std::move(response).error();
  auto limits = pacing_limits_from_json(response->at("pacing"));
  if (limits) pacing_ = *limits;
  return limits;
}

Result<ContractInfo> HostBarProvider::contract(std::string_view symbol,
                                               const CancellationToken& token) {
  Json body = Json::object();
  body.set("symbol", symbol).set("timeframes", Json::array());
  auto response =
      restore_ib_error(adapter_->post_json("/data/validate", body, token, /*retryable=*/true));
  if (!response) return std::move(response).error();
  return ContractInfo::from_json(response->at("contract"));
}

Result<Json> HostBarProvider::get_series(std::string_view route, std::string_view symbol,
                                         Timeframe timeframe, const CancellationToken& token) {
  // Checked here too: the symbol goes into the URL.
  auto valid = decode_symbol(std::string(symbol));
  if (!valid) return std::move(valid).error();
  const std::string target =
      std::string(route) + "?symbol=" + *valid + "&timeframe=" + std::string(to_string(timeframe));
  return restore_ib_error(adapter_->get_json(target, token));
}

Result<std::chrono::sys_seconds> HostBarProvider::head_timestamp(std::string_view symbol,
                                                                 Timeframe timeframe,
                                                                 const CancellationToken& token) {
  auto response = get_series("/data/head-timestamp", symbol, timeframe, token);
  if (!response) return std::move(response).error();
  const auto head = parse_wire_time(response->get_string("head_timestamp").value_or(""));
  if (!head) return malformed("head-timestamp response: field \"head_timestamp\" is not a time");
  return *head;
}

Result<std::optional<SourceReport>> HostBarProvider::source_report(std::string_view symbol,
                                                                   Timeframe timeframe,
                                                                   const CancellationToken& token) {
  auto response = get_series("/data/source-report", symbol, timeframe, token);
  if (!response) return std::move(response).error();
  const Json report = response->at("report");
  if (report.is_null()) return std::optional<SourceReport>();
  auto decoded = SourceReport::from_json(report);
  if (!decoded) return malformed(decoded.error().message);
  return std::optional<SourceReport>(std::move(*decoded));
}

Result<BarSeries> HostBarProvider::historical(const HistoricalRequest& request,
                                              const CancellationToken& token) {
  auto response = restore_ib_error(adapter_->post_json(
      "/data/historical", encode_historical_request(request), token, /*retryable=*/false));
  if (!response) return std::move(response).error();
  auto bars = decode_historical_response(*response, token);
  if (!bars) return bars;
  if (bars->symbol() != request.symbol || bars->timeframe() != request.timeframe) {
    return malformed("historical response for " + bars->symbol() + " " +
                     std::string(to_string(bars->timeframe())) + " to a request for " +
                     request.symbol + " " + std::string(to_string(request.timeframe)));
  }
  return bars;
}

Json HostBarProvider::health() {
  Json json = Json::object();
  auto response = adapter_->health();
  json.set("ok", response.ok()).set("url", adapter_->url().to_string());
  if (response) {
    json.set("status", response->get_string("status").value_or(""));
  } else {
    json.set("error", response.error().message);
  }
  return json;
}

AdapterStats HostBarProvider::stats() const { return adapter_->stats(); }

}  // namespace ktrdr::data
