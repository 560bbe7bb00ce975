// RawHttpClient: a blocking test client on one TCP connection to 127.0.0.1 that sends exactly
// the bytes it is given and reads HTTP/1.1 responses with Beast's parser, for the HostService
// tests. Every read and write is bounded by a timeout, so a server bug fails a test (with a
// std::runtime_error) instead of hanging it. Not thread-safe: one client per thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ktrdr/sdk/json.hpp"

namespace ktrdr::testing {

struct RawResponse {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  bool keep_alive = false;

  std::string header(const std::string& name) const;  // "" when absent; `name` lower-case
  Json json() const;                                  // the body parsed; null when not JSON
  // The error body's {"error": {"code": …}}, "" when there is none.
  std::string error_code() const;
};

using RawHeaders = std::vector<std::pair<std::string, std::string>>;

class RawHttpClient {
 public:
  // Far above what a loaded machine takes: it only turns a server that never answers into a
  // failure instead of a hang.
  static constexpr std::chrono::milliseconds kTimeout{30000};

  // Connects to 127.0.0.1:`port`; throws when it cannot.
  explicit RawHttpClient(std::uint16_t port);

  // Sends `bytes` as they are.
  void send(std::string_view bytes);
  // Sends a well-formed request (Host, and Content-Length when there is a body, are added).
  void send_request(std::string_view method, std::string_view target, std::string_view body = {},
                    const RawHeaders& headers = {});
  RawResponse read_response(std::chrono::milliseconds timeout = kTimeout);
  RawResponse request(std::string_view method, std::string_view target, std::string_view body = {},
                      const RawHeaders& headers = {});

  // Reads a streaming response's header; then read_line() returns its body line by line
  // (without "\n"), and nullopt once the body has ended.
  RawResponse read_stream_header(std::chrono::milliseconds timeout = kTimeout);
  std::optional<std::string> read_line(std::chrono::milliseconds timeout = kTimeout);

  // True when the server closes the connection within `timeout` (anything it sends first is
  // dropped); false when it is still open then.
  bool closed_by_server(std::chrono::milliseconds timeout = kTimeout);
  // Closes this side, as a client that goes away.
  void close();

 private:
  using Parser = boost::beast::http::response_parser<boost::beast::http::string_body>;

  // Runs the I/O started by `start` (which gets the completion handler) until it ends or
  // `timeout` passes; the result is the operation's error.
  template <class Start>
  boost::beast::error_code run(std::chrono::milliseconds timeout, Start start);
  static RawResponse response_of(const Parser& parser);

  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> stream_parser_;
  // The parser keeps a reference to its chunk callback, so it lives here.
  std::function<std::size_t(std::uint64_t, boost::beast::string_view, boost::beast::error_code&)>
      on_chunk_;
  std::string pending_;  // streamed text not yet returned as lines
};

}  // namespace ktrdr::testing
