// RawHttpClient: Beast over one socket, each step run to completion on a private io_context.
#include "raw_http_client.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <stdexcept>

namespace ktrdr::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;

std::string text_of(beast::string_view view) { return {view.data(), view.size()}; }

void require_ok(beast::error_code ec, std::string_view step) {
  if (ec) throw std::runtime_error("raw client: " + std::string(step) + ": " + ec.message());
}

}  // namespace

std::string RawResponse::header(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

Json RawResponse::json() const {
  auto parsed = Json::parse(body);
  return parsed ? *parsed : Json();
}

std::string RawResponse::error_code() const {
  return json().at("error").get_string("code").value_or("");
}

RawHttpClient::RawHttpClient(std::uint16_t port) : stream_(io_) {
  const net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  require_ok(
      run(kTimeout, [&](auto handler) { stream_.async_connect(endpoint, std::move(handler)); }),
      "connect");
}

template <class Start>
beast::error_code RawHttpClient::run(std::chrono::milliseconds timeout, Start start) {
  beast::error_code result = net::error::would_block;
  stream_.expires_after(timeout);
  start([&result](beast::error_code ec, auto&&...) { result = ec; });
  io_.restart();
  io_.run();
  return result;
}

void RawHttpClient::send(std::string_view bytes) {
  require_ok(run(kTimeout,
                 [&](auto handler) {
                   net::async_write(stream_, net::buffer(bytes.data(), bytes.size()),
                                    std::move(handler));
                 }),
             "write");
}

void RawHttpClient::send_request(std::string_view method, std::string_view target,
                                 std::string_view body, const RawHeaders& headers) {
  std::string text = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\n";
  text += "Host: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) text += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    text += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  text += "\r\n";
  text += body;
  send(text);
}

RawResponse RawHttpClient::response_of(const Parser& parser) {
  const auto& message = parser.get();
  RawResponse response;
  response.status = message.result_int();
  for (const auto& field : message) {
    std::string name = text_of(field.name_string());
    for (auto& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    response.headers[name] = text_of(field.value());
  }
  response.body = message.body();
  response.keep_alive = message.keep_alive();
  return response;
}

RawResponse RawHttpClient::read_response(std::chrono::milliseconds timeout) {
  Parser parser;
  parser.body_limit(boost::none);
  require_ok(
      run(timeout,
          [&](auto handler) { http::async_read(stream_, buffer_, parser, std::move(handler)); }),
      "read response");
  return response_of(parser);
}

RawResponse RawHttpClient::request(std::string_view method, std::string_view target,
                                   std::string_view body, const RawHeaders& headers) {
  send_request(method, target, body, headers);
  return read_response();
}

RawResponse RawHttpClient::read_stream_header(std::chrono::milliseconds timeout) {
  stream_parser_.emplace();
  stream_parser_->body_limit(boost::none);
  on_chunk_ = [this](std::uint64_t, beast::string_view data, beast::error_code&) {
    pending_.append(data.data(), data.size());
    return data.size();
  };
  stream_parser_->on_chunk_body(on_chunk_);
  require_ok(run(timeout,
                 [&](auto handler) {
                   http::async_read_header(stream_, buffer_, *stream_parser_, std::move(handler));
                 }),
             "read stream header");
  return response_of(*stream_parser_);
}

std::optional<std::string> RawHttpClient::read_line(std::chrono::milliseconds timeout) {
  if (!stream_parser_) throw std::logic_error("raw client: read_line() before the stream header");
  while (pending_.find('\n') == std::string::npos && !stream_parser_->is_done()) {
    require_ok(run(timeout,
                   [&](auto handler) {
                     http::async_read_some(stream_, buffer_, *stream_parser_, std::move(handler));
                   }),
               "read stream");
  }
  const auto newline = pending_.find('\n');
  if (newline == std::string::npos) return std::nullopt;
  std::string line = pending_.substr(0, newline);
  pending_.erase(0, newline + 1);
  return line;
}

bool RawHttpClient::closed_by_server(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    std::size_t received = 0;
    beast::error_code result = net::error::would_block;
    stream_.expires_after(left);
    stream_.async_read_some(buffer_.prepare(4096), [&](beast::error_code ec, std::size_t bytes) {
      result = ec;
      received = bytes;
    });
    io_.restart();
    io_.run();
    if (result == beast::error::timeout) return false;
    if (result) return true;
    buffer_.commit(received);
    buffer_.consume(buffer_.size());
  }
}

void RawHttpClient::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace ktrdr::testing
