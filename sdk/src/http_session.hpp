// HttpSession (private to the SDK): one HostService connection. Owns its socket (on the
// executor of its I/O thread's io_context, which only that thread runs: an implicit strand),
// read buffer, request parser and response; reads requests with a deadline per step (idle,
// header, body, write), routes them, checks auth, runs the handler and writes the answer,
// keeping the connection alive when both sides want it. A streaming route's response is chunked
// NDJSON fed by an NdjsonStream on a thread of its own, while a pending read notices the client
// leaving; so does a wait while a handler that is not quick runs, cancelling its request's token
// when the client goes. Public calls are thread-safe; the rest runs on the I/O thread.
//
// The common case costs no reactor round trip and no timer update: a request already received is
// read and parsed at once, a quick route answers on the spot, and the response goes out with a
// non-blocking send; only what would block waits on the reactor. The step deadlines share one
// timer, checked lazily: it is armed no later than the nearest deadline could be, and when it
// fires it closes the connection if the deadline has passed, else re-arms for what is left.
#pragma once

#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "http_server_state.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/host_service.hpp"

namespace ktrdr::detail {

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  using Executor = boost::asio::io_context::executor_type;
  using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;

  // `socket` is on the executor of an io_context run by one thread only.
  HttpSession(Socket socket, std::shared_ptr<ServerState> state);
  ~HttpSession();
  HttpSession(const HttpSession&) = delete;
  HttpSession& operator=(const HttpSession&) = delete;

  // Starts reading the first request.
  void start();
  // Closes the connection if it is waiting for a request (or lingering after its last one).
  void close_if_idle();
  // Closes the connection whatever it is doing (pending operations end with operation_aborted).
  void close();
  // Cancels the stream's closed() token now, with reason shutdown (stop() calls it first, so a
  // streaming handler hears of the stop even while the I/O thread is busy).
  void cancel_stream();

  // For NdjsonStream, from its thread: the token cancelled when this connection closes;
  // sending one line as a chunk (`done(true)` once written, `done(false)` when it cannot be);
  // ending the response after the handler returned.
  CancellationToken stream_closed() const { return stream_closed_.token(); }
  void post_line(std::string line, std::function<void(bool)> done);
  void post_stream_end();

 private:
  enum class Phase { kIdle, kReading, kHandling, kStreaming, kClosing, kClosed };
  using Clock = std::chrono::steady_clock;
  using Timer =
      boost::asio::basic_waitable_timer<Clock, boost::asio::wait_traits<Clock>, Executor>;

  // The deadline of the step in progress (Clock::time_point::max(): none).
  void set_deadline(Clock::time_point deadline);
  void clear_deadline() { deadline_ = Clock::time_point::max(); }
  void arm_timer(Clock::time_point now);
  void on_timer(std::uint64_t generation, boost::beast::error_code ec);

  void wait_for_request(bool first);
  void receive_request_start(bool first);
  void on_request_start(bool first, boost::beast::error_code ec);
  void read_header();
  void on_read_header(boost::beast::error_code ec, std::size_t bytes);
  void on_continue_written(boost::beast::error_code ec, std::size_t bytes);
  void read_body();
  void on_read_body(boost::beast::error_code ec, std::size_t bytes);
  void fail_read(boost::beast::error_code ec);
  void handle_request();

  // While a handler that is not quick runs: a wait that notices the client leaving (eof) and
  // cancels the request's token; its response, once made, goes out after the wait has ended.
  void watch_handling();
  void on_handling_readable(boost::beast::error_code ec);
  void on_handled(ServerResponse response, bool keep_alive);

  void respond(ServerResponse response, bool keep_alive);
  // Sends out_: at once when the socket takes it all, else the rest asynchronously.
  void send_response();
  void on_write(bool keep_alive, boost::beast::error_code ec, std::size_t bytes);

  void start_stream(const Route& route, ServerRequest request);
  void on_stream_header(const Route* route, const ServerRequest& request,
                        boost::beast::error_code ec);
  void watch_stream();
  void on_watch(boost::beast::error_code ec, std::size_t bytes);
  void write_line(std::string line, std::function<void(bool)> done);
  void on_line_written(const std::function<void(bool)>& done, boost::beast::error_code ec);
  void end_stream();

  void linger();
  void drain();
  void on_drain(boost::beast::error_code ec, std::size_t bytes);
  void do_close();

  const std::shared_ptr<ServerState> state_;
  Socket socket_;
  Timer timer_;
  // How far ahead the timer may be armed: no step's deadline can be nearer than this, so a new
  // step never has to bring the timer forward.
  const Clock::duration timer_slack_;
  Clock::time_point deadline_ = Clock::time_point::max();
  Clock::time_point timer_at_ = Clock::time_point::max();  // max: not armed
  std::uint64_t timer_generation_ = 0;                     // the wait that counts

  boost::beast::flat_buffer buffer_;  // must persist between reads (pipelined requests)
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  boost::beast::http::response<boost::beast::http::string_body> res_;
  std::string out_;   // a response's status line and header, sent by send_response()
  std::string body_;  // and its body
  boost::beast::http::response<boost::beast::http::empty_body> stream_header_;
  std::optional<boost::beast::http::response_serializer<boost::beast::http::empty_body>>
      stream_serializer_;
  Phase phase_ = Phase::kIdle;
  Clock::time_point header_deadline_;
  unsigned version_ = 11;  // the request's HTTP version, echoed in the response
  bool head_ = false;      // the request is a HEAD: the response has no body
  bool keep_alive_ = false;     // of the response being sent
  unsigned inline_depth_ = 0;   // requests answered inline, one inside the other's completion
  bool writing_line_ = false;
  bool end_requested_ = false;  // the handler returned while a line was being written
  ServerState::ActiveRequest active_;
  const CancellationSource stream_closed_;
  std::optional<CancellationSource> handling_;  // the running handler's request.cancelled
  bool watching_ = false;                       // watch_handling()'s wait is pending
  std::optional<std::pair<ServerResponse, bool>> handled_;  // response, keep_alive
};

}  // namespace ktrdr::detail
