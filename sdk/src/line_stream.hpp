// LineStream (private to the SDK): the session behind AsyncServiceAdapter::stream_lines: one GET
// on a connection of its own whose body is handed to the caller piece by piece as it arrives
// (pull: the caller asks for the next piece once it has handled the last). Steps run with
// blocking Beast I/O on the caller's thread; the call's token, watched by an IoInterrupter for
// the stream's lifetime, makes a blocked step end at once with aborted.
#pragma once

#include <array>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "endpoint_cache.hpp"
#include "http_connection.hpp"
#include "http_exchange.hpp"
#include "io_interrupter.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"

namespace ktrdr::detail {

class LineStream {
 public:
  // What one step produced.
  struct Event {
    boost::beast::error_code ec;
    std::string_view step;  // what failed: "resolve", "connect", "write" or "read"
    bool aborted = false;
    unsigned status = 0;  // the response status (from open() on)
    std::string data;     // body bytes that arrived in this step (possibly none)
    bool done = false;    // the body has ended
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_received = 0;
  };

  LineStream(std::shared_ptr<HttpConnection> connection, const HttpRequestMessage& request,
             std::chrono::milliseconds connect_timeout, EndpointCache& endpoints,
             const CancellationToken& token);
  LineStream(const LineStream&) = delete;
  LineStream& operator=(const LineStream&) = delete;

  // Connects and sends the request, both within the connect timeout, then reads the response
  // header (and any body bytes that came with it). No timeout applies from the header on.
  Event open();
  // Reads the next piece of the body. Only after a step that was not done and had no error.
  Event read();
  // Closes the connection. Idempotent.
  void close() {
    interrupter_.detach();  // first: the descriptor's number may be reused once it is closed
    connection_->close();
  }

 private:
  // Ends a step; on an error or the body's end, closes the connection.
  Event complete(boost::beast::error_code ec, std::string_view step);

  std::shared_ptr<HttpConnection> connection_;
  const HttpRequestMessage& request_;
  const std::chrono::milliseconds connect_timeout_;
  EndpointCache& endpoints_;
  const CancellationToken token_;
  IoInterrupter interrupter_;
  boost::beast::http::response_parser<boost::beast::http::buffer_body> parser_;
  std::unique_ptr<std::array<char, 16 * 1024>> chunk_;
  Event event_;
};

}  // namespace ktrdr::detail
