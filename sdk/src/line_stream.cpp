// LineStream: open, then read the body a piece at a time.
#include "line_stream.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdint>
#include <limits>
#include <utility>

namespace ktrdr::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr std::uint32_t kHeaderLimit = 64 * 1024;

}  // namespace

LineStream::LineStream(std::shared_ptr<HttpConnection> connection,
                       std::shared_ptr<const HttpRequestMessage> request, Settings settings)
    : connection_(std::move(connection)),
      strand_(connection_->get_executor()),
      request_(std::move(request)),
      settings_(std::move(settings)) {
  parser_.header_limit(kHeaderLimit);
  // A stream may run for hours. (Not boost::none: Beast 1.74 treats that as a zero limit.)
  parser_.body_limit(std::numeric_limits<std::uint64_t>::max());
}

void LineStream::open(Handler handler) {
  net::dispatch(strand_, [self = shared_from_this(), handler = std::move(handler)]() mutable {
    self->handler_ = std::move(handler);
    if (self->aborted_) return self->complete(net::error::operation_aborted, "connect");
    self->connection_->async_open(self->settings_.host, self->settings_.port,
                                  self->settings_.connect_timeout,
                                  beast::bind_front_handler(&LineStream::on_open, self));
  });
}

void LineStream::read(Handler handler) {
  net::dispatch(strand_, [self = shared_from_this(), handler = std::move(handler)]() mutable {
    self->handler_ = std::move(handler);
    if (self->aborted_) return self->complete(net::error::operation_aborted, "read");
    self->do_read();
  });
}

void LineStream::abort() {
  net::post(strand_, [self = shared_from_this()] {
    self->aborted_ = true;
    self->connection_->close_now();
  });
}

void LineStream::on_open(beast::error_code ec, std::string_view step) {
  if (ec) return complete(ec, step);
  connection_->stream().expires_after(settings_.connect_timeout);
  http::async_write(connection_->stream(), *request_,
                    beast::bind_front_handler(&LineStream::on_write, shared_from_this()));
}

void LineStream::on_write(beast::error_code ec, std::size_t bytes) {
  event_.bytes_sent = bytes;
  if (ec) return complete(ec, "write");
  connection_->stream().expires_never();
  http::async_read_header(connection_->stream(), connection_->buffer(), parser_,
                          beast::bind_front_handler(&LineStream::on_header, shared_from_this()));
}

void LineStream::on_header(beast::error_code ec, std::size_t bytes) {
  event_.bytes_received += bytes;
  if (ec) return complete(ec, "read");
  if (parser_.is_done() || connection_->buffer().size() == 0) return complete({}, {});
  // Body bytes that came with the header are parsed at once.
  do_read();
}

void LineStream::do_read() {
  offer_buffer();
  http::async_read_some(connection_->stream(), connection_->buffer(), parser_,
                        beast::bind_front_handler(&LineStream::on_read, shared_from_this()));
}

void LineStream::on_read(beast::error_code ec, std::size_t bytes) {
  event_.bytes_received += bytes;
  if (ec == http::error::need_buffer) ec = {};
  if (ec) return complete(ec, "read");
  take_body_bytes();
  complete({}, {});
}

void LineStream::complete(beast::error_code ec, std::string_view step) {
  event_.ec = ec;
  event_.step = step;
  event_.aborted = aborted_ && ec;
  event_.done = !ec && parser_.is_done();
  if (ec || event_.done) connection_->close_now();
  auto event = std::exchange(event_, Event{});
  event.status = parser_.is_header_done() ? parser_.get().result_int() : 0;
  std::exchange(handler_, nullptr)(std::move(event));
}

void LineStream::take_body_bytes() {
  const auto written = chunk_.size() - parser_.get().body().size;
  event_.data.append(chunk_.data(), written);
}

void LineStream::offer_buffer() {
  auto& body = parser_.get().body();
  body.data = chunk_.data();
  body.size = chunk_.size();
  body.more = true;
}

}  // namespace ktrdr::detail
