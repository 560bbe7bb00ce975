// HttpConnection (private to the SDK): one TCP connection of the HTTP client, on a strand of its
// own, with the read buffer that must persist between the responses read from it. Everything but
// dispose() runs on the strand (get_executor()); a connection passes between threads only through
// a strand post, the connection pool's mutex or a session's completion.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace ktrdr::detail {

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  // `step` names what failed: "resolve" or "connect".
  using OpenHandler = std::function<void(boost::beast::error_code ec, std::string_view step)>;

  explicit HttpConnection(boost::asio::io_context& io);
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Closes `connection` on its strand and lets go of this reference there, so the socket is
  // closed and freed on the I/O thread. Any thread.
  static void dispose(std::shared_ptr<HttpConnection> connection);

  boost::asio::any_io_executor get_executor() { return stream_.get_executor(); }
  boost::beast::tcp_stream& stream() { return stream_; }
  boost::beast::flat_buffer& buffer() { return buffer_; }

  // Resolves `host` (unless it is an IP address) and connects, all within `timeout`; calls
  // `handler` on the strand. A timeout is beast::error::timeout; close_now() makes it
  // operation_aborted.
  void async_open(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout,
                  OpenHandler handler);

  // Cancels a pending resolve and closes the socket: pending operations complete with
  // operation_aborted. Idempotent.
  void close_now();

 private:
  void on_resolve(boost::beast::error_code ec,
                  const boost::asio::ip::tcp::resolver::results_type& results);
  void on_connect(boost::beast::error_code ec);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;  // bytes read past the end of the last response
  boost::asio::ip::tcp::resolver resolver_;
  std::chrono::steady_clock::time_point open_deadline_;
  OpenHandler open_handler_;
};

}  // namespace ktrdr::detail
