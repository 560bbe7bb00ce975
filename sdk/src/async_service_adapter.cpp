// AsyncServiceAdapter: the retry loop with backoff, the connection pool's use, JSON calls, line
// streams, statistics and the cached health check. The network steps themselves (HttpExchange,
// LineStream) run with blocking I/O on the caller's thread; the I/O thread is left with the
// pool's idle reaper and the resolving of host names.
#include "ktrdr/sdk/async_service_adapter.hpp"

#include <algorithm>
#include <boost/asio/error.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include "call_errors.hpp"
#include "connection_pool.hpp"
#include "http_connection.hpp"
#include "http_exchange.hpp"
#include "http_verb.hpp"
#include "ktrdr/sdk/version.hpp"
#include "latency_window.hpp"
#include "line_stream.hpp"

namespace ktrdr {

namespace net = boost::asio;
namespace http = boost::beast::http;
using detail::CallErrors;
using detail::CallLimits;
using detail::ConnectionPool;
using detail::ExchangeOutcome;
using detail::HttpConnection;
using detail::EndpointCache;
using detail::ExchangeSettings;
using detail::HttpRequestMessage;
using detail::LineStream;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kUserAgent = "ktrdr/" KTRDR_SDK_VERSION;
constexpr std::string_view kShutdownText = "the adapter is shutting down";

bool is_success(unsigned status) { return status >= 200 && status < 300; }
bool is_retryable_status(unsigned status) {
  return status == 502 || status == 503 || status == 504;
}

bool is_blank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// Full jitter: a random wait in [0, min(max, initial·2^retry)].
std::chrono::milliseconds backoff_delay(const AdapterOptions& options, int retry) {
  const double ceiling = std::min(static_cast<double>(options.backoff_max.count()),
                                  static_cast<double>(options.backoff_initial.count()) *
                                      std::pow(2.0, static_cast<double>(retry)));
  if (ceiling <= 0) return std::chrono::milliseconds(0);
  thread_local std::mt19937_64 random{std::random_device{}()};
  std::uniform_int_distribution<std::int64_t> pick(0, static_cast<std::int64_t>(ceiling));
  return std::chrono::milliseconds(pick(random));
}

// Hands each complete line of `pending` to `on_line` (without "\n" or "\r\n"; blank lines,
// keep-alives, skipped) and keeps the incomplete rest; with `flush`, the rest is a line too.
// False when `on_line` asked to stop.
bool deliver_lines(std::string& pending, bool flush,
                   const std::function<bool(std::string_view)>& on_line) {
  std::size_t start = 0;
  bool more = true;
  while (more) {
    auto end = pending.find('\n', start);
    if (end == std::string::npos) {
      if (!flush || start == pending.size()) break;
      end = pending.size();
    }
    std::string_view line(pending.data() + start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    start = std::min(end + 1, pending.size());
    if (!line.empty()) more = on_line(line);
  }
  pending.erase(0, start);
  return more;
}

}  // namespace

std::string_view to_string(HttpMethod method) noexcept {
  const auto name = http::to_string(detail::to_verb(method));
  return {name.data(), name.size()};
}

Json AdapterStats::to_json() const {
  Json json = Json::object();
  json.set("requests", requests);
  json.set("attempts", attempts);
  json.set("retries", retries);
  json.set("stale_retries", stale_retries);
  json.set("pool_hits", pool_hits);
  json.set("pool_misses", pool_misses);
  json.set("bytes_sent", bytes_sent);
  json.set("bytes_received", bytes_received);
  Json by_code = Json::object();
  for (const auto& [code, count] : errors) by_code.set(code, count);
  json.set("errors", by_code);
  Json by_status = Json::object();
  for (const auto& [status, count] : errors_by_status) by_status.set(std::to_string(status), count);
  json.set("errors_by_status", by_status);
  json.set("latency_p50_ms", latency_p50_ms);
  json.set("latency_p95_ms", latency_p95_ms);
  json.set("latency_p99_ms", latency_p99_ms);
  json.set("open_connections", open_connections);
  json.set("idle_connections", idle_connections);
  return json;
}

struct AsyncServiceAdapter::Impl {
  Impl(HttpUrl url, AdapterOptions options);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  Result<HttpResponse> request(const HttpRequest& request, const CancellationToken& token);
  Result<Json> call_json(HttpMethod method, std::string_view target, std::string body,
                         const CancellationToken& token, bool retryable);
  Result<void> stream_lines(std::string_view target,
                            const std::function<bool(std::string_view)>& on_line,
                            const CancellationToken& token);
  Result<Json> health(const CancellationToken& token);
  AdapterStats stats() const;
  const HttpUrl& url() const { return url_; }
  const AdapterOptions& options() const { return options_; }

 private:
  // Counts a public call in progress, so that the destructor can wait for it to return.
  class CallScope {
   public:
    explicit CallScope(Impl& impl);
    ~CallScope();
    CallScope(const CallScope&) = delete;
    CallScope& operator=(const CallScope&) = delete;

   private:
    Impl& impl_;
  };

  // The token of one call: cancelled by the caller's token or by the adapter's destruction.
  class CallToken {
   public:
    CallToken(const CancellationToken& caller, const CancellationToken& shutdown);
    CallToken(const CallToken&) = delete;
    CallToken& operator=(const CallToken&) = delete;
    CancellationToken token() const { return source_.token(); }

   private:
    CancellationSource source_;
    CancellationRegistration shutdown_hook_;
  };

  std::string path_for(std::string_view target) const;
  CallErrors errors_for(HttpMethod method, const std::string& path) const;
  std::shared_ptr<const HttpRequestMessage> build_message(const HttpRequest& request,
                                                          const std::string& path) const;
  // The retry loop of request().
  Result<HttpResponse> send(const HttpRequest& request, const std::string& path,
                            const CallErrors& errors, const CancellationToken& caller,
                            const CancellationToken& token);
  // One attempt: a pool slot, the exchange, one transparent retry on a stale connection.
  ExchangeOutcome attempt(const std::shared_ptr<const HttpRequestMessage>& message,
                          const CallLimits& limits, const CancellationToken& token);
  ExchangeOutcome exchange(std::shared_ptr<HttpConnection> connection, bool reused,
                           const HttpRequestMessage& message, const CallLimits& limits,
                           Clock::time_point deadline, const CancellationToken& token);
  Result<void> run_line_stream(const std::shared_ptr<const HttpRequestMessage>& message,
                               const std::function<bool(std::string_view)>& on_line,
                               const CallErrors& errors, const CancellationToken& caller,
                               const CancellationToken& token);
  void record_call(const Result<HttpResponse>& result, Clock::time_point started);
  void record_error(const Error& error);

  const HttpUrl url_;
  const AdapterOptions options_;
  const std::string authority_;
  net::io_context io_;  // the I/O thread's: the pool's reaper, name lookups
  net::executor_work_guard<net::io_context::executor_type> work_;
  // Owns the client sockets and is never run: their I/O is blocking, on the callers' threads, and
  // no reactor thread should wake up when their data arrives.
  net::io_context sockets_io_;
  EndpointCache endpoints_;
  ConnectionPool pool_;
  CancellationSource shutdown_;

  std::mutex calls_mutex_;
  std::condition_variable calls_done_;
  std::size_t calls_ = 0;  // public calls in progress

  mutable std::mutex stats_mutex_;
  AdapterStats counters_;  // all but the latencies and connection counts
  detail::LatencyWindow latency_;

  std::mutex health_mutex_;
  std::optional<Result<Json>> health_;
  Clock::time_point health_at_;

  std::thread thread_;  // runs io_; last, so it starts once everything else exists
};

// --- Impl: lifetime ---

AsyncServiceAdapter::Impl::Impl(HttpUrl url, AdapterOptions options)
    : url_(std::move(url)),
      options_(std::move(options)),
      authority_(url_.authority()),
      work_(net::make_work_guard(io_)),
      endpoints_(io_, url_.host, url_.port),
      pool_(io_, options_.max_connections, options_.idle_timeout),
      thread_([this] { io_.run(); }) {}

AsyncServiceAdapter::Impl::~Impl() {
  shutdown_.cancel(CancelReason::kShutdown, std::string(kShutdownText));
  {
    std::unique_lock lock(calls_mutex_);
    calls_done_.wait(lock, [this] { return calls_ == 0; });
  }
  pool_.close();
  work_.reset();
  thread_.join();
}

AsyncServiceAdapter::Impl::CallScope::CallScope(Impl& impl) : impl_(impl) {
  std::lock_guard lock(impl_.calls_mutex_);
  ++impl_.calls_;
}

AsyncServiceAdapter::Impl::CallScope::~CallScope() {
  std::lock_guard lock(impl_.calls_mutex_);
  if (--impl_.calls_ == 0) impl_.calls_done_.notify_all();
}

AsyncServiceAdapter::Impl::CallToken::CallToken(const CancellationToken& caller,
                                                const CancellationToken& shutdown)
    : source_(CancellationSource::linked_to(caller)), shutdown_hook_(shutdown.on_cancel([this] {
        source_.cancel(CancelReason::kShutdown, std::string(kShutdownText));
      })) {}

// --- Impl: requests ---

std::string AsyncServiceAdapter::Impl::path_for(std::string_view target) const {
  std::string path = url_.base_path;
  if (target.empty() || target.front() != '/') path += '/';
  path += target;
  return path;
}

CallErrors AsyncServiceAdapter::Impl::errors_for(HttpMethod method, const std::string& path) const {
  return CallErrors(options_.service_name, to_string(method), "http://" + authority_ + path);
}

std::shared_ptr<const HttpRequestMessage> AsyncServiceAdapter::Impl::build_message(
    const HttpRequest& request, const std::string& path) const {
  auto message = std::make_shared<HttpRequestMessage>(detail::to_verb(request.method), path, 11);
  message->set(http::field::host, authority_);
  message->set(http::field::user_agent, kUserAgent);
  if (!options_.bearer_token.empty()) {
    message->set(http::field::authorization, "Bearer " + options_.bearer_token);
  }
  const bool has_body = !request.body.empty() || request.method == HttpMethod::kPost ||
                        request.method == HttpMethod::kPut;
  if (has_body) {
    message->set(http::field::content_type, request.content_type);
    message->body() = request.body;
  }
  for (const auto& [name, value] : request.headers) message->set(name, value);
  message->keep_alive(options_.keep_alive);
  message->prepare_payload();
  return message;
}

Result<HttpResponse> AsyncServiceAdapter::Impl::request(const HttpRequest& request,
                                                        const CancellationToken& token) {
  const CallScope scope(*this);
  const auto started = Clock::now();
  const auto path = path_for(request.target);
  const auto errors = errors_for(request.method, path);
  const CallToken call(token, shutdown_.token());
  auto result = send(request, path, errors, token, call.token());
  record_call(result, started);
  return result;
}

Result<HttpResponse> AsyncServiceAdapter::Impl::send(const HttpRequest& request,
                                                     const std::string& path,
                                                     const CallErrors& errors,
                                                     const CancellationToken& caller,
                                                     const CancellationToken& token) {
  const auto message = build_message(request, path);
  const bool may_retry = request.method != HttpMethod::kPost || request.retryable;
  const int max_attempts = may_retry ? std::max(1, options_.max_attempts) : 1;
  const CallLimits limits{options_.connect_timeout,
                          request.timeout.value_or(options_.request_timeout),
                          options_.max_response_bytes};
  for (int attempt_number = 1;; ++attempt_number) {
    if (token.is_cancelled()) return errors.cancelled(caller);
    auto outcome = attempt(message, limits, token);
    if (outcome.aborted || (outcome.ec && token.is_cancelled())) return errors.cancelled(caller);
    const bool last = attempt_number >= max_attempts;
    if (outcome.ec) {
      const auto failure = detail::classify_network_failure(outcome.ec, outcome.step, limits);
      if (last || !failure.transient) return errors.network(failure);
    } else if (last || !is_retryable_status(outcome.response.status)) {
      return std::move(outcome.response);
    }
    {
      std::lock_guard lock(stats_mutex_);
      ++counters_.retries;
    }
    if (token.is_cancelled() || token.wait_for(backoff_delay(options_, attempt_number - 1))) {
      return errors.cancelled(caller);
    }
  }
}

ExchangeOutcome AsyncServiceAdapter::Impl::attempt(
    const std::shared_ptr<const HttpRequestMessage>& message, const CallLimits& limits,
    const CancellationToken& token) {
  auto lease = pool_.acquire(authority_, token);
  if (!lease) {
    ExchangeOutcome outcome;
    outcome.ec = net::error::operation_aborted;
    outcome.step = "connect";
    outcome.aborted = true;
    return outcome;
  }
  const bool reused = lease->connection != nullptr;
  {
    std::lock_guard lock(stats_mutex_);
    ++counters_.attempts;
    ++(reused ? counters_.pool_hits : counters_.pool_misses);
  }
  auto connection =
      reused ? std::move(lease->connection) : std::make_shared<HttpConnection>(sockets_io_);
  const auto deadline = Clock::now() + limits.request_timeout;
  auto outcome = exchange(std::move(connection), reused, *message, limits, deadline, token);
  if (outcome.stale && !outcome.aborted) {
    {
      std::lock_guard lock(stats_mutex_);
      ++counters_.stale_retries;
      ++counters_.pool_misses;
      counters_.bytes_sent += outcome.bytes_sent;
    }
    HttpConnection::dispose(std::move(outcome.connection));
    outcome = exchange(std::make_shared<HttpConnection>(sockets_io_), false, *message, limits,
                       deadline, token);
  }
  {
    std::lock_guard lock(stats_mutex_);
    counters_.bytes_sent += outcome.bytes_sent;
    counters_.bytes_received += outcome.bytes_received;
  }
  pool_.release(authority_, std::move(outcome.connection), outcome.reusable);
  return outcome;
}

ExchangeOutcome AsyncServiceAdapter::Impl::exchange(std::shared_ptr<HttpConnection> connection,
                                                    bool reused, const HttpRequestMessage& message,
                                                    const CallLimits& limits,
                                                    Clock::time_point deadline,
                                                    const CancellationToken& token) {
  const ExchangeSettings settings{limits.connect_timeout, deadline, limits.max_response_bytes,
                                  reused};
  return detail::run_exchange(std::move(connection), message, settings, endpoints_, token);
}

// --- Impl: JSON, streams, health ---

Result<Json> AsyncServiceAdapter::Impl::call_json(HttpMethod method, std::string_view target,
                                                  std::string body, const CancellationToken& token,
                                                  bool retryable) {
  HttpRequest http_request;
  http_request.method = method;
  http_request.target = std::string(target);
  http_request.body = std::move(body);
  http_request.retryable = retryable;
  http_request.headers.emplace_back("Accept", "application/json");
  auto response = request(http_request, token);
  if (!response) return std::move(response).error();
  const auto errors = errors_for(method, path_for(target));
  if (!is_success(response->status)) {
    auto error = errors.http_status(*response);
    record_error(error);
    return error;
  }
  if (is_blank(response->body)) return Json();
  auto json = Json::parse(response->body);
  if (!json) {
    auto error = errors.malformed_json(json.error());
    record_error(error);
    return error;
  }
  return json;
}

Result<void> AsyncServiceAdapter::Impl::stream_lines(
    std::string_view target, const std::function<bool(std::string_view)>& on_line,
    const CancellationToken& token) {
  const CallScope scope(*this);
  const auto path = path_for(target);
  const auto errors = errors_for(HttpMethod::kGet, path);
  const CallToken call(token, shutdown_.token());
  HttpRequest http_request;
  http_request.target = std::string(target);
  http_request.headers.emplace_back("Accept", "application/x-ndjson");
  {
    std::lock_guard lock(stats_mutex_);
    ++counters_.requests;
  }
  auto result =
      run_line_stream(build_message(http_request, path), on_line, errors, token, call.token());
  if (!result) record_error(result.error());
  return result;
}

Result<void> AsyncServiceAdapter::Impl::run_line_stream(
    const std::shared_ptr<const HttpRequestMessage>& message,
    const std::function<bool(std::string_view)>& on_line, const CallErrors& errors,
    const CancellationToken& caller, const CancellationToken& token) {
  if (token.is_cancelled()) return errors.cancelled(caller);
  {
    std::lock_guard lock(stats_mutex_);
    ++counters_.attempts;
  }
  const CallLimits limits{options_.connect_timeout, options_.connect_timeout,
                          options_.max_response_bytes};
  LineStream stream(std::make_shared<HttpConnection>(sockets_io_), *message,
                    options_.connect_timeout, endpoints_, token);
  const auto step = [&](bool open) {
    auto event = open ? stream.open() : stream.read();
    std::lock_guard lock(stats_mutex_);
    counters_.bytes_sent += event.bytes_sent;
    counters_.bytes_received += event.bytes_received;
    return event;
  };
  const auto failure = [&](const LineStream::Event& event) -> Error {
    if (event.aborted || token.is_cancelled()) return errors.cancelled(caller);
    return errors.network(detail::classify_network_failure(event.ec, event.step, limits));
  };

  auto event = step(/*open=*/true);
  if (event.ec) return failure(event);
  if (!is_success(event.status)) {
    HttpResponse response;
    response.status = event.status;
    response.body = std::move(event.data);
    while (!event.done && response.body.size() <= options_.max_response_bytes) {
      event = step(/*open=*/false);
      if (event.ec) return failure(event);
      response.body += event.data;
    }
    stream.close();
    std::lock_guard lock(stats_mutex_);
    ++counters_.errors_by_status[response.status];
    return errors.http_status(response);
  }
  std::string pending;
  while (true) {
    pending += event.data;
    if (!deliver_lines(pending, event.done, on_line)) {
      stream.close();
      return {};
    }
    if (event.done) return {};
    if (token.is_cancelled()) return errors.cancelled(caller);
    event = step(/*open=*/false);
    if (event.ec) return failure(event);
  }
}

Result<Json> AsyncServiceAdapter::Impl::health(const CancellationToken& token) {
  {
    std::lock_guard lock(health_mutex_);
    if (health_ && Clock::now() - health_at_ < options_.health_ttl) return *health_;
  }
  auto result = call_json(HttpMethod::kGet, "/health", {}, token, false);
  if (result.ok() || result.error().code != ErrorCode::kCancelled) {
    std::lock_guard lock(health_mutex_);
    health_ = result;
    health_at_ = Clock::now();
  }
  return result;
}

// --- Impl: statistics ---

void AsyncServiceAdapter::Impl::record_call(const Result<HttpResponse>& result,
                                            Clock::time_point started) {
  const std::chrono::duration<double, std::milli> elapsed = Clock::now() - started;
  std::lock_guard lock(stats_mutex_);
  ++counters_.requests;
  latency_.add(elapsed.count());
  if (!result) {
    ++counters_.errors[std::string(to_string(result.error().code))];
  } else if (result->status >= 400) {
    ++counters_.errors_by_status[result->status];
  }
}

void AsyncServiceAdapter::Impl::record_error(const Error& error) {
  std::lock_guard lock(stats_mutex_);
  ++counters_.errors[std::string(to_string(error.code))];
}

AdapterStats AsyncServiceAdapter::Impl::stats() const {
  AdapterStats snapshot;
  {
    std::lock_guard lock(stats_mutex_);
    snapshot = counters_;
    const auto percentiles = latency_.percentiles();
    snapshot.latency_p50_ms = percentiles.p50;
    snapshot.latency_p95_ms = percentiles.p95;
    snapshot.latency_p99_ms = percentiles.p99;
  }
  snapshot.open_connections = pool_.open_connections();
  snapshot.idle_connections = pool_.idle_connections();
  return snapshot;
}

// --- AsyncServiceAdapter ---

Result<std::unique_ptr<AsyncServiceAdapter>> AsyncServiceAdapter::create(std::string_view base_url,
                                                                         AdapterOptions options) {
  auto url = HttpUrl::parse(base_url);
  if (!url) return std::move(url).error();
  if (options.max_connections == 0) {
    return Error::invalid_argument("max_connections must be at least 1",
                                   {{"url", std::string(base_url)}});
  }
  return std::unique_ptr<AsyncServiceAdapter>(
      new AsyncServiceAdapter(std::make_unique<Impl>(std::move(url).value(), std::move(options))));
}

AsyncServiceAdapter::AsyncServiceAdapter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AsyncServiceAdapter::~AsyncServiceAdapter() = default;

Result<HttpResponse> AsyncServiceAdapter::request(HttpRequest request,
                                                  const CancellationToken& token) {
  return impl_->request(request, token);
}

Result<Json> AsyncServiceAdapter::get_json(std::string_view target,
                                           const CancellationToken& token) {
  return impl_->call_json(HttpMethod::kGet, target, {}, token, false);
}

Result<Json> AsyncServiceAdapter::post_json(std::string_view target, const Json& body,
                                            const CancellationToken& token, bool retryable) {
  return impl_->call_json(HttpMethod::kPost, target, body.dump(), token, retryable);
}

Result<Json> AsyncServiceAdapter::delete_json(std::string_view target,
                                              const CancellationToken& token) {
  return impl_->call_json(HttpMethod::kDelete, target, {}, token, false);
}

Result<void> AsyncServiceAdapter::stream_lines(
    std::string_view target, const std::function<bool(std::string_view line)>& on_line,
    const CancellationToken& token) {
  return impl_->stream_lines(target, on_line, token);
}

Result<Json> AsyncServiceAdapter::health(const CancellationToken& token) {
  return impl_->health(token);
}

AdapterStats AsyncServiceAdapter::stats() const { return impl_->stats(); }
const HttpUrl& AsyncServiceAdapter::url() const { return impl_->url(); }
const AdapterOptions& AsyncServiceAdapter::options() const { return impl_->options(); }

}  // namespace ktrdr
