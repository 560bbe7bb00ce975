// ScriptedHttpServer: the accept loop and the per-connection sessions that play the script.
#include "scripted_http_server.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cctype>
#include <cstdio>
#include <utility>

namespace ktrdr::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;

namespace {

// How long a gated line waits for release_line(), and how long a stream held open waits: far
// longer than a loaded machine takes to release a line or to cancel.
constexpr auto kGateFallback = 30s;
constexpr auto kHoldOpen = 60s;

std::string lower(beast::string_view text) {
  std::string out(text.data(), text.size());
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string chunk(const std::string& line) {
  char size[16];
  std::snprintf(size, sizeof size, "%zx\r\n", line.size() + 1);
  return size + line + "\n\r\n";
}

}  // namespace

// One accepted connection; lives on the server thread.
class ScriptedHttpServer::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ScriptedHttpServer& server, tcp::socket socket, std::size_t id)
      : server_(server), socket_(std::move(socket)), timer_(socket_.get_executor()), id_(id) {}

  void start() { do_read(); }

  // Server stop: cancel any wait and close.
  void stop() {
    timer_.cancel();
    close();
  }

  // release_line(): a gated stream waiting for it sends its next line.
  void on_release() {
    if (waiting_for_gate_) timer_.cancel();
  }

 private:
  void do_read() {
    request_ = {};
    http::async_read(
        socket_, buffer_, request_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec) return close();
    Request request;
    request.method = std::string(request_.method_string());
    request.target = std::string(request_.target());
    request.body = request_.body();
    request.connection = id_;
    for (const auto& field : request_) {
      request.headers[lower(field.name_string())] = std::string(field.value());
    }
    reply_ = server_.on_request(std::move(request));
    if (reply_.delay.count() <= 0) return act();
    timer_.expires_after(reply_.delay);
    timer_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
      if (wait_ec || self->server_.stopping_) return self->close();
      self->act();
    });
  }

  void act() {
    switch (reply_.kind) {
      case Reply::Kind::kRespond:
        return respond();
      case Reply::Kind::kDrop:
        return close();
      case Reply::Kind::kRaw:
        return write_then(reply_.raw, /*then_close=*/true);
      case Reply::Kind::kLines:
        return start_lines();
    }
  }

  void respond() {
    auto response = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(reply_.status), request_.version());
    response->set(http::field::content_type, reply_.content_type);
    response->body() = reply_.body;
    response->keep_alive(request_.keep_alive() && !reply_.announce_close);
    response->prepare_payload();
    const bool then_close = !response->keep_alive() || reply_.close_after;
    http::async_write(
        socket_, *response,
        [self = shared_from_this(), response, then_close](beast::error_code ec, std::size_t) {
          if (ec || then_close) return self->close();
          self->do_read();
        });
  }

  void write_then(std::string bytes, bool then_close) {
    auto data = std::make_shared<std::string>(std::move(bytes));
    net::async_write(
        socket_, net::buffer(*data),
        [self = shared_from_this(), data, then_close](beast::error_code ec, std::size_t) {
          if (ec || then_close) return self->close();
          self->do_read();
        });
  }

  void start_lines() {
    auto head = std::make_shared<std::string>(
        "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
        "Transfer-Encoding: chunked\r\n\r\n");
    net::async_write(socket_, net::buffer(*head),
                     [self = shared_from_this(), head](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->send_line(0);
                     });
  }

  void send_line(std::size_t index) {
    if (index == reply_.lines.size()) return end_lines();
    auto data = std::make_shared<std::string>(chunk(reply_.lines[index]));
    server_.lines_sent_.fetch_add(1);
    net::async_write(socket_, net::buffer(*data),
                     [self = shared_from_this(), data, index](beast::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->after_line(index);
                     });
  }

  void after_line(std::size_t index) {
    const auto next = index + 1;
    if (!reply_.gated || next == reply_.lines.size() || server_.released_lines_ >= next) {
      return send_line(next);
    }
    waiting_for_gate_ = true;
    timer_.expires_after(kGateFallback);
    timer_.async_wait([self = shared_from_this(), next](beast::error_code) {
      self->waiting_for_gate_ = false;
      if (self->server_.stopping_) return self->close();
      self->send_line(next);
    });
  }

  void end_lines() {
    if (reply_.end_stream) return write_then("0\r\n\r\n", /*then_close=*/false);
    timer_.expires_after(kHoldOpen);
    timer_.async_wait([self = shared_from_this()](beast::error_code) { self->close(); });
    // Notice the client closing its end meanwhile.
    socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](beast::error_code) {
      self->timer_.cancel();
      self->close();
    });
  }

  void close() {
    if (closed_) return;
    closed_ = true;
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    server_.on_closed();
  }

  ScriptedHttpServer& server_;
  tcp::socket socket_;
  net::steady_timer timer_;
  const std::size_t id_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  Reply reply_;
  bool waiting_for_gate_ = false;
  bool closed_ = false;
};

ScriptedHttpServer::Reply ScriptedHttpServer::respond(unsigned status, std::string body) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

ScriptedHttpServer::ScriptedHttpServer(Script script)
    : script_(std::move(script)), work_(net::make_work_guard(io_)), acceptor_(io_) {
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
  port_ = acceptor_.local_endpoint().port();
  do_accept();
  thread_ = std::thread([this] { io_.run(); });
}

ScriptedHttpServer::~ScriptedHttpServer() { stop(); }

void ScriptedHttpServer::stop() {
  std::call_once(stopped_, [this] {
    net::post(io_, [this] {
      stopping_ = true;
      beast::error_code ignored;
      acceptor_.close(ignored);
      for (auto& weak : sessions_) {
        if (auto session = weak.lock()) session->stop();
      }
      work_.reset();
    });
    thread_.join();
  });
}

std::string ScriptedHttpServer::url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::size_t ScriptedHttpServer::connections_accepted() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

std::size_t ScriptedHttpServer::connections_closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

std::size_t ScriptedHttpServer::max_open_connections() const {
  std::lock_guard lock(mutex_);
  return max_open_;
}

std::size_t ScriptedHttpServer::requests() const {
  std::lock_guard lock(mutex_);
  return received_.size();
}

std::vector<ScriptedHttpServer::Request> ScriptedHttpServer::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

bool ScriptedHttpServer::wait_for_requests(std::size_t count,
                                           std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return received_.size() >= count; });
}

bool ScriptedHttpServer::wait_for_closed(std::size_t count,
                                         std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return closed_ >= count; });
}

void ScriptedHttpServer::release_line() {
  net::post(io_, [this] {
    ++released_lines_;
    for (auto& weak : sessions_) {
      if (auto session = weak.lock()) session->on_release();
    }
  });
}

void ScriptedHttpServer::do_accept() {
  acceptor_.async_accept([this](beast::error_code ec, tcp::socket socket) {
    if (ec || stopping_) return;
    std::size_t id = 0;
    {
      std::lock_guard lock(mutex_);
      id = ++accepted_;
      max_open_ = std::max(max_open_, accepted_ - closed_);
    }
    auto session = std::make_shared<Session>(*this, std::move(socket), id);
    sessions_.erase(std::remove_if(sessions_.begin(), sessions_.end(),
                                   [](const auto& weak) { return weak.expired(); }),
                    sessions_.end());
    sessions_.push_back(session);
    session->start();
    do_accept();
  });
}

ScriptedHttpServer::Reply ScriptedHttpServer::on_request(Request request) {
  auto reply = script_(request);
  {
    std::lock_guard lock(mutex_);
    received_.push_back(std::move(request));
  }
  changed_.notify_all();
  return reply;
}

void ScriptedHttpServer::on_closed() {
  {
    std::lock_guard lock(mutex_);
    ++closed_;
  }
  changed_.notify_all();
}

}  // namespace ktrdr::testing
