// HttpExchange: the connect / write / read chain of one request.
#include "http_exchange.hpp"

#include <algorithm>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <utility>

namespace ktrdr::detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Largest response header accepted.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;

// The ways a kept-alive connection the server has closed shows up on the next request.
bool is_closed_connection(beast::error_code ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == net::error::connection_aborted || ec == net::error::not_connected;
}

std::string_view view(beast::string_view text) { return {text.data(), text.size()}; }

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

HttpResponse to_http_response(http::response<http::string_body>&& res) {
  HttpResponse response;
  response.status = res.result_int();
  response.content_type = std::string(view(res[http::field::content_type]));
  for (const auto& field : res) {
    auto [it, inserted] =
        response.headers.try_emplace(lower(view(field.name_string())), view(field.value()));
    if (!inserted) {
      it->second += ", ";
      it->second += view(field.value());
    }
  }
  response.body = std::move(res.body());
  return response;
}

HttpExchange::HttpExchange(std::shared_ptr<HttpConnection> connection,
                           std::shared_ptr<const HttpRequestMessage> request, Settings settings,
                           Handler handler)
    : connection_(std::move(connection)),
      strand_(connection_->get_executor()),
      request_(std::move(request)),
      settings_(std::move(settings)),
      handler_(std::move(handler)) {}

void HttpExchange::start() {
  net::dispatch(strand_, [self = shared_from_this()] { self->begin(); });
}

void HttpExchange::abort() {
  net::post(strand_, [self = shared_from_this()] {
    self->aborted_ = true;
    if (!self->done_) self->connection_->close_now();
  });
}

void HttpExchange::begin() {
  if (aborted_) return finish(net::error::operation_aborted, "connect");
  if (settings_.reused) return do_write();
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      settings_.deadline - std::chrono::steady_clock::now());
  const auto timeout =
      std::max(std::chrono::milliseconds(1), std::min(settings_.connect_timeout, left));
  connection_->async_open(settings_.host, settings_.port, timeout,
                          beast::bind_front_handler(&HttpExchange::on_open, shared_from_this()));
}

void HttpExchange::on_open(beast::error_code ec, std::string_view step) {
  if (ec) return finish(ec, step);
  do_write();
}

void HttpExchange::do_write() {
  expire_at_deadline();
  http::async_write(connection_->stream(), *request_,
                    beast::bind_front_handler(&HttpExchange::on_write, shared_from_this()));
}

void HttpExchange::on_write(beast::error_code ec, std::size_t bytes) {
  outcome_.bytes_sent = bytes;
  if (ec) {
    outcome_.stale = settings_.reused && is_closed_connection(ec);
    return finish(ec, "write");
  }
  do_read();
}

void HttpExchange::do_read() {
  parser_.emplace();
  parser_->header_limit(kHeaderLimit);
  parser_->body_limit(settings_.max_response_bytes);
  if (request_->method() == http::verb::head) parser_->skip(true);
  expire_at_deadline();
  // The header first: Beast 1.74 checks a Content-Length against the body limit only when the
  // header is parsed on its own.
  http::async_read_header(connection_->stream(), connection_->buffer(), *parser_,
                          beast::bind_front_handler(&HttpExchange::on_header, shared_from_this()));
}

void HttpExchange::on_header(beast::error_code ec, std::size_t bytes) {
  outcome_.bytes_received += bytes;
  if (ec) {
    outcome_.stale = settings_.reused && !parser_->got_some() && is_closed_connection(ec);
    return finish(ec, "read");
  }
  if (parser_->is_done()) return on_body({}, 0);
  http::async_read(connection_->stream(), connection_->buffer(), *parser_,
                   beast::bind_front_handler(&HttpExchange::on_body, shared_from_this()));
}

void HttpExchange::on_body(beast::error_code ec, std::size_t bytes) {
  outcome_.bytes_received += bytes;
  if (ec) return finish(ec, "read");
  connection_->stream().expires_never();
  outcome_.reusable =
      request_->keep_alive() && parser_->get().keep_alive() && connection_->buffer().size() == 0;
  outcome_.response = to_http_response(parser_->release());
  finish({}, {});
}

void HttpExchange::finish(beast::error_code ec, std::string_view step) {
  if (done_) return;
  done_ = true;
  outcome_.ec = ec;
  outcome_.step = step;
  outcome_.aborted = aborted_ && ec;
  if (ec || !outcome_.reusable) {
    outcome_.reusable = false;
    connection_->close_now();
  }
  outcome_.connection = std::move(connection_);
  std::exchange(handler_, nullptr)(std::move(outcome_));
}

void HttpExchange::expire_at_deadline() { connection_->stream().expires_at(settings_.deadline); }

}  // namespace ktrdr::detail
