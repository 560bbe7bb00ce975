// LineStream: open, then read the body a piece at a time.
#include "line_stream.hpp"

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <limits>
#include <utility>

namespace ktrdr::detail {

namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint32_t kHeaderLimit = 64 * 1024;

}  // namespace

LineStream::LineStream(std::shared_ptr<HttpConnection> connection,
                       const HttpRequestMessage& request,
                       std::chrono::milliseconds connect_timeout, EndpointCache& endpoints,
                       const CancellationToken& token)
    : connection_(std::move(connection)),
      request_(request),
      connect_timeout_(connect_timeout),
      endpoints_(endpoints),
      token_(token),
      interrupter_(token),
      chunk_(std::make_unique<std::array<char, 16 * 1024>>()) {
  parser_.header_limit(kHeaderLimit);
  // A stream may run for hours. (Not boost::none: Beast 1.74 treats that as a zero limit.)
  parser_.body_limit(std::numeric_limits<std::uint64_t>::max());
}

LineStream::Event LineStream::open() {
  const auto deadline = Clock::now() + connect_timeout_;
  interrupter_.arm(deadline);
  auto lookup = endpoints_.lookup(token_, deadline);
  if (lookup.ec) return complete(lookup.ec, lookup.step);
  beast::error_code ec = connection_->connect(*lookup.endpoints, interrupter_);
  if (ec) {
    if (interrupter_.why() == IoInterrupter::Why::kNone) endpoints_.forget();
    return complete(ec, "connect");
  }
  interrupter_.arm(Clock::now() + connect_timeout_);
  event_.bytes_sent = http::write(connection_->socket(), request_, ec);
  if (ec) return complete(ec, "write");
  interrupter_.disarm();
  event_.bytes_received += http::read_header(connection_->socket(), connection_->buffer(), parser_, ec);
  if (ec) return complete(ec, "read");
  if (parser_.is_done() || connection_->buffer().size() == 0) return complete({}, {});
  // Body bytes that came with the header are parsed at once.
  return read();
}

LineStream::Event LineStream::read() {
  auto& body = parser_.get().body();
  body.data = chunk_->data();
  body.size = chunk_->size();
  body.more = true;
  beast::error_code ec;
  event_.bytes_received += http::read_some(connection_->socket(), connection_->buffer(), parser_, ec);
  if (ec == http::error::need_buffer) ec = {};
  if (ec) return complete(ec, "read");
  const auto written = chunk_->size() - parser_.get().body().size;
  event_.data.append(chunk_->data(), written);
  return complete({}, {});
}

LineStream::Event LineStream::complete(beast::error_code ec, std::string_view step) {
  explain_interruption(interrupter_, ec, event_.aborted);
  event_.ec = ec;
  event_.step = step;
  event_.done = !ec && parser_.is_done();
  if (ec || event_.done) {
    interrupter_.disarm();
    interrupter_.detach();
    connection_->close();
  }
  auto event = std::exchange(event_, Event{});
  event.status = parser_.is_header_done() ? parser_.get().result_int() : 0;
  return event;
}

}  // namespace ktrdr::detail
