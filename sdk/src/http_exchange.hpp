// HttpExchange (private to the SDK): one HTTP/1.1 request and its response on one connection,
// run with blocking Beast I/O on the caller's thread (connect if the connection is new, write,
// read the header, read the body), so a pooled request costs no thread handoff. An IoInterrupter
// bounds it by its deadline and aborts it at once when the call's token is cancelled.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "endpoint_cache.hpp"
#include "http_connection.hpp"
#include "io_interrupter.hpp"
#include "ktrdr/sdk/async_service_adapter.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"

namespace ktrdr::detail {

using HttpRequestMessage = boost::beast::http::request<boost::beast::http::string_body>;

// How an exchange ended.
struct ExchangeOutcome {
  boost::beast::error_code ec;  // none: `response` holds the whole response
  std::string_view step;        // what failed: "resolve", "connect", "write" or "read"
  bool aborted = false;         // the token's cancellation ended it
  // A reused connection failed before any byte of the response arrived: it had been closed by
  // the server while idle, and the request can go again on a fresh connection.
  bool stale = false;
  bool reusable = false;  // the connection may serve another request
  std::shared_ptr<HttpConnection> connection;
  HttpResponse response;
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
};

// Turns Beast's response into the SDK's (lower-case header names; repeats joined with ", ").
HttpResponse to_http_response(boost::beast::http::response<boost::beast::http::string_body>&& res);

// Makes the error of a step the interrupter ended say why: cancelled (`aborted`), or
// beast::error::timeout.
void explain_interruption(const IoInterrupter& interrupter, boost::beast::error_code& ec,
                          bool& aborted);

struct ExchangeSettings {
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::steady_clock::time_point deadline;  // for the whole exchange
  std::size_t max_response_bytes = 0;
  bool reused = false;  // the connection is already open (kept alive)
};

// Runs the exchange on this thread. A new connection is connected to `endpoints`' address (and
// the cache forgotten when that fails). The outcome carries the connection back, closed unless
// reusable; a connection an interruption may have shut down is never reusable.
ExchangeOutcome run_exchange(std::shared_ptr<HttpConnection> connection,
                             const HttpRequestMessage& request, const ExchangeSettings& settings,
                             EndpointCache& endpoints, const CancellationToken& token);

}  // namespace ktrdr::detail
