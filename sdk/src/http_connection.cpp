// HttpConnection: connecting, closing and disposing of one client connection.
#include "http_connection.hpp"

#include <boost/asio/error.hpp>
#include <utility>

namespace ktrdr::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;

HttpConnection::HttpConnection(net::io_context& io) : socket_(io) {}

void HttpConnection::dispose(std::shared_ptr<HttpConnection> connection) {
  if (connection) connection->close();
}

beast::error_code HttpConnection::connect(const std::vector<tcp::endpoint>& endpoints,
                                          IoInterrupter& interrupter) {
  beast::error_code ec = net::error::host_not_found;
  for (const auto& endpoint : endpoints) {
    socket_.open(endpoint.protocol(), ec);
    if (ec) continue;
    socket_.set_option(tcp::no_delay(true), ec);
    if (!ec) {
      interrupter.attach(socket_.native_handle());
      socket_.connect(endpoint, ec);
      if (!ec) return ec;
      interrupter.detach();
    }
    close();
    if (interrupter.why() != IoInterrupter::Why::kNone) break;
  }
  return ec;
}

void HttpConnection::close() {
  if (!socket_.is_open()) return;
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
}

}  // namespace ktrdr::detail
