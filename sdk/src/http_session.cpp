// HttpSession: the read → route → handle → write chain of one connection, and its NDJSON streams.
#include "http_session.hpp"

#include "http_verb.hpp"

#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <exception>
#include <utility>
#include <vector>

#include "http_auth.hpp"
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

ServerResponse run_handler(const Route& route, const ServerRequest& request) {
  try {
    return route.handler(request);
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

}  // namespace

HttpSession::HttpSession(tcp::socket socket, std::shared_ptr<ServerState> state)
    : state_(std::move(state)), stream_(std::move(socket)) {
  // Responses and stream lines are small writes that must go out at once, not wait for the
  // client's delayed ACK.
  beast::error_code ignored;
  stream_.socket().set_option(tcp::no_delay(true), ignored);
}

HttpSession::~HttpSession() { state_->remove_session(this); }

void HttpSession::start() {
  net::dispatch(stream_.get_executor(),
                [self = shared_from_this()] { self->wait_for_request(/*first=*/true); });
}

void HttpSession::close_if_idle() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->phase_ == Phase::kIdle || self->phase_ == Phase::kClosing) self->do_close();
  });
}

void HttpSession::close() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->do_close(); });
}

void HttpSession::cancel_stream() {
  stream_closed_.cancel(CancelReason::kShutdown, "the server is stopping");
}

// A fresh connection has header_timeout from its accept to a complete header; a kept-alive one
// may wait idle_timeout for a request to begin, then has header_timeout for the rest of it.
void HttpSession::wait_for_request(bool first) {
  phase_ = Phase::kIdle;
  const auto& options = state_->options();
  const auto now = Clock::now();
  header_deadline_ = now + options.header_timeout;
  if (buffer_.size() > 0) return read_header();
  stream_.expires_at(first ? header_deadline_ : now + options.idle_timeout);
  stream_.async_read_some(
      buffer_.prepare(kReadChunk),
      beast::bind_front_handler(&HttpSession::on_request_start, shared_from_this(), first));
}

void HttpSession::on_request_start(bool first, beast::error_code ec, std::size_t bytes) {
  if (ec) return do_close();
  buffer_.commit(bytes);
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
  stream_.expires_at(header_deadline_);
  http::async_read_header(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&HttpSession::on_read_header, shared_from_this()));
}

void HttpSession::on_read_header(beast::error_code ec, std::size_t) {
  if (ec) return fail_read(ec);
  if (parser_->is_done()) return handle_request();
  if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
    stream_.expires_after(state_->options().write_timeout);
    net::async_write(
        stream_, net::buffer(kContinue.data(), kContinue.size()),
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
  stream_.expires_after(state_->options().body_timeout);
  http::async_read(stream_, buffer_, *parser_,
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
  const auto& token = state_->options().bearer_token;
  if (route.requires_auth && !token.empty() &&
      !bearer_token_matches(std_view(message[http::field::authorization]), token)) {
    auto response = ServerResponse::error(
        Error::invalid_argument("missing or wrong bearer token for " + target->path,
                                {{"path", target->path}}),
        401);
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
  if (route.stream_handler) return start_stream(route, std::move(request));
  if (route.quick) return respond(run_handler(route, request), keep_alive);
  state_->run_handler([self = shared_from_this(), route = &route, request = std::move(request),
                       keep_alive] {
    ServerResponse response = run_handler(*route, request);
    net::post(self->stream_.get_executor(),
              [self, response = std::move(response), keep_alive]() mutable {
                self->respond(std::move(response), keep_alive);
              });
  });
}

void HttpSession::respond(ServerResponse response, bool keep_alive) {
  const unsigned status = response.status >= 100 && response.status <= 999 ? response.status : 500;
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
  stream_.expires_after(state_->options().write_timeout);
  http::async_write(
      stream_, res_,
      beast::bind_front_handler(&HttpSession::on_write, shared_from_this(), keep_alive));
}

void HttpSession::on_write(bool keep_alive, beast::error_code ec, std::size_t) {
  active_.release();
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
  stream_.expires_after(state_->options().write_timeout);
  http::async_write_header(
      stream_, *stream_serializer_,
      [self = shared_from_this(), route = &route, request = std::move(request)](
          beast::error_code ec, std::size_t) { self->on_stream_header(route, request, ec); });
}

void HttpSession::on_stream_header(const Route* route, const ServerRequest& request,
                                   beast::error_code ec) {
  if (ec) return do_close();
  auto writer = std::make_shared<NdjsonStream>(shared_from_this());
  const bool started = state_->spawn_stream(
      [writer, route, request] { writer->serve(route->stream_handler, request); });
  if (!started) return do_close();
  stream_.expires_never();
  watch_stream();
}

// A read kept pending for the whole stream: it ends with eof or an error when the client goes.
void HttpSession::watch_stream() {
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&HttpSession::on_watch, shared_from_this()));
}

void HttpSession::on_watch(beast::error_code ec, std::size_t) {
  if (ec) return do_close();
  watch_stream();
}

void HttpSession::post_line(std::string line, std::function<void(bool)> done) {
  net::post(stream_.get_executor(),
            [self = shared_from_this(), line = std::move(line), done = std::move(done)]() mutable {
              self->write_line(std::move(line), std::move(done));
            });
}

void HttpSession::write_line(std::string line, std::function<void(bool)> done) {
  if (phase_ != Phase::kStreaming) return done(false);
  auto chunk = std::make_shared<std::string>(chunk_of(line));
  writing_line_ = true;
  stream_.expires_after(state_->options().write_timeout);
  net::async_write(stream_, net::buffer(*chunk),
                   [self = shared_from_this(), chunk, done = std::move(done)](
                       beast::error_code ec, std::size_t) { self->on_line_written(done, ec); });
}

void HttpSession::on_line_written(const std::function<void(bool)>& done, beast::error_code ec) {
  writing_line_ = false;
  done(!ec);
  if (ec) return do_close();
  if (end_requested_) end_stream();
}

void HttpSession::post_stream_end() {
  net::post(stream_.get_executor(), [self = shared_from_this()] { self->end_stream(); });
}

void HttpSession::end_stream() {
  if (phase_ != Phase::kStreaming) return;
  if (writing_line_) {
    end_requested_ = true;
    return;
  }
  phase_ = Phase::kClosing;
  stream_.expires_after(state_->options().write_timeout);
  net::async_write(
      stream_, net::buffer(kLastChunk.data(), kLastChunk.size()),
      [self = shared_from_this()](beast::error_code, std::size_t) { self->do_close(); });
}

// Sends FIN, then reads and discards until the client closes too (or kLingerTimeout passes).
void HttpSession::linger() {
  phase_ = Phase::kClosing;
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return do_close();
  buffer_.consume(buffer_.size());
  stream_.expires_after(kLingerTimeout);
  drain();
}

void HttpSession::drain() {
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&HttpSession::on_drain, shared_from_this()));
}

void HttpSession::on_drain(beast::error_code ec, std::size_t) {
  if (ec) return do_close();
  drain();
}

void HttpSession::do_close() {
  if (phase_ == Phase::kClosed) return;
  phase_ = Phase::kClosed;
  stream_closed_.cancel(state_->stopping() ? CancelReason::kShutdown : CancelReason::kUser,
                        "the connection closed");
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
  stream_.close();
  active_.release();
}

}  // namespace ktrdr::detail
