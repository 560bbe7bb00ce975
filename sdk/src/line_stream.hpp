// LineStream (private to the SDK): the session behind AsyncServiceAdapter::stream_lines: one GET
// on a connection of its own whose body is handed to the caller piece by piece as it arrives
// (pull: the caller asks for the next piece once it has handled the last). Steps run on the
// connection's strand and report through a handler on the I/O thread; abort() may come from any
// thread and makes the pending step complete with operation_aborted.
#pragma once

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http_connection.hpp"
#include "http_exchange.hpp"

namespace ktrdr::detail {

class LineStream : public std::enable_shared_from_this<LineStream> {
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
  using Handler = std::function<void(Event)>;

  struct Settings {
    std::string host;
    std::uint16_t port = 80;
    std::chrono::milliseconds connect_timeout{3000};  // also bounds sending the request
  };

  LineStream(std::shared_ptr<HttpConnection> connection,
             std::shared_ptr<const HttpRequestMessage> request, Settings settings);

  // Connects, sends the request and reads the response header (and any body bytes that came
  // with it). No timeout applies from the header on.
  void open(Handler handler);
  // Reads the next piece of the body. Only after a step that was not done and had no error.
  void read(Handler handler);
  // Closes the connection; a pending step ends with aborted. Idempotent; any thread.
  void abort();

 private:
  void on_open(boost::beast::error_code ec, std::string_view step);
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void on_header(boost::beast::error_code ec, std::size_t bytes);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  // Completes the pending step; on an error or the body's end, closes the connection.
  void complete(boost::beast::error_code ec, std::string_view step);
  // Moves the body bytes the parser wrote into chunk_ to the event.
  void take_body_bytes();
  // Points the parser's body at chunk_.
  void offer_buffer();

  std::shared_ptr<HttpConnection> connection_;
  const boost::asio::any_io_executor strand_;
  std::shared_ptr<const HttpRequestMessage> request_;
  const Settings settings_;
  boost::beast::http::response_parser<boost::beast::http::buffer_body> parser_;
  std::array<char, 16 * 1024> chunk_{};
  Handler handler_;
  Event event_;
  bool aborted_ = false;
};

}  // namespace ktrdr::detail
