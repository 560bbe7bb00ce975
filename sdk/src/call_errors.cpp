// CallErrors: classifying network failures and wording a call's errors.
#include "call_errors.hpp"

#include <boost/asio/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>
#include <utility>

#include "ktrdr/sdk/json.hpp"

namespace ktrdr::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Longest stretch of a non-JSON error body quoted in a message.
constexpr std::size_t kBodyExcerpt = 200;

std::string millis_text(std::chrono::milliseconds duration) {
  return std::to_string(duration.count()) + " ms";
}

bool is_http_parse_error(beast::error_code ec) {
  return ec.category() == http::make_error_code(http::error::bad_version).category();
}

std::string detail_text(const Json& value) {
  return value.is_string() ? value.as_string() : value.dump();
}

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return std::string(text.substr(first, last - first + 1));
}

}  // namespace

NetworkFailure classify_network_failure(beast::error_code ec, std::string_view step,
                                        const CallLimits& limits) {
  if (ec == beast::error::timeout || ec == net::error::timed_out) {
    if (step == "connect" && limits.connect_timeout <= limits.request_timeout) {
      return {ErrorCode::kTimeout, "connect timed out after " + millis_text(limits.connect_timeout),
              true};
    }
    return {ErrorCode::kTimeout, "timed out after " + millis_text(limits.request_timeout), true};
  }
  if (ec == net::error::connection_refused) {
    return {ErrorCode::kConnectionRefused, "connection refused", true};
  }
  if (ec == net::error::host_unreachable || ec == net::error::network_unreachable) {
    return {ErrorCode::kUnavailable, std::string(step) + " failed: " + ec.message(), true};
  }
  if (step == "resolve") {
    return {ErrorCode::kUnavailable, "cannot resolve the host: " + ec.message(), false};
  }
  if (ec == http::error::end_of_stream) {
    return {ErrorCode::kUnavailable, "the connection closed before a response", false};
  }
  if (ec == http::error::partial_message) {
    return {ErrorCode::kUnavailable, "the connection closed in the middle of the response", false};
  }
  if (ec == http::error::body_limit) {
    return {
        ErrorCode::kMalformedResponse,
        "the response body is larger than " + std::to_string(limits.max_response_bytes) + " bytes",
        false};
  }
  if (is_http_parse_error(ec)) {
    return {ErrorCode::kMalformedResponse, "malformed response: " + ec.message(), false};
  }
  return {ErrorCode::kUnavailable, std::string(step) + " failed: " + ec.message(), false};
}

CallErrors::CallErrors(std::string service, std::string_view method, std::string url)
    : service_(std::move(service)), method_(method), url_(std::move(url)) {}

Error::Context CallErrors::context() const {
  return {{"service", service_}, {"url", url_}, {"method", method_}};
}

Error CallErrors::make(ErrorCode code, std::string_view what) const {
  std::string message = service_ + ": " + method_ + " " + url_ + ": ";
  message += what;
  return Error{code, std::move(message), context()};
}

Error CallErrors::cancelled(const CancellationToken& token) const {
  const auto reason = token.is_cancelled() ? token.reason() : CancelReason::kShutdown;
  const auto text = token.is_cancelled() ? token.reason_text() : "the adapter is shutting down";
  std::string what = "cancelled (";
  what += to_string(reason);
  if (!text.empty()) what += ": " + text;
  what += ")";
  return make(ErrorCode::kCancelled, what).with("reason", std::string(to_string(reason)));
}

Error CallErrors::http_status(const HttpResponse& response) const {
  const auto status = std::to_string(response.status);
  Error error{ErrorCode::kHttpStatus, {}, context()};
  error.with("status", status);
  std::string what;
  if (auto body = Json::parse(response.body); body.ok() && body->at("error").is_object()) {
    const Json remote = body->at("error");
    what = remote.get_string("message").value_or("");
    if (auto code = remote.get_string("code")) error.with("remote_code", *code);
    const Json details = remote.at("details");
    for (const auto& key : details.keys()) {
      if (!error.get(key)) error.with(key, detail_text(details.at(key)));  // ours win
    }
  }
  if (what.empty()) what = trimmed(std::string_view(response.body).substr(0, kBodyExcerpt));
  if (what.empty()) {
    what = std::string(http::obsolete_reason(static_cast<http::status>(response.status)));
  }
  error.message = service_ + ": " + method_ + " " + url_ + " returned " + status + ": " + what;
  return error;
}

Error CallErrors::malformed_json(const Error& parse_error) const {
  return make(ErrorCode::kMalformedResponse, "the response is not JSON: " + parse_error.message);
}

}  // namespace ktrdr::detail
