// CallErrors (private to the SDK): the errors an AsyncServiceAdapter call returns. Each message
// names the service, method and URL ("IB host service: POST http://127.0.0.1:5001/data/historical:
// connection refused"); each context holds service, url and method. Thread-compatible.
#pragma once

#include <boost/beast/core/error.hpp>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "ktrdr/sdk/async_service_adapter.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/error.hpp"

namespace ktrdr::detail {

// What a failed network step means for the caller.
struct NetworkFailure {
  ErrorCode code = ErrorCode::kUnavailable;
  std::string what;        // "connection refused", "timed out after 100 ms" …
  bool transient = false;  // worth another attempt: refused, unreachable, timed out
};

// The limits a failure is described against.
struct CallLimits {
  std::chrono::milliseconds connect_timeout{0};
  std::chrono::milliseconds request_timeout{0};
  std::size_t max_response_bytes = 0;
};

// Classifies `ec`, the error of `step` ("resolve", "connect", "write", "read"). Not for
// operation_aborted: that is a cancellation, which the caller knows about.
NetworkFailure classify_network_failure(boost::beast::error_code ec, std::string_view step,
                                        const CallLimits& limits);

class CallErrors {
 public:
  CallErrors(std::string service, std::string_view method, std::string url);

  const std::string& url() const { return url_; }

  // "<service>: <method> <url>: <what>".
  Error make(ErrorCode code, std::string_view what) const;
  Error network(const NetworkFailure& failure) const { return make(failure.code, failure.what); }
  // kCancelled with the token's reason and text; kShutdown when `token` itself is not
  // cancelled (the adapter is being destroyed).
  Error cancelled(const CancellationToken& token) const;
  // kHttpStatus for a non-2xx response: "<service>: <method> <url> returned 404: <message>", the
  // message from the body's {"error": {code, message, details}} when it has one (context:
  // status, remote_code and each detail), else the body's start or the status's reason.
  Error http_status(const HttpResponse& response) const;
  // kMalformedResponse for a 2xx body that is not JSON.
  Error malformed_json(const Error& parse_error) const;

 private:
  Error::Context context() const;

  std::string service_;
  std::string method_;
  std::string url_;
};

}  // namespace ktrdr::detail
