// HttpSession: the read → route → handle → write chain of one connection, and its NDJSON streams.
#include "http_session.hpp"

#include "http_verb.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <exception>
#include <string_view>
#include <utility>
#include <vector>

#include "http_auth.hpp"
#include "http_browser_guard.hpp"
#include "http_stream.hpp"
#include "http_target.hpp"

namespace ktrdr::detail {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Request headers beyond this many bytes are refused with 431.
constexpr std::uint32_t kHeaderLimit = 16 * 1024;
// Bytes asked of the socket per read while waiting for a request, draining or watching a stream.
constexpr std::size_t kReadChunk = 4096;
// After the last response on a connection, how long unread request bytes are drained before the
// socket closes (closing on unread bytes sends a reset that can destroy the response).
constexpr std::chrono::seconds kLingerTimeout{2};
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
constexpr std::string_view kLastChunk = "0\r\n\r\n";
constexpr std::string_view kNdjson = "application/x-ndjson";
// Requests answered inline one inside the other's completion (pipelined requests already
// buffered) before the next goes through the I/O loop: bounds the stack.
constexpr unsigned kMaxInlineDepth = 8;
// Bounds on how far ahead the deadline timer is armed (see HttpSession::arm_timer): never less
// than this, so that absurdly short timeouts cannot make it spin, and never more than an hour.
constexpr std::chrono::milliseconds kMinTimerSlack{10};
constexpr std::chrono::hours kMaxTimerSlack{1};

std::chrono::steady_clock::duration timer_slack_for(const HostServiceOptions& options) {
  const auto shortest = std::min({options.header_timeout, options.body_timeout,
                                  options.idle_timeout, options.write_timeout});
  return std::clamp<std::chrono::steady_clock::duration>(shortest, kMinTimerSlack,
                                                         kMaxTimerSlack);
}

bool would_block(const beast::error_code& ec) {
  return ec == net::error::would_block || ec == net::error::try_again ||
         ec == net::error::interrupted;
}

bool is_blank_char(char c) { return c == ' ' || c == '\t'; }

// Appends "HTTP/x.y ### <reason>\r\n", as Beast's serializer writes a status line.
void append_status_line(std::string& out, unsigned version, unsigned status) {
  const auto digit = [](unsigned value) { return static_cast<char>('0' + value % 10); };
  const std::array<char, 13> line{'H', 'T', 'T', 'P', '/', digit(version / 10), '.',
                                  digit(version), ' ', digit(status / 100), digit(status / 10),
                                  digit(status), ' '};
  out.append(line.data(), line.size());
  const auto reason = http::obsolete_reason(static_cast<http::status>(status));
  out.append(reason.data(), reason.size()).append("\r\n");
}

// "GET, DELETE": the Allow header.
std::string allow_header(const std::vector<HttpMethod>& methods) {
  std::string allow;
  for (const auto method : methods) {
    if (!allow.empty()) allow += ", ";
    allow += std::string(http::to_string(detail::to_verb(method)));
  }
  return allow;
}

// Beast 1.74 speaks boost::string_view.
std::string_view std_view(beast::string_view text) { return {text.data(), text.size()}; }

std::string lower(beast::string_view text) {
  std::string result(text.data(), text.size());
  for (auto& c : result) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return result;
}

// `payload` framed as one chunk of a chunked body: "<hex size>\r\n<payload>\r\n".
std::string chunk_of(std::string_view payload) {
  std::array<char, 2 * sizeof(std::size_t)> size{};
  const auto end = std::to_chars(size.data(), size.data() + size.size(), payload.size(), 16).ptr;
  std::string chunk(size.data(), end);
  chunk.reserve(chunk.size() + payload.size() + 4);
  chunk.append("\r\n").append(payload).append("\r\n");
  return chunk;
}

// Statuses whose responses must not carry a body.
bool bodiless(unsigned status) { return status < 200 || status == 204 || status == 304; }

// Runs one of a route's callables; an exception becomes an error response naming the route.
template <class Call>
auto guarded(const Route& route, const ServerRequest& request, Call call) -> decltype(call()) {
  try {
    return call();
  } catch (const ErrorException& e) {
    return ServerResponse::error(e.error());
  } catch (const std::exception& e) {
    return ServerResponse::error(
        Error::internal("handler for " + route.pattern + " failed: " + e.what(),
                        {{"path", request.path}}),
        500);
  } catch (...) {
    return ServerResponse::error(
        Error::internal("handler for " + route.pattern + " failed", {{"path", request.path}}), 500);
  }
}

ServerResponse run_handler(const Route& route, const ServerRequest& request) {
  return guarded(route, request, [&] { return route.handler(request); });
}

std::optional<ServerResponse> run_check(const Route& route, const ServerRequest& request) {
  return guarded(route, request, [&] { return route.stream_check(request); });
}

}  // namespace

HttpSession::HttpSession(Socket socket, std::shared_ptr<ServerState> state)
    : state_(std::move(state)),
      socket_(std::move(socket)),
      timer_(socket_.get_executor()),
      timer_slack_(timer_slack_for(state_->options())) {
  beast::error_code ignored;
  // Responses and stream lines are small writes that must go out at once, not wait for the
  // client's delayed ACK.
  socket_.set_option(tcp::no_delay(true), ignored);
  // Reads and writes on this thread never block: what would block goes to the reactor.
  socket_.non_blocking(true, ignored);
}

HttpSession::~HttpSession() { state_->remove_session(this); }

void HttpSession::start() {
  net::dispatch(socket_.get_executor(),
                [self = shared_from_this()] { self->wait_for_request(/*first=*/true); });
}

void HttpSession::close_if_idle() {
  net::post(socket_.get_executor(), [self = shared_from_this()] {
    if (self->phase_ == Phase::kIdle || self->phase_ == Phase::kClosing) self->do_close();
  });
}

void HttpSession::close() {
  net::post(socket_.get_executor(), [self = shared_from_this()] { self->do_close(); });
}

void HttpSession::cancel_stream() {
  stream_closed_.cancel(CancelReason::kShutdown, "the server is stopping");
}

// --- Deadlines ---
//
// One timer serves every step. It is armed for the nearest deadline or timer_slack_ from now,
// whichever comes first: every step's deadline is at least timer_slack_ after the step begins,
// so a new step (the next read, the response's write) never needs the timer brought forward,
// and the common request costs no timer update at all. When the timer fires, a deadline that
// has passed closes the connection (pending operations end with operation_aborted, as when a
// timeout closed the stream); one still ahead re-arms it.

void HttpSession::set_deadline(Clock::time_point deadline) {
  deadline_ = deadline;
  if (deadline < timer_at_) arm_timer(Clock::now());
}

void HttpSession::arm_timer(Clock::time_point now) {
  timer_at_ = std::min(deadline_, now + timer_slack_);
  const auto generation = ++timer_generation_;
  timer_.expires_at(timer_at_);  // a wait already pending ends with operation_aborted
  timer_.async_wait([self = shared_from_this(), generation](beast::error_code ec) {
    self->on_timer(generation, ec);
  });
}

void HttpSession::on_timer(std::uint64_t generation, beast::error_code ec) {
  if (ec || generation != timer_generation_ || phase_ == Phase::kClosed) return;
  timer_at_ = Clock::time_point::max();
  const auto now = Clock::now();
  if (deadline_ <= now) return do_close();  // the step in progress ran out of time
  if (deadline_ != Clock::time_point::max()) arm_timer(now);
}

// --- Requests ---

// A fresh connection has header_timeout from its accept to a complete header; a kept-alive one
// may wait idle_timeout for a request to begin, then has header_timeout for the rest of it.
void HttpSession::wait_for_request(bool first) {
  phase_ = Phase::kIdle;
  const auto& options = state_->options();
  const auto now = Clock::now();
  header_deadline_ = now + options.header_timeout;
  if (buffer_.size() > 0) return read_header();
  set_deadline(first ? header_deadline_ : now + options.idle_timeout);
  receive_request_start(first);
}

// Takes what has arrived without waiting; when nothing has yet, waits until the socket is
// readable and tries again. (Only this thread polls this io_context, so a request arriving after
// the receive found nothing is reported after the wait below is registered.)
void HttpSession::receive_request_start(bool first) {
  beast::error_code ec;
  const std::size_t bytes = socket_.receive(buffer_.prepare(kReadChunk), 0, ec);
  if (would_block(ec)) {
    socket_.async_wait(Socket::wait_read,
                       [self = shared_from_this(), first](beast::error_code wait_ec) {
                         if (wait_ec) return self->do_close();
                         self->receive_request_start(first);
                       });
    return;
  }
  buffer_.commit(bytes);
  on_request_start(first, ec);
}

void HttpSession::on_request_start(bool first, beast::error_code ec) {
  if (ec) return do_close();
  if (!first) header_deadline_ = Clock::now() + state_->options().header_timeout;
  read_header();
}

void HttpSession::read_header() {
  phase_ = Phase::kReading;
  parser_.emplace();
  parser_->body_limit(state_->options().max_body_bytes);
  parser_->header_limit(kHeaderLimit);
  // A request usually arrives whole in one read: parse what is buffered before asking the
  // socket again (the parser needs the whole header at once, so a partial one consumes nothing).
  if (buffer_.size() > 0) {
    beast::error_code ec;
    buffer_.consume(parser_->put(buffer_.data(), ec));
    if (parser_->is_header_done()) return on_read_header({}, 0);
    if (ec && ec != http::error::need_more) return fail_read(ec);
  }
  set_deadline(header_deadline_);
  http::async_read_header(
      socket_, buffer_, *parser_,
      beast::bind_front_handler(&HttpSession::on_read_header, shared_from_this()));
}

void HttpSession::on_read_header(beast::error_code ec, std::size_t) {
  if (ec) return fail_read(ec);
  if (parser_->is_done()) return handle_request();
  if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
    set_deadline(Clock::now() + state_->options().write_timeout);
    net::async_write(
        socket_, net::buffer(kContinue.data(), kContinue.size()),
        beast::bind_front_handler(&HttpSession::on_continue_written, shared_from_this()));
    return;
  }
  read_body();
}

void HttpSession::on_continue_written(beast::error_code ec, std::size_t) {
  if (ec) return do_close();
  read_body();
}

void HttpSession::read_body() {
  set_deadline(Clock::now() + state_->options().body_timeout);
  http::async_read(socket_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_read_body, shared_from_this()));
}

void HttpSession::on_read_body(beast::error_code ec, std::size_t) {
  if (ec) return fail_read(ec);
  handle_request();
}

// A request that cannot be read: a client that left or ran out of time is simply closed; one
// that sent something unacceptable hears why, and then the connection closes.
void HttpSession::fail_read(beast::error_code ec) {
  const auto& http_category = http::make_error_code(http::error::bad_version).category();
  version_ = 11;
  head_ = false;
  if (ec == http::error::body_limit) {
    const auto limit = std::to_string(state_->options().max_body_bytes);
    return respond(
        ServerResponse::error(
            Error::invalid_argument("request body exceeds " + limit + " bytes", {{"limit", limit}}),
            413),
        /*keep_alive=*/false);
  }
  if (ec == http::error::header_limit) {
    return respond(
        ServerResponse::error(Error::invalid_argument("request headers exceed " +
                                                      std::to_string(kHeaderLimit) + " bytes"),
                              431),
        /*keep_alive=*/false);
  }
  if (ec.category() == http_category && ec != http::error::end_of_stream &&
      ec != http::error::partial_message) {
    return respond(ServerResponse::error(
                       Error::invalid_argument("malformed HTTP request: " + ec.message()), 400),
                   /*keep_alive=*/false);
  }
  do_close();
}

void HttpSession::handle_request() {
  phase_ = Phase::kHandling;
  clear_deadline();  // a handler takes the time it takes
  active_ = state_->begin_request();
  auto& message = parser_->get();
  version_ = message.version();
  head_ = message.method() == http::verb::head;
  const bool keep_alive = message.keep_alive() && !state_->stopping();

  auto target = parse_target(std_view(message.target()));
  if (!target) return respond(ServerResponse::error(target.error(), 400), keep_alive);
  auto match = state_->router().match(detail::method_of(message.method()), target->segments);
  if (match.route == nullptr && match.allowed.empty()) {
    return respond(ServerResponse::error(
                       Error::not_found("no route for " + target->path, {{"path", target->path}})),
                   keep_alive);
  }
  if (match.route == nullptr) {
    auto response = ServerResponse::error(
        Error::invalid_argument(
            "method " + std::string(message.method_string()) + " is not allowed on " + target->path,
            {{"path", target->path}}),
        405);
    response.headers.emplace_back("Allow", allow_header(match.allowed));
    return respond(std::move(response), keep_alive);
  }
  const Route& route = *match.route;
  const BrowserFacts facts{.method = route.method,
                           .path = target->path,
                           .host = std_view(message[http::field::host]),
                           .origin = std_view(message[http::field::origin]),
                           .fetch_site = std_view(message["Sec-Fetch-Site"]),
                           .content_type = std_view(message[http::field::content_type]),
                           .has_body = !message.body().empty()};
  if (auto refusal = browser_refusal(facts, state_->loopback_only(),
                                     state_->options().allowed_origins)) {
    return respond(std::move(*refusal), keep_alive);
  }
  const auto& token = state_->options().bearer_token;
  const bool authenticated =
      token.empty() ? state_->loopback_only()
                    : bearer_token_matches(std_view(message[http::field::authorization]), token);
  if (route.requires_auth && !token.empty() && !authenticated) {
    auto response = ServerResponse::error(
        Error::unauthenticated("missing or wrong bearer token for " + target->path,
                               {{"path", target->path}}));
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return respond(std::move(response), keep_alive);
  }

  ServerRequest request;
  request.method = route.method;
  request.path = std::move(target->path);
  request.query = std::move(target->query);
  request.params = std::move(match.params);
  for (const auto& field : message) {
    auto [it, inserted] =
        request.headers.try_emplace(lower(field.name_string()), std_view(field.value()));
    if (!inserted) it->second.append(", ").append(std_view(field.value()));
  }
  request.body = std::move(message.body());
  request.authenticated = authenticated;
  if (route.stream_handler) {
    if (route.stream_check) {
      if (auto refusal = run_check(route, request)) return respond(std::move(*refusal), keep_alive);
    }
    if (!state_->reserve_stream()) {
      auto busy = ServerResponse::error(Error::unavailable(
          "too many open streams (" + std::to_string(state_->options().max_streams) +
          "); retry later"));
      busy.headers.emplace_back("Retry-After", "1");
      return respond(std::move(busy), keep_alive);
    }
    return start_stream(route, std::move(request));
  }
  if (route.quick) return respond(run_handler(route, request), keep_alive);
  handling_.emplace();
  request.cancelled = handling_->token();
  watch_handling();
  state_->run_handler([self = shared_from_this(), route = &route, request = std::move(request),
                       keep_alive] {
    ServerResponse response = run_handler(*route, request);
    net::post(self->socket_.get_executor(),
              [self, response = std::move(response), keep_alive]() mutable {
                self->on_handled(std::move(response), keep_alive);
              });
  });
}

// Waits for the socket to become readable while the handler runs: eof (or a reset) means the
// client has gone; bytes mean it pipelined its next request, which is kept for after this one.
void HttpSession::watch_handling() {
  watching_ = true;
  socket_.async_wait(Socket::wait_read, [self = shared_from_this()](beast::error_code ec) {
    self->on_handling_readable(ec);
  });
}

void HttpSession::on_handling_readable(beast::error_code ec) {
  watching_ = false;
  if (handled_) {
    auto [response, keep_alive] = std::move(*handled_);
    handled_.reset();
    return respond(std::move(response), keep_alive);
  }
  if (ec || phase_ != Phase::kHandling) return;  // aborted: the connection is closing
  beast::error_code read_ec;
  const std::size_t bytes = socket_.receive(buffer_.prepare(kReadChunk), 0, read_ec);
  if (would_block(read_ec)) return watch_handling();
  if (!read_ec) return buffer_.commit(bytes);
  if (handling_) handling_->cancel(CancelReason::kUser, "the client closed the connection");
  do_close();
}

void HttpSession::on_handled(ServerResponse response, bool keep_alive) {
  handling_.reset();
  if (phase_ != Phase::kHandling) return;  // closed while the handler ran: nobody to answer
  if (!watching_) return respond(std::move(response), keep_alive);
  handled_.emplace(std::move(response), keep_alive);
  beast::error_code ignored;
  socket_.cancel(ignored);  // ends the wait, which sends the response
}

void HttpSession::respond(ServerResponse response, bool keep_alive) {
  const unsigned status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  keep_alive_ = keep_alive;
  set_deadline(Clock::now() + state_->options().write_timeout);
  const std::string_view content_type = response.content_type;
  const bool plain = response.headers.empty() && !bodiless(status) &&
                     (content_type.empty() || (!is_blank_char(content_type.front()) &&
                                               !is_blank_char(content_type.back())));
  if (!plain) {
    // Extra headers or a status without a body: Beast builds and writes the message.
    res_ = {};
    res_.version(version_);
    res_.result(status);
    res_.set(http::field::server, state_->server_name());
    res_.set(http::field::content_type, response.content_type);
    for (const auto& [name, value] : response.headers) res_.insert(name, value);
    if (!bodiless(status)) res_.body() = std::move(response.body);
    res_.keep_alive(keep_alive);
    res_.prepare_payload();
    if (head_) res_.body().clear();
    http::async_write(
        socket_, res_,
        beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), keep_alive));
    return;
  }
  // The same bytes as Beast would write for that message (Server, Content-Type, Connection as
  // keep_alive() sets it, Content-Length), serialized here at once.
  out_.clear();
  append_status_line(out_, version_, status);
  out_.append("Server: ").append(state_->server_name()).append("\r\n");
  out_.append("Content-Type: ").append(content_type).append("\r\n");
  if (version_ < 11) {
    if (keep_alive) out_.append("Connection: keep-alive\r\n");
  } else if (!keep_alive) {
    out_.append("Connection: close\r\n");
  }
  std::array<char, 24> length{};
  const auto length_end =
      std::to_chars(length.data(), length.data() + length.size(), response.body.size()).ptr;
  out_.append("Content-Length: ").append(length.data(), length_end).append("\r\n\r\n");
  if (head_) {
    body_.clear();
  } else {
    body_ = std::move(response.body);
  }
  send_response();
}

// A non-blocking send first: a response the socket takes whole completes here, without the
// reactor. Whatever is left goes out asynchronously.
void HttpSession::send_response() {
  std::array<net::const_buffer, 2> buffers{net::buffer(out_), net::buffer(body_)};
  beast::error_code ec;
  std::size_t sent = socket_.send(buffers, 0, ec);
  if (would_block(ec)) {
    ec = {};
    sent = 0;
  }
  if (ec) return on_write(keep_alive_, ec, 0);
  if (sent == out_.size() + body_.size()) {
    if (inline_depth_ < kMaxInlineDepth) {
      ++inline_depth_;
      on_write(keep_alive_, {}, sent);
      --inline_depth_;
      return;
    }
    net::post(socket_.get_executor(), [self = shared_from_this(), keep_alive = keep_alive_] {
      self->on_write(keep_alive, {}, 0);
    });
    return;
  }
  if (sent < buffers[0].size()) {
    buffers[0] += sent;
  } else {
    buffers[1] += sent - buffers[0].size();
    buffers[0] = {};
  }
  net::async_write(
      socket_, buffers,
      beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), keep_alive_));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  active_.release();
  std::string().swap(body_);
  if (ec) return do_close();
  if (!keep_alive || state_->stopping()) return linger();
  wait_for_request(/*first=*/false);
}

void HttpSession::start_stream(const Route& route, ServerRequest request) {
  phase_ = Phase::kStreaming;
  stream_header_ = {};
  stream_header_.version(11);
  stream_header_.result(http::status::ok);
  stream_header_.set(http::field::server, state_->server_name());
  stream_header_.set(http::field::content_type, beast::string_view(kNdjson.data(), kNdjson.size()));
  stream_header_.keep_alive(false);
  stream_header_.chunked(true);
  stream_serializer_.emplace(stream_header_);
  set_deadline(Clock::now() + state_->options().write_timeout);
  http::async_write_header(
      socket_, *stream_serializer_,
      [self = shared_from_this(), route = &route, request = std::move(request)](
          beast::error_code ec, std::size_t) { self->on_stream_header(route, request, ec); });
}

void HttpSession::on_stream_header(const Route* route, const ServerRequest& request,
                                   beast::error_code ec) {
  if (ec) {
    state_->release_stream();
    return do_close();
  }
  auto writer = std::make_shared<NdjsonStream>(shared_from_this());
  const bool started = state_->spawn_stream(
      [writer, route, request] { writer->serve(route->stream_handler, request); });
  if (!started) return do_close();
  clear_deadline();  // the stream lasts as long as its handler; each line has write_timeout
  watch_stream();
}

// A read kept pending for the whole stream: it ends with eof or an error when the client goes.
void HttpSession::watch_stream() {
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&HttpSession::on_watch, shared_from_this()));
}

void HttpSession::on_watch(beast::error_code ec, std::size_t) {
  if (ec) return do_close();
  watch_stream();
}

void HttpSession::post_line(std::string line, std::function<void(bool)> done) {
  net::post(socket_.get_executor(),
            [self = shared_from_this(), line = std::move(line), done = std::move(done)]() mutable {
              self->write_line(std::move(line), std::move(done));
            });
}

void HttpSession::write_line(std::string line, std::function<void(bool)> done) {
  if (phase_ != Phase::kStreaming) return done(false);
  auto chunk = std::make_shared<std::string>(chunk_of(line));
  writing_line_ = true;
  set_deadline(Clock::now() + state_->options().write_timeout);
  net::async_write(socket_, net::buffer(*chunk),
                   [self = shared_from_this(), chunk, done = std::move(done)](
                       beast::error_code ec, std::size_t) { self->on_line_written(done, ec); });
}

void HttpSession::on_line_written(const std::function<void(bool)>& done, beast::error_code ec) {
  writing_line_ = false;
  clear_deadline();
  done(!ec);
  if (ec) return do_close();
  if (end_requested_) end_stream();
}

void HttpSession::post_stream_end() {
  net::post(socket_.get_executor(), [self = shared_from_this()] { self->end_stream(); });
}

void HttpSession::end_stream() {
  if (phase_ != Phase::kStreaming) return;
  if (writing_line_) {
    end_requested_ = true;
    return;
  }
  phase_ = Phase::kClosing;
  set_deadline(Clock::now() + state_->options().write_timeout);
  net::async_write(
      socket_, net::buffer(kLastChunk.data(), kLastChunk.size()),
      [self = shared_from_this()](beast::error_code, std::size_t) { self->do_close(); });
}

// Sends FIN, then reads and discards until the client closes too (or kLingerTimeout passes).
void HttpSession::linger() {
  phase_ = Phase::kClosing;
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return do_close();
  buffer_.consume(buffer_.size());
  set_deadline(Clock::now() + kLingerTimeout);
  drain();
}

void HttpSession::drain() {
  socket_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&HttpSession::on_drain, shared_from_this()));
}

void HttpSession::on_drain(beast::error_code ec, std::size_t) {
  if (ec) return do_close();
  drain();
}

void HttpSession::do_close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  clear_deadline();
  timer_.cancel();
  const CancelReason reason = state_->stopping() ? CancelReason::kShutdown : CancelReason::kUser;
  stream_closed_.cancel(reason, "the connection closed");
  if (handling_) handling_->cancel(reason, "the connection closed");
  beast::error_code ec;
  socket_.shutdown(tcp::socket::shutdown_both, ec);
  socket_.close(ec);
  active_.release();
}

}  // namespace ktrdr::detail
