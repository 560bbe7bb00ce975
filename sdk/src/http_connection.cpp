// HttpConnection: opening, closing and disposing of one client connection.
#include "http_connection.hpp"

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <utility>

namespace ktrdr::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

HttpConnection::HttpConnection(net::io_context& io)
    : stream_(net::make_strand(io)), resolver_(stream_.get_executor()) {}

void HttpConnection::dispose(std::shared_ptr<HttpConnection> connection) {
  if (!connection) return;
  auto executor = connection->get_executor();
  net::post(executor, [connection = std::move(connection)] { connection->close_now(); });
}

void HttpConnection::async_open(const std::string& host, std::uint16_t port,
                                std::chrono::milliseconds timeout, OpenHandler handler) {
  open_handler_ = std::move(handler);
  open_deadline_ = std::chrono::steady_clock::now() + timeout;
  beast::error_code ec;
  const auto address = net::ip::make_address(host, ec);
  if (!ec) {
    stream_.expires_at(open_deadline_);
    stream_.async_connect(
        tcp::endpoint(address, port),
        beast::bind_front_handler(&HttpConnection::on_connect, shared_from_this()));
    return;
  }
  resolver_.async_resolve(
      host, std::to_string(port),
      beast::bind_front_handler(&HttpConnection::on_resolve, shared_from_this()));
}

void HttpConnection::on_resolve(beast::error_code ec, const tcp::resolver::results_type& results) {
  if (ec) return std::exchange(open_handler_, nullptr)(ec, "resolve");
  if (std::chrono::steady_clock::now() >= open_deadline_) {
    return std::exchange(open_handler_, nullptr)(beast::error::timeout, "connect");
  }
  stream_.expires_at(open_deadline_);
  stream_.async_connect(
      results, [self = shared_from_this()](beast::error_code connect_ec, const tcp::endpoint&) {
        self->on_connect(connect_ec);
      });
}

void HttpConnection::on_connect(beast::error_code ec) {
  stream_.expires_never();
  std::exchange(open_handler_, nullptr)(ec, "connect");
}

void HttpConnection::close_now() {
  resolver_.cancel();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace ktrdr::detail
