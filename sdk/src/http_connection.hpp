// HttpConnection (private to the SDK): one TCP connection of the HTTP client, used with blocking
// I/O on the thread of the one caller that holds it (the pool hands a connection to exactly one
// caller at a time), with the read buffer that must persist between the responses read from it.
// Another thread aborts a blocked step only through an IoInterrupter (shutdown, never close).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <memory>
#include <string>
#include <vector>

#include "io_interrupter.hpp"

namespace ktrdr::detail {

class HttpConnection {
 public:
  // `io` only owns the socket: its blocking operations never involve it, and it should not be
  // run, so that nothing else wakes up when data arrives.
  explicit HttpConnection(boost::asio::io_context& io);
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Closes `connection` (if any) and lets go of this reference. Not while it is in use.
  static void dispose(std::shared_ptr<HttpConnection> connection);

  boost::asio::ip::tcp::socket& socket() { return socket_; }
  boost::beast::flat_buffer& buffer() { return buffer_; }
  // Where a request's line and header fields are serialized before they are sent.
  std::string& head_buffer() { return head_; }

  // Connects to the first of `endpoints` that accepts, blocking, with TCP_NODELAY set. Each
  // socket tried is attached to `interrupter`, which bounds and cancels the attempt; the open
  // socket stays attached. Stops at the first failure once `interrupter` has fired.
  boost::beast::error_code connect(const std::vector<boost::asio::ip::tcp::endpoint>& endpoints,
                                   IoInterrupter& interrupter);

  // Shuts the socket down and closes it. Idempotent.
  void close();

 private:
  boost::asio::ip::tcp::socket socket_;
  boost::beast::flat_buffer buffer_;  // bytes read past the end of the last response
  std::string head_;                  // kept for its capacity
};

}  // namespace ktrdr::detail
