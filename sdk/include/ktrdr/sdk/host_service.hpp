// HostService: the HTTP/1.1 server side of a host service (Boost.Beast). Routes by method and
// path pattern ("/operations/{id}"), JSON bodies, a request size limit, header and body read
// timeouts, optional bearer-token auth, JSON errors {"error":{"code","message","details"}} with
// the right status, NDJSON streaming responses, and a graceful stop. Binds 127.0.0.1 unless told
// otherwise. Handlers run on a pool of handler threads (they may block without stalling other
// connections), or — routes marked quick — on the connection's I/O thread. Thread-safe.
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

#include "ktrdr/sdk/async_service_adapter.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/error.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

struct ServerRequest {
  HttpMethod method = HttpMethod::kGet;
  std::string path;                               // without the query
  std::map<std::string, std::string> query;       // decoded
  std::map<std::string, std::string> params;      // from the route pattern: {"id": "op_…"}
  std::map<std::string, std::string> headers;     // lower-case names
  std::string body;
  // The caller is trusted: it sent the server's bearer token, or the server has none and listens
  // on loopback only. Public routes use it to hold back details (paths) from strangers.
  bool authenticated = false;
  // Cancelled when the client closes its connection (or the server stops) while the handler of
  // a route that is not quick runs, so a handler blocked on slow work upstream can stop it; the
  // response is then dropped. Never cancelled for quick routes.
  CancellationToken cancelled;

  // The body as JSON; an invalid_argument error (→ 400) when it is not.
  Result<Json> json() const;
  std::optional<std::string> header(std::string_view name) const;  // case-insensitive
};

struct ServerResponse {
  unsigned status = 200;
  std::string body;
  std::string content_type = "application/json";
  // Extra response headers ("Location", …); Server, Content-Type, Content-Length and Connection
  // are set by the server.
  std::vector<std::pair<std::string, std::string>> headers;

  static ServerResponse json(const Json& body, unsigned status = 200);
  // {"error": error.to_json()} with the status that fits error.code (400 invalid_argument,
  // 404 not_found, 409 conflict, 401/403, 499 cancelled, 503 unavailable, 504 timeout, 500 …).
  static ServerResponse error(const Error& error);
  static ServerResponse error(const Error& error, unsigned status);
};

// Writes one NDJSON stream: each write() sends one chunk at once. Valid until the stream
// handler returns; thread-safe.
class StreamWriter {
 public:
  virtual ~StreamWriter() = default;
  // Sends `line` plus "\n"; false once the client is gone (the handler should return).
  virtual bool write_line(std::string_view line) = 0;
  // Blocks until the client disconnects or `timeout` passes; true when it disconnected.
  virtual bool wait_closed(std::chrono::milliseconds timeout) = 0;
  // Cancelled when the client disconnects or the server stops.
  virtual CancellationToken closed() const = 0;
};

using Handler = std::function<ServerResponse(const ServerRequest&)>;
// A streaming handler writes its lines and returns when done (the response then ends). It runs
// on a thread of its own, so it may block for as long as the stream lasts.
using StreamHandler = std::function<void(const ServerRequest&, StreamWriter&)>;
// Runs before a stream opens (on the connection's I/O thread, so it must not block): a response
// it returns (e.g. 404 for an unknown operation) is sent instead of the stream.
using StreamCheck = std::function<std::optional<ServerResponse>(const ServerRequest&)>;

struct HostServiceOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0 = any free port (see port())
  std::size_t io_threads = 2;       // each runs its own connections, start to end
  std::size_t handler_threads = 4;  // run the handlers of routes that are not quick
  std::size_t max_body_bytes = 8u << 20;  // larger requests get 413
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{30000};
  std::chrono::milliseconds idle_timeout{60000};  // a kept-alive connection waiting for a request
  // Writing one response, or one line of a stream, to a client that does not read.
  std::chrono::milliseconds write_timeout{30000};
  // Streams open at once (each holds a thread while it lasts); one more is answered 503.
  std::size_t max_streams = 256;
  // When not empty, routes that require auth answer 401 unless "Authorization: Bearer <token>".
  std::string bearer_token;
  // Origins ("http://dashboard.example:3000") besides the server's own whose pages may send
  // POST/PUT/DELETE. Any other Origin, a cross-site Sec-Fetch-Site, or a body whose Content-Type
  // a page may send without a CORS preflight is refused (403 / 415); a server on a loopback
  // address also refuses Host names that are not loopback (403; DNS rebinding).
  std::vector<std::string> allowed_origins;
};

// True for "localhost", "*.localhost", 127.0.0.0/8 and ::1 (an address or a Host header's name
// without the port).
bool is_loopback_host(std::string_view host);

class HostService {
 public:
  explicit HostService(HostServiceOptions options);
  // Stops (as stop() with no grace) if still running.
  ~HostService();
  HostService(const HostService&) = delete;
  HostService& operator=(const HostService&) = delete;

  // Routes are added before start(). `pattern` segments in braces capture a path parameter;
  // where several patterns match, the one with the most literal segments wins.
  // Unknown paths answer 404, a known path with another method 405 (with an Allow header).
  // Throws std::invalid_argument for a pattern not starting with '/', an empty "{}" or a repeated
  // method and pattern, and std::logic_error after start() (programming errors).
  // A `quick` handler never blocks (no I/O, no waiting): it runs on the connection's I/O thread,
  // saving a hand-off per request; any other handler runs on the handler pool.
  void route(HttpMethod method, std::string pattern, Handler handler, bool requires_auth = true,
             bool quick = false);
  void stream_route(HttpMethod method, std::string pattern, StreamHandler handler,
                    bool requires_auth = true, StreamCheck check = {});

  // Binds and starts serving; errors name the address (e.g. port in use).
  Result<void> start();
  std::uint16_t port() const;
  std::string url() const;  // "http://host:port"

  // Stops accepting, lets requests in flight (open streams included) finish for up to `grace`,
  // then cancels open streams' closed() tokens (reason shutdown), closes every connection, and
  // joins the I/O and stream threads. Idempotent; concurrent calls return once it is done. Blocks
  // until handlers running return, so it must not be called from a handler.
  void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(0));

  // Requests being handled now, open streams included (for /health).
  std::size_t active_requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ktrdr
