// AsyncServiceAdapter: the HTTP/1.1 client every domain adapter uses to reach a host service.
// Boost.Beast with blocking I/O on the calling thread (a pooled request costs no thread handoff);
// callers make requests (cancellably) from any thread. A pool of kept-alive connections per host;
// connect and request timeouts; retries with exponential backoff and jitter for idempotent (or
// retryable) calls; cancellation that aborts a request in flight at once by shutting its socket
// down; typed errors that name the service and URL; statistics; a cached health check; host names
// resolved once and kept until a connect fails. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/http_url.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

enum class HttpMethod { kGet, kPost, kPut, kDelete, kHead };
std::string_view to_string(HttpMethod method) noexcept;

struct HttpRequest {
  HttpMethod method = HttpMethod::kGet;
  std::string target;  // path and query below the adapter's base URL: "/operations?limit=5"
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  // Overrides the adapter's request timeout for this call.
  std::optional<std::chrono::milliseconds> timeout;
  // Retry a non-idempotent call (POST) on the conditions idempotent calls are retried on.
  bool retryable = false;
};

struct HttpResponse {
  unsigned status = 0;
  std::string body;
  std::string content_type;
  std::map<std::string, std::string> headers;  // lower-case names
};

struct AdapterOptions {
  // Named in every error message: "IB host service".
  std::string service_name = "host service";
  // Connections kept per host (in use + idle); further requests wait for one to free up.
  std::size_t max_connections = 8;
  // false: a new connection for every request (the benchmark's baseline).
  bool keep_alive = true;
  std::chrono::milliseconds connect_timeout{3000};
  std::chrono::milliseconds request_timeout{30000};
  // Idle kept-alive connections older than this are closed.
  std::chrono::milliseconds idle_timeout{30000};
  // Attempts per call (1 = no retry) and the exponential backoff between them (full jitter:
  // a random wait in [0, min(max, initial·2^k)]).
  int max_attempts = 3;
  std::chrono::milliseconds backoff_initial{100};
  std::chrono::milliseconds backoff_max{2000};
  // Sent as "Authorization: Bearer <token>" when not empty.
  std::string bearer_token;
  // Responses larger than this are refused (malformed_response).
  std::size_t max_response_bytes = 64u << 20;
  // How long health() reuses its last answer.
  std::chrono::milliseconds health_ttl{5000};
};

struct AdapterStats {
  std::uint64_t requests = 0;  // calls made (not attempts)
  std::uint64_t attempts = 0;
  std::uint64_t retries = 0;
  std::uint64_t stale_retries = 0;  // kept-alive connections found closed and replaced
  std::uint64_t pool_hits = 0;      // attempts that reused a kept-alive connection
  std::uint64_t pool_misses = 0;    // attempts that opened a connection
  std::uint64_t bytes_sent = 0;
  std::uint64_t bytes_received = 0;
  std::map<std::string, std::uint64_t> errors;           // failed calls, by ErrorCode name
  std::map<unsigned, std::uint64_t> errors_by_status;    // calls answered with a status >= 400
  double latency_p50_ms = 0;  // of request() and the JSON calls, over the last 1024
  double latency_p95_ms = 0;
  double latency_p99_ms = 0;
  std::size_t open_connections = 0;
  std::size_t idle_connections = 0;

  Json to_json() const;
};

class AsyncServiceAdapter {
 public:
  // Errors: invalid_argument when `base_url` is not an http:// URL or max_connections is 0.
  static Result<std::unique_ptr<AsyncServiceAdapter>> create(std::string_view base_url,
                                                             AdapterOptions options = {});
  // Aborts requests in flight (they return cancelled), waits for them to return and joins the
  // I/O thread (the pool's idle reaper and host-name lookups).
  ~AsyncServiceAdapter();
  AsyncServiceAdapter(const AsyncServiceAdapter&) = delete;
  AsyncServiceAdapter& operator=(const AsyncServiceAdapter&) = delete;

  // Sends `request` and waits for the whole response. Any status is a response; the error
  // cases are: connection_refused, timeout, unavailable (other network errors),
  // malformed_response, cancelled (the token, checked before every attempt and every backoff,
  // and during the request). 502/503/504 are retried for idempotent calls and returned as the
  // response after the last attempt.
  Result<HttpResponse> request(HttpRequest request, const CancellationToken& token = {});

  // JSON calls: a 2xx response's body parsed as JSON (null for an empty body). A non-2xx
  // status is an http_status error with the service's JSON error {code, message, details}
  // folded in (context: status, url, remote_code); an unparsable body is malformed_response.
  Result<Json> get_json(std::string_view target, const CancellationToken& token = {});
  Result<Json> post_json(std::string_view target, const Json& body,
                         const CancellationToken& token = {}, bool retryable = false);
  Result<Json> delete_json(std::string_view target, const CancellationToken& token = {});

  // Streams a GET response line by line (NDJSON) on a connection of its own, calling `on_line`
  // for each complete line as it arrives, until the server ends the response, `on_line` returns
  // false, or `token` is cancelled (→ cancelled error). No request timeout applies; the connect
  // timeout does. A non-2xx status is an http_status error as for get_json.
  // `on_line` runs on the calling thread, between reads; lines come without their "\n" (or
  // "\r\n"), blank lines (keep-alives) are skipped, and a last line without "\n" is handed
  // over when the body ends.
  Result<void> stream_lines(std::string_view target,
                            const std::function<bool(std::string_view line)>& on_line,
                            const CancellationToken& token = {});

  // GET /health, reused for health_ttl. Errors as for get_json.
  Result<Json> health(const CancellationToken& token = {});

  AdapterStats stats() const;
  const HttpUrl& url() const;
  const AdapterOptions& options() const;

 private:
  struct Impl;
  explicit AsyncServiceAdapter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ktrdr
