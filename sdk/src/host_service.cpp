// HostService: the listening socket, the I/O threads and the stop sequence; plus the small
// request and response helpers handlers use.
#include "ktrdr/sdk/host_service.hpp"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/string.hpp>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "http_router.hpp"
#include "http_server_state.hpp"
#include "http_session.hpp"

namespace ktrdr {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// After a failed accept (e.g. out of file descriptors), how long before accepting again.
constexpr std::chrono::milliseconds kAcceptRetryDelay{50};

unsigned status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
    case ErrorCode::kParse:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kCancelled:
      return 499;
    case ErrorCode::kTimeout:
      return 504;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kConnectionRefused:
    case ErrorCode::kHttpStatus:
    case ErrorCode::kMalformedResponse:
      return 502;
    case ErrorCode::kPluginRefused:
    case ErrorCode::kIo:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

// "host:port", with an IPv6 address in brackets.
std::string address_of(const std::string& host, std::uint16_t port) {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

Result<Json> ServerRequest::json() const {
  if (body.empty()) return Error::invalid_argument("expected a JSON body", {{"path", path}});
  auto parsed = Json::parse(body);
  if (!parsed) {
    Error error = std::move(parsed).error();
    error.code = ErrorCode::kInvalidArgument;
    error.message = "request body is not JSON: " + error.message;
    error.with("path", path);
    return error;
  }
  return parsed;
}

std::optional<std::string> ServerRequest::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (boost::beast::iequals(key, boost::beast::string_view(name.data(), name.size()))) {
      return value;
    }
  }
  return std::nullopt;
}

ServerResponse ServerResponse::json(const Json& body, unsigned status) {
  ServerResponse response;
  response.status = status;
  response.body = body.dump();
  return response;
}

ServerResponse ServerResponse::error(const Error& error) {
  return ServerResponse::error(error, status_for(error.code));
}

ServerResponse ServerResponse::error(const Error& error, unsigned status) {
  Json body = Json::object();
  body.set("error", error.to_json());
  return json(body, status);
}

// One io_context per I/O thread, each connection on one of them (round robin): a connection's
// reads, quick handlers and writes stay on one thread, with no hand-off between threads per
// request (which one io_context shared by several threads costs); as only that thread runs the
// io_context, its executor serializes the connection's work without a strand. Handlers that may
// block run on the handler pool instead, so they never stall the other connections of their
// thread.
struct HostService::Impl {
  explicit Impl(HostServiceOptions options)
      : state(std::make_shared<detail::ServerState>(std::move(options))),
        ios(make_contexts(std::max<std::size_t>(state->options().io_threads, 1))),
        acceptor(net::make_strand(*ios.front())),
        accept_retry(acceptor.get_executor()) {}

  static std::vector<std::unique_ptr<net::io_context>> make_contexts(std::size_t count) {
    std::vector<std::unique_ptr<net::io_context>> contexts;
    for (std::size_t i = 0; i < count; ++i) {
      contexts.push_back(std::make_unique<net::io_context>(/*concurrency_hint=*/1));
    }
    return contexts;
  }

  Result<tcp::endpoint> endpoint() const;
  void accept();
  void on_accept(boost::system::error_code ec, detail::HttpSession::Socket socket);
  static void run_io(net::io_context& io);

  const std::shared_ptr<detail::ServerState> state;
  std::vector<std::unique_ptr<net::io_context>> ios;
  std::size_t next_io = 0;  // the context the next connection goes to (acceptor strand only)
  tcp::acceptor acceptor;   // on a strand of its own, like accept_retry
  net::steady_timer accept_retry;
  std::vector<net::executor_work_guard<net::io_context::executor_type>> work;
  std::vector<std::thread> threads;

  std::mutex lifecycle_mutex;  // serializes route(), start() and stop()
  bool started = false;
  bool stopped = false;
  std::uint16_t port = 0;
};

Result<tcp::endpoint> HostService::Impl::endpoint() const {
  const auto& options = state->options();
  boost::system::error_code ec;
  const auto address = net::ip::make_address(options.host, ec);
  if (!ec) return tcp::endpoint(address, options.port);
  net::io_context resolver_io;
  tcp::resolver resolver(resolver_io);
  const auto results =
      resolver.resolve(options.host, std::to_string(options.port), tcp::resolver::passive, ec);
  const auto where = address_of(options.host, options.port);
  if (ec || results.empty()) {
    return Error::invalid_argument("cannot listen on " + where + ": cannot resolve the host: " +
                                       (ec ? ec.message() : std::string("no address")),
                                   {{"address", where}});
  }
  return results.begin()->endpoint();
}

void HostService::Impl::accept() {
  net::io_context& io = *ios[next_io++ % ios.size()];
  // On the io_context's own executor: its one thread serializes the connection's work.
  acceptor.async_accept(io.get_executor(),
                        [this](boost::system::error_code ec, detail::HttpSession::Socket socket) {
                          on_accept(ec, std::move(socket));
                        });
}

void HostService::Impl::on_accept(boost::system::error_code ec,
                                  detail::HttpSession::Socket socket) {
  if (!acceptor.is_open() || state->stopping()) return;
  if (ec) {
    accept_retry.expires_after(kAcceptRetryDelay);
    accept_retry.async_wait([this](boost::system::error_code wait_ec) {
      if (!wait_ec && acceptor.is_open()) accept();
    });
    return;
  }
  auto session = std::make_shared<detail::HttpSession>(std::move(socket), state);
  if (state->add_session(session)) session->start();
  accept();
}

// A handler that throws past the session (which it should not) costs that connection only.
void HostService::Impl::run_io(net::io_context& io) {
  while (true) {
    try {
      io.run();
      return;
    } catch (const std::exception&) {
      // The connection whose handler threw is gone; the others carry on.
    }
  }
}

HostService::HostService(HostServiceOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

HostService::~HostService() { stop(); }

void HostService::route(HttpMethod method, std::string pattern, Handler handler,
                        bool requires_auth, bool quick) {
  std::lock_guard lock(impl_->lifecycle_mutex);
  if (impl_->started) throw std::logic_error("HostService::route() after start(): " + pattern);
  detail::Route route;
  route.method = method;
  route.pattern = std::move(pattern);
  route.handler = std::move(handler);
  route.requires_auth = requires_auth;
  route.quick = quick;
  impl_->state->router().add(std::move(route));
}

void HostService::stream_route(HttpMethod method, std::string pattern, StreamHandler handler,
                               bool requires_auth, StreamCheck check) {
  std::lock_guard lock(impl_->lifecycle_mutex);
  if (impl_->started) {
    throw std::logic_error("HostService::stream_route() after start(): " + pattern);
  }
  detail::Route route;
  route.method = method;
  route.pattern = std::move(pattern);
  route.stream_handler = std::move(handler);
  route.stream_check = std::move(check);
  route.requires_auth = requires_auth;
  impl_->state->router().add(std::move(route));
}

Result<void> HostService::start() {
  std::lock_guard lock(impl_->lifecycle_mutex);
  const auto& options = impl_->state->options();
  const auto where = address_of(options.host, options.port);
  if (impl_->started) {
    return Error::conflict("the server on " + where + " was already started", {{"address", where}});
  }
  auto endpoint = impl_->endpoint();
  if (!endpoint) return std::move(endpoint).error();

  auto& acceptor = impl_->acceptor;
  boost::system::error_code ec;
  const auto fail = [&](std::string_view step) -> Error {
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return Error::io("cannot listen on " + where + ": " + std::string(step) + ": " + ec.message(),
                     {{"address", where}, {"reason", ec.message()}});
  };
  acceptor.open(endpoint->protocol(), ec);
  if (ec) return fail("open");
  acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (ec) return fail("reuse_address");
  acceptor.bind(*endpoint, ec);
  if (ec) return fail("bind");
  acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  impl_->port = acceptor.local_endpoint(ec).port();
  if (ec) return fail("local_endpoint");

  impl_->started = true;
  for (auto& io : impl_->ios) impl_->work.push_back(net::make_work_guard(*io));
  net::post(acceptor.get_executor(), [impl = impl_.get()] { impl->accept(); });
  for (auto& io : impl_->ios) {
    impl_->threads.emplace_back([context = io.get()] { Impl::run_io(*context); });
  }
  return {};
}

std::uint16_t HostService::port() const {
  std::lock_guard lock(impl_->lifecycle_mutex);
  return impl_->port;
}

std::string HostService::url() const {
  std::lock_guard lock(impl_->lifecycle_mutex);
  return "http://" + address_of(impl_->state->options().host, impl_->port);
}

void HostService::stop(std::chrono::milliseconds grace) {
  std::lock_guard lock(impl_->lifecycle_mutex);
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  auto& state = *impl_->state;

  state.begin_stop();
  net::post(impl_->acceptor.get_executor(), [impl = impl_.get()] {
    boost::system::error_code ignored;
    impl->acceptor.close(ignored);
    impl->accept_retry.cancel();
  });
  for (const auto& session : state.sessions()) session->close_if_idle();
  if (grace.count() > 0) state.wait_idle(std::chrono::steady_clock::now() + grace);

  const auto sessions = state.sessions();
  for (const auto& session : sessions) session->cancel_stream();
  for (const auto& session : sessions) session->close();
  state.join_handlers();
  impl_->work.clear();
  for (auto& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  state.join_streams();
}

std::size_t HostService::active_requests() const { return impl_->state->active_requests(); }

}  // namespace ktrdr
