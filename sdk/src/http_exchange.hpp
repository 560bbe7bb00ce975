// HttpExchange (private to the SDK): one HTTP/1.1 request and its response on one connection, as
// an async Beast session on the connection's strand (connect if the connection is new, write,
// read the header, read the body), bounded by a deadline. abort() closes the socket from any
// thread, so a pending step completes at once with operation_aborted.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http_connection.hpp"
#include "ktrdr/sdk/async_service_adapter.hpp"

namespace ktrdr::detail {

using HttpRequestMessage = boost::beast::http::request<boost::beast::http::string_body>;

// How an exchange ended.
struct ExchangeOutcome {
  boost::beast::error_code ec;  // none: `response` holds the whole response
  std::string_view step;        // what failed: "resolve", "connect", "write" or "read"
  bool aborted = false;         // abort() ended it
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

class HttpExchange : public std::enable_shared_from_this<HttpExchange> {
 public:
  struct Settings {
    std::string host;
    std::uint16_t port = 80;
    std::chrono::milliseconds connect_timeout{3000};
    std::chrono::steady_clock::time_point deadline;  // for the whole exchange
    std::size_t max_response_bytes = 0;
    bool reused = false;  // `connection` is already open (kept alive)
  };
  using Handler = std::function<void(ExchangeOutcome)>;

  // `handler` runs once, on the I/O thread; the outcome carries the connection back.
  HttpExchange(std::shared_ptr<HttpConnection> connection,
               std::shared_ptr<const HttpRequestMessage> request, Settings settings,
               Handler handler);

  void start();
  void abort();

 private:
  void begin();
  void on_open(boost::beast::error_code ec, std::string_view step);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void do_read();
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void on_body(boost::beast::error_code ec, std::size_t bytes);
  void finish(boost::beast::error_code ec, std::string_view step);
  // Arms the connection's timer with the time left before the deadline.
  void expire_at_deadline();

  std::shared_ptr<HttpConnection> connection_;
  const boost::asio::any_io_executor strand_;
  std::shared_ptr<const HttpRequestMessage> request_;
  const Settings settings_;
  Handler handler_;
  std::optional<boost::beast::http::response_parser<boost::beast::http::string_body>> parser_;
  ExchangeOutcome outcome_;
  bool aborted_ = false;
  bool done_ = false;
};

}  // namespace ktrdr::detail
