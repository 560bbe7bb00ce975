#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ktrdr/sdk/async_service_adapter.hpp"
#include "ktrdr/sdk/http_url.hpp"
#include "ktrdr/sdk/version.hpp"
#include "scripted_http_server.hpp"

using namespace std::chrono_literals;
using ktrdr::AdapterOptions;
using ktrdr::AsyncServiceAdapter;
using ktrdr::CancellationSource;
using ktrdr::CancelReason;
using ktrdr::ErrorCode;
using ktrdr::HttpMethod;
using ktrdr::HttpRequest;
using ktrdr::HttpResponse;
using ktrdr::HttpUrl;
using ktrdr::Json;
using ktrdr::Result;
using ktrdr::testing::ScriptedHttpServer;
using Clock = std::chrono::steady_clock;
using Reply = ScriptedHttpServer::Reply;
using ServerRequest = ScriptedHttpServer::Request;

namespace {

// Options for fast tests: short backoff, so retries cost milliseconds.
AdapterOptions fast_options() {
  AdapterOptions options;
  options.service_name = "test service";
  options.backoff_initial = 1ms;
  options.backoff_max = 5ms;
  return options;
}

std::unique_ptr<AsyncServiceAdapter> make_adapter(const std::string& url,
                                                  AdapterOptions options = fast_options()) {
  auto adapter = AsyncServiceAdapter::create(url, std::move(options));
  REQUIRE(adapter.ok());
  return std::move(adapter).value();
}

HttpRequest get(std::string target) {
  HttpRequest request;
  request.target = std::move(target);
  return request;
}

ScriptedHttpServer::Script always(Reply reply) {
  return [reply](const ServerRequest&) { return reply; };
}

Reply delayed(std::chrono::milliseconds delay) {
  auto reply = ScriptedHttpServer::respond(200, "{}");
  reply.delay = delay;
  return reply;
}

double millis(Clock::duration duration) {
  return std::chrono::duration<double, std::milli>(duration).count();
}

// How long a test waits for a call that something (a cancel) should end at once. Not a speed
// target: a loaded machine stays far below it. It only turns a client that misses the cancel, and
// would sit out a backoff or a connect timeout of minutes, into a failure instead of a hang.
constexpr auto kHangGuard = 30s;

// A port nothing listens on: one a server had and gave back.
std::uint16_t closed_port() {
  ScriptedHttpServer server(always(ScriptedHttpServer::respond(200)));
  const auto port = server.port();
  server.stop();
  return port;
}

// Runs `call` on a thread of its own and records when it returned.
template <class T>
class Caller {
 public:
  explicit Caller(std::function<T()> call)
      : thread_([this, call = std::move(call)] {
          result_.emplace(call());
          returned_ = Clock::now();
          done_.set_value();
        }) {}
  ~Caller() {
    if (thread_.joinable()) thread_.join();
  }
  Caller(const Caller&) = delete;
  Caller& operator=(const Caller&) = delete;

  // Joins; the call's result and the time it returned.
  const T& result() {
    join();
    return *result_;
  }
  Clock::time_point returned() {
    join();
    return returned_;
  }
  // True once the call has returned; false when it is still running after `bound`.
  bool returns_within(Clock::duration bound) {
    return finished_.wait_for(bound) == std::future_status::ready;
  }

 private:
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  std::optional<T> result_;
  Clock::time_point returned_;
  std::promise<void> done_;
  std::future<void> finished_ = done_.get_future();
  std::thread thread_;
};

}  // namespace

// --- HttpUrl ---

TEST_CASE("HttpUrl splits an http URL into host, port and base path", "[sdk][http]") {
  SECTION("host only: port 80, no base path") {
    auto url = HttpUrl::parse("http://localhost");
    REQUIRE(url.ok());
    CHECK(url->host == "localhost");
    CHECK(url->port == 80);
    CHECK(url->base_path.empty());
    CHECK(url->authority() == "localhost:80");
    CHECK(url->to_string() == "http://localhost:80");
  }
  SECTION("port and base path, trailing slashes stripped") {
    auto url = HttpUrl::parse("http://127.0.0.1:5001/api/v1//");
    REQUIRE(url.ok());
    CHECK(url->host == "127.0.0.1");
    CHECK(url->port == 5001);
    CHECK(url->base_path == "/api/v1");
    CHECK(url->to_string() == "http://127.0.0.1:5001/api/v1");
  }
  SECTION("a bracketed IPv6 address") {
    auto url = HttpUrl::parse("http://[::1]:8080/");
    REQUIRE(url.ok());
    CHECK(url->host == "::1");
    CHECK(url->port == 8080);
    CHECK(url->base_path.empty());
    CHECK(url->authority() == "[::1]:8080");
  }
}

TEST_CASE("HttpUrl refuses what is not an http URL, naming the text", "[sdk][http]") {
  SECTION("https is not supported") {
    auto url = HttpUrl::parse("https://example.com");
    REQUIRE_FALSE(url.ok());
    CHECK(url.error().code == ErrorCode::kInvalidArgument);
    CHECK_THAT(url.error().message,
               Catch::Contains("https is not supported") && Catch::Contains("https://example.com"));
  }
  SECTION("other schemes, no host, bad ports") {
    for (const char* text : {"ftp://host", "host:80", "http://", "http://:80", "http://h:0",
                             "http://h:65536", "http://h:x", "http://h:", "http://h/a?b=1"}) {
      INFO(text);
      auto url = HttpUrl::parse(text);
      REQUIRE_FALSE(url.ok());
      CHECK(url.error().code == ErrorCode::kInvalidArgument);
      CHECK_THAT(url.error().message, Catch::Contains(text));
    }
  }
}

TEST_CASE("create refuses a base URL that is not http", "[sdk][http]") {
  auto adapter = AsyncServiceAdapter::create("https://127.0.0.1:1");
  REQUIRE_FALSE(adapter.ok());
  CHECK(adapter.error().code == ErrorCode::kInvalidArgument);
}

// --- connection pool ---

TEST_CASE("sequential requests reuse one kept-alive connection", "[sdk][http]") {
  ScriptedHttpServer server(always(ScriptedHttpServer::respond(200, R"({"ok":true})")));
  auto adapter = make_adapter(server.url());
  for (int i = 0; i < 100; ++i) {
    auto response = adapter->request(get("/ping"));
    REQUIRE(response.ok());
    REQUIRE(response->status == 200);
  }
  CHECK(server.connections_accepted() == 1);
  const auto stats = adapter->stats();
  CHECK(stats.requests == 100);
  CHECK(stats.attempts == 100);
  CHECK(stats.pool_hits == 99);
  CHECK(stats.pool_misses == 1);
  CHECK(stats.open_connections == 1);
  CHECK(stats.idle_connections == 1);
}

TEST_CASE("without keep-alive every request opens a connection and says Connection: close",
          "[sdk][http]") {
  ScriptedHttpServer server(always(ScriptedHttpServer::respond(200)));
  auto options = fast_options();
  options.keep_alive = false;
  auto adapter = make_adapter(server.url(), options);
  for (int i = 0; i < 3; ++i) REQUIRE(adapter->request(get("/ping")).ok());
  CHECK(server.connections_accepted() == 3);
  for (const auto& request : server.received()) CHECK(request.headers.at("connection") == "close");
  CHECK(adapter->stats().pool_misses == 3);
  CHECK(adapter->stats().idle_connections == 0);
}

TEST_CASE("concurrent requests never open more than max_connections", "[sdk][http]") {
  ScriptedHttpServer server(always(delayed(5ms)));
  auto options = fast_options();
  options.max_connections = 2;
  auto adapter = make_adapter(server.url(), options);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5; ++i) {
        auto response = adapter->request(get("/work"));
        if (!response.ok() || response->status != 200) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
  CHECK(server.requests() == 30);
  CHECK(server.connections_accepted() <= 2);
  CHECK(server.max_open_connections() <= 2);
  CHECK(adapter->stats().open_connections <= 2);
}

TEST_CASE("idle connections older than idle_timeout are closed by the reaper", "[sdk][http]") {
  ScriptedHttpServer server(always(ScriptedHttpServer::respond(200)));
  auto options = fast_options();
  options.idle_timeout = 50ms;
  auto adapter = make_adapter(server.url(), options);
  REQUIRE(adapter->request(get("/ping")).ok());
  // The reaper closes it without any further call: the server sees the connection end.
  REQUIRE(server.wait_for_closed(1));
  CHECK(adapter->stats().open_connections == 0);
  CHECK(adapter->stats().idle_connections == 0);
  REQUIRE(adapter->request(get("/ping")).ok());
  CHECK(server.connections_accepted() == 2);
  CHECK(adapter->stats().pool_hits == 0);
}

TEST_CASE("a kept-alive connection the server closed is replaced transparently", "[sdk][http]") {
  // The first connection's response says keep-alive, but the server closes it right after.
  ScriptedHttpServer server([](const ServerRequest& request) {
    auto reply = ScriptedHttpServer::respond(200, "{}");
    reply.close_after = request.connection == 1;
    return reply;
  });
  auto adapter = make_adapter(server.url());
  SECTION("GET") {
    REQUIRE(adapter->request(get("/a")).ok());
    REQUIRE(server.wait_for_closed(1));
    auto response = adapter->request(get("/b"));
    REQUIRE(response.ok());
    CHECK(response->status == 200);
  }
  SECTION("POST, which is otherwise never retried") {
    REQUIRE(adapter->request(get("/a")).ok());
    REQUIRE(server.wait_for_closed(1));
    auto response = adapter->post_json("/b", Json::object());
    REQUIRE(response.ok());
  }
  const auto stats = adapter->stats();
  CHECK(stats.stale_retries == 1);
  CHECK(stats.attempts == 2);
  CHECK(stats.retries == 0);
  CHECK(server.connections_accepted() == 2);
  CHECK(server.requests() == 2);
}

// --- retries ---

TEST_CASE("an idempotent request is retried on 503 with backoff until it succeeds", "[sdk][http]") {
  std::atomic<int> calls{0};
  ScriptedHttpServer server([&](const ServerRequest&) {
    return ++calls <= 2 ? ScriptedHttpServer::respond(503, "busy")
                        : ScriptedHttpServer::respond(200, "fine");
  });
  auto adapter = make_adapter(server.url());
  auto response = adapter->request(get("/flaky"));
  REQUIRE(response.ok());
  CHECK(response->status == 200);
  CHECK(response->body == "fine");
  CHECK(server.requests() == 3);
  const auto stats = adapter->stats();
  CHECK(stats.requests == 1);
  CHECK(stats.attempts == 3);
  CHECK(stats.retries == 2);
}

TEST_CASE("after the last attempt a 503 is returned as the response", "[sdk][http]") {
  ScriptedHttpServer server(always(ScriptedHttpServer::respond(503, "busy")));
  auto options = fast_options();
  options.max_attempts = 2;
  auto adapter = make_adapter(server.url(), options);
  auto response = adapter->request(get("/busy"));
  REQUIRE(response.ok());
  CHECK(response->status == 503);
  CHECK(server.requests() == 2);
  CHECK(adapter->stats().errors_by_status.at(503) == 1);
}

TEST_CASE("a POST is retried on 503 only when marked retryable", "[sdk][http]") {
  ScriptedHttpServer server(always(ScriptedHttpServer::respond(503)));
  auto adapter = make_adapter(server.url());
  HttpRequest request;
  request.method = HttpMethod::kPost;
  request.target = "/orders";
  request.body = "{}";
  SECTION("not retryable: one attempt") {
    auto response = adapter->request(request);
    REQUIRE(response.ok());
    CHECK(response->status == 503);
    CHECK(server.requests() == 1);
  }
  SECTION("retryable: max_attempts attempts") {
    request.retryable = true;
    auto response = adapter->request(request);
    REQUIRE(response.ok());
    CHECK(response->status == 503);
    CHECK(server.requests() == 3);
  }
}

// --- failures ---

TEST_CASE("a request that outlives its timeout fails with timeout, not the server's late answer",
          "[sdk][http]") {
  // The server would answer after a minute: only the timeout can end the call before that.
  ScriptedHttpServer server(always(delayed(60s)));
  auto options = fast_options();
  SECTION("the adapter's request timeout, one attempt") {
    options.request_timeout = 100ms;
    options.max_attempts = 1;
    auto adapter = make_adapter(server.url(), options);
    const auto start = Clock::now();
    auto response = adapter->request(get("/slow"));
    const auto elapsed = Clock::now() - start;
    REQUIRE_FALSE(response.ok());
    CHECK(response.error().code == ErrorCode::kTimeout);
    CHECK_THAT(response.error().message, Catch::Contains("timed out after 100 ms"));
    CHECK(elapsed >= 100ms);  // it did wait for the timeout (a loaded machine only adds to that)
  }
  SECTION("a per-request timeout; timeouts are retried") {
    options.max_attempts = 2;
    auto adapter = make_adapter(server.url(), options);
    auto request = get("/slow");
    request.timeout = 50ms;
    auto response = adapter->request(request);
    REQUIRE_FALSE(response.ok());
    CHECK(response.error().code == ErrorCode::kTimeout);
    // The request's 50 ms, not the adapter's 30 s.
    CHECK_THAT(response.error().message, Catch::Contains("timed out after 50 ms"));
    // The call may return before the server has read the second attempt.
    CHECK(server.wait_for_requests(2));
    CHECK(server.requests() == 2);
    CHECK(adapter->stats().errors.at("timeout") == 1);
  }
}

TEST_CASE("a closed port is connection_refused, naming the service and the URL", "[sdk][http]") {
  const auto port = closed_port();
  auto options = fast_options();
  options.service_name = "IB host service";
  const auto base = "http://127.0.0.1:" + std::to_string(port);
  auto adapter = make_adapter(base, options);
  auto response = adapter->post_json("/data/historical", Json::object(), {}, /*retryable=*/true);
  REQUIRE_FALSE(response.ok());
  const auto& error = response.error();
  CHECK(error.code == ErrorCode::kConnectionRefused);
  CHECK(error.message == "IB host service: POST " + base + "/data/historical: connection refused");
  CHECK(error.get("service") == "IB host service");
  CHECK(error.get("url") == base + "/data/historical");
  CHECK(error.get("method") == "POST");
  // Refused connections are retried.
  CHECK(adapter->stats().attempts == 3);
  CHECK(adapter->stats().errors.at("connection_refused") == 1);
}

TEST_CASE("responses that are not HTTP or too large are malformed_response", "[sdk][http]") {
  SECTION("garbage") {
    Reply reply;
    reply.kind = Reply::Kind::kRaw;
    reply.raw = "this is not HTTP\r\n\r\n";
    ScriptedHttpServer server(always(reply));
    auto adapter = make_adapter(server.url());
    auto response = adapter->request(get("/x"));
    REQUIRE_FALSE(response.ok());
    CHECK(response.error().code == ErrorCode::kMalformedResponse);
    CHECK(server.requests() == 1);  // not retried
  }
  SECTION("a body over max_response_bytes") {
    ScriptedHttpServer server(always(ScriptedHttpServer::respond(200, std::string(4096, 'x'))));
    auto options = fast_options();
    options.max_response_bytes = 1024;
    auto adapter = make_adapter(server.url(), options);
    auto response = adapter->request(get("/big"));
    REQUIRE_FALSE(response.ok());
    CHECK(response.error().code == ErrorCode::kMalformedResponse);
    CHECK_THAT(response.error().message, Catch::Contains("larger than 1024 bytes"));
  }
  SECTION("a 2xx body that is not JSON, from get_json") {
    ScriptedHttpServer server(always(ScriptedHttpServer::respond(200, "{not json")));
    auto adapter = make_adapter(server.url());
    auto json = adapter->get_json("/x");
    REQUIRE_FALSE(json.ok());
    CHECK(json.error().code == ErrorCode::kMalformedResponse);
  }
}

TEST_CASE("a connection closed without a response is unavailable", "[sdk][http]") {
  Reply reply;
  reply.kind = Reply::Kind::kDrop;
  ScriptedHttpServer server(always(reply));
  auto adapter = make_adapter(server.url());
  auto response = adapter->request(get("/x"));
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == ErrorCode::kUnavailable);
  CHECK_THAT(response.error().message, Catch::Contains(server.url() + "/x"));
}

// --- JSON calls ---

TEST_CASE("get_json folds the service's JSON error into an http_status error", "[sdk][http]") {
  SECTION("an {\"error\": {code, message, details}} body") {
    ScriptedHttpServer server(always(ScriptedHttpServer::respond(
        404, R"({"error":{"code":"not_found","message":"operation op_x not found",)"
             R"("details":{"operation_id":"op_x","attempt":2}}})")));
    auto adapter = make_adapter(server.url());
    auto json = adapter->get_json("/operations/op_x");
    REQUIRE_FALSE(json.ok());
    const auto& error = json.error();
    CHECK(error.code == ErrorCode::kHttpStatus);
    CHECK(error.message == "test service: GET " + server.url() +
                               "/operations/op_x returned 404: operation op_x not found");
    CHECK(error.get("status") == "404");
    CHECK(error.get("remote_code") == "not_found");
    CHECK(error.get("operation_id") == "op_x");
    CHECK(error.get("attempt") == "2");
    CHECK(error.get("url") == server.url() + "/operations/op_x");
    const auto stats = adapter->stats();
    CHECK(stats.errors.at("http_status") == 1);
    CHECK(stats.errors_by_status.at(404) == 1);
  }
  SECTION("a plain-text body is quoted") {
    ScriptedHttpServer server(always(ScriptedHttpServer::respond(500, "database is down\n")));
    auto adapter = make_adapter(server.url());
    auto json = adapter->delete_json("/operations/op_y");
    REQUIRE_FALSE(json.ok());
    CHECK(json.error().code == ErrorCode::kHttpStatus);
    CHECK_THAT(json.error().message,
               Catch::EndsWith("DELETE " + server.url() +
                               "/operations/op_y returned 500: " + "database is down"));
  }
}

TEST_CASE("post_json sends a JSON body and parses the JSON answer", "[sdk][http]") {
  ScriptedHttpServer server([](const ServerRequest& request) {
    auto reply = ScriptedHttpServer::respond(200, request.body);
    if (request.method == "DELETE") reply.body.clear();
    return reply;
  });
  auto adapter = make_adapter(server.url() + "/api/");
  auto body = Json::object();
  body.set("symbol", "AAPL").set("bars", 3);
  auto answer = adapter->post_json("/echo", body);
  REQUIRE(answer.ok());
  CHECK(*answer == body);
  auto deleted = adapter->delete_json("/echo");
  REQUIRE(deleted.ok());
  CHECK(deleted->is_null());
  const auto received = server.received();
  REQUIRE(received.size() == 2);
  CHECK(received[0].target == "/api/echo");
  CHECK(received[0].headers.at("content-type") == "application/json");
  CHECK(received[0].headers.at("accept") == "application/json");
}

TEST_CASE("a service answering with JSON nested past the limit is malformed_response",
          "[sdk][http]") {
  ScriptedHttpServer server(always(ScriptedHttpServer::respond(200, std::string(140'000, '['))));
  auto adapter = make_adapter(server.url());
  auto answer = adapter->get_json("/deep");
  REQUIRE_FALSE(answer.ok());
  CHECK(answer.error().code == ErrorCode::kMalformedResponse);
  CHECK_THAT(answer.error().message, Catch::Contains("nested deeper than 256 levels"));
}

TEST_CASE("requests carry the bearer token, user agent and host", "[sdk][http]") {
  ScriptedHttpServer server(always(ScriptedHttpServer::respond(200)));
  SECTION("with a token") {
    auto options = fast_options();
    options.bearer_token = "s3cret";
    auto adapter = make_adapter(server.url(), options);
    REQUIRE(adapter->request(get("/x")).ok());
    const auto request = server.received().at(0);
    CHECK(request.headers.at("authorization") == "Bearer s3cret");
    CHECK(request.headers.at("user-agent") == std::string("ktrdr/") + KTRDR_SDK_VERSION);
    CHECK(request.headers.at("host") == "127.0.0.1:" + std::to_string(server.port()));
  }
  SECTION("without one") {
    auto adapter = make_adapter(server.url());
    REQUIRE(adapter->request(get("/x")).ok());
    CHECK(server.received().at(0).headers.count("authorization") == 0);
  }
}

// --- cancellation ---

TEST_CASE("cancelling a request in flight returns cancelled while the server is still silent",
          "[sdk][http]") {
  // The server would answer after a minute and the timeout is longer still: a client that missed
  // the cancel would return that answer (a 200), so the result tells, not how long it took.
  ScriptedHttpServer server(always(delayed(60s)));
  auto options = fast_options();
  options.request_timeout = 10min;
  auto adapter = make_adapter(server.url(), options);
  const CancellationSource source;
  Caller<Result<HttpResponse>> caller(
      [&] { return adapter->request(get("/slow"), source.token()); });
  REQUIRE(server.wait_for_requests(1));
  const auto cancelled_at = Clock::now();
  source.cancel(CancelReason::kUser, "Ctrl-C");
  const auto& response = caller.result();
  WARN("in-flight cancel latency: " << millis(caller.returned() - cancelled_at) << " ms");
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == ErrorCode::kCancelled);
  CHECK(response.error().message ==
        "test service: GET " + server.url() + "/slow: cancelled (user: Ctrl-C)");
  CHECK(response.error().get("reason") == "user");
  CHECK(server.requests() == 1);
  CHECK(adapter->stats().errors.at("cancelled") == 1);
}

TEST_CASE("cancelling during the backoff between attempts returns cancelled without waiting it out",
          "[sdk][http]") {
  ScriptedHttpServer server(always(ScriptedHttpServer::respond(503)));
  auto options = fast_options();
  // A backoff of up to ten minutes (full jitter): a client that slept through the cancel would
  // return cancelled too, but only when its backoff ran out, after kHangGuard 19 times in 20.
  options.backoff_initial = 10min;
  options.backoff_max = 10min;
  auto adapter = make_adapter(server.url(), options);
  const CancellationSource source;
  Caller<Result<HttpResponse>> caller(
      [&] { return adapter->request(get("/busy"), source.token()); });
  REQUIRE(server.wait_for_requests(1));
  source.cancel();
  CHECK(caller.returns_within(kHangGuard));
  const auto& response = caller.result();
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == ErrorCode::kCancelled);
  CHECK(server.requests() < 3);
}

TEST_CASE("cancelling a request waiting for a pool slot returns cancelled", "[sdk][http]") {
  // The slot's holder would get its answer after a minute (the timeout is longer still), and it
  // is cancelled only once the waiter has returned: a waiter that missed its cancel would wait
  // for that answer, and the holder would end with a 200 instead of cancelled.
  ScriptedHttpServer server(always(delayed(60s)));
  auto options = fast_options();
  options.max_connections = 1;
  options.request_timeout = 10min;
  auto adapter = make_adapter(server.url(), options);
  const CancellationSource holder;
  Caller<Result<HttpResponse>> first(
      [&] { return adapter->request(get("/slow"), holder.token()); });
  REQUIRE(server.wait_for_requests(1));

  const CancellationSource waiter;
  Caller<Result<HttpResponse>> second(
      [&] { return adapter->request(get("/slow"), waiter.token()); });
  std::this_thread::sleep_for(50ms);  // let it queue for the slot
  waiter.cancel();
  REQUIRE_FALSE(second.result().ok());
  CHECK(second.result().error().code == ErrorCode::kCancelled);
  CHECK(server.requests() == 1);
  CHECK(server.connections_accepted() == 1);

  holder.cancel();
  REQUIRE_FALSE(first.result().ok());
  CHECK(first.result().error().code == ErrorCode::kCancelled);
}

TEST_CASE("a token cancelled before the call sends nothing", "[sdk][http]") {
  ScriptedHttpServer server(always(ScriptedHttpServer::respond(200)));
  auto adapter = make_adapter(server.url());
  const CancellationSource source;
  source.cancel(CancelReason::kShutdown, "stopping");
  auto response = adapter->request(get("/x"), source.token());
  REQUIRE_FALSE(response.ok());
  CHECK(response.error().code == ErrorCode::kCancelled);
  CHECK(response.error().get("reason") == "shutdown");
  auto streamed = adapter->stream_lines(
      "/s", [](std::string_view) { return true; }, source.token());
  REQUIRE_FALSE(streamed.ok());
  CHECK(streamed.error().code == ErrorCode::kCancelled);
  server.stop();
  CHECK(server.connections_accepted() == 0);
  CHECK(server.requests() == 0);
  CHECK(adapter->stats().attempts == 0);
}

TEST_CASE("destroying the adapter cancels the requests in flight", "[sdk][http]") {
  // The server would answer after a minute and the timeout is longer still: an adapter that did
  // not abort the call would wait for that answer and the call would end with a 200.
  ScriptedHttpServer server(always(delayed(60s)));
  auto options = fast_options();
  options.request_timeout = 10min;
  auto adapter = make_adapter(server.url(), options);
  AsyncServiceAdapter* raw = adapter.get();
  Caller<Result<HttpResponse>> caller([raw] { return raw->request(get("/slow")); });
  REQUIRE(server.wait_for_requests(1));
  adapter.reset();
  REQUIRE_FALSE(caller.result().ok());
  CHECK(caller.result().error().code == ErrorCode::kCancelled);
  CHECK(caller.result().error().get("reason") == "shutdown");
}

// --- line streams ---

TEST_CASE("stream_lines hands over each line as it arrives", "[sdk][http]") {
  Reply reply;
  reply.kind = Reply::Kind::kLines;
  reply.lines = {R"({"n":1})", R"({"n":2})", R"({"n":3})"};
  reply.gated = true;  // line k+1 leaves only once the client has seen line k
  ScriptedHttpServer server(always(reply));
  auto adapter = make_adapter(server.url());
  std::vector<std::string> lines;
  std::vector<std::size_t> sent_when_seen;
  auto result = adapter->stream_lines("/operations/op_1/stream", [&](std::string_view line) {
    lines.emplace_back(line);
    sent_when_seen.push_back(server.lines_sent());
    server.release_line();
    return true;
  });
  REQUIRE(result.ok());
  CHECK(lines == reply.lines);
  // Line k was handed over while only k lines had left: the client did not wait for more (nor
  // for the server's fallback, which sends the next line unreleased).
  CHECK(sent_when_seen == std::vector<std::size_t>{1, 2, 3});
  CHECK(server.received().at(0).headers.at("accept") == "application/x-ndjson");
}

TEST_CASE("stream_lines stops when on_line returns false", "[sdk][http]") {
  Reply reply;
  reply.kind = Reply::Kind::kLines;
  reply.lines = {"one", "two", "three"};
  reply.end_stream = false;
  ScriptedHttpServer server(always(reply));
  auto adapter = make_adapter(server.url());
  std::vector<std::string> lines;
  auto result = adapter->stream_lines("/s", [&](std::string_view line) {
    lines.emplace_back(line);
    return lines.size() < 2;
  });
  REQUIRE(result.ok());
  CHECK(lines == std::vector<std::string>{"one", "two"});
  CHECK(server.wait_for_closed(1));  // the client closed its connection
}

TEST_CASE("stream_lines is cancellable while waiting for the next line", "[sdk][http]") {
  Reply reply;
  reply.kind = Reply::Kind::kLines;
  reply.lines = {"first"};
  reply.end_stream = false;  // then silence
  ScriptedHttpServer server(always(reply));
  auto adapter = make_adapter(server.url());
  const CancellationSource source;
  std::promise<void> first_line;
  Caller<Result<void>> caller([&] {
    return adapter->stream_lines(
        "/s",
        [&](std::string_view) {
          first_line.set_value();
          return true;
        },
        source.token());
  });
  first_line.get_future().wait();
  source.cancel();
  // The server stays silent for a minute: only the cancel can end the call within kHangGuard.
  if (!caller.returns_within(kHangGuard)) {
    server.stop();  // release a client that missed the cancel, so that the test can end
    FAIL("stream_lines was still waiting " << kHangGuard.count() << " s after the cancel");
  }
  REQUIRE_FALSE(caller.result().ok());
  CHECK(caller.result().error().code == ErrorCode::kCancelled);
}

TEST_CASE("stream_lines reports a non-2xx status as http_status", "[sdk][http]") {
  ScriptedHttpServer server(always(ScriptedHttpServer::respond(
      404, R"({"error":{"code":"not_found","message":"no such operation"}})")));
  auto adapter = make_adapter(server.url());
  auto result = adapter->stream_lines("/s", [](std::string_view) { return true; });
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::kHttpStatus);
  CHECK_THAT(result.error().message, Catch::EndsWith("returned 404: no such operation"));
  CHECK(result.error().get("remote_code") == "not_found");
}

// --- statistics and health ---

TEST_CASE("stats count calls, bytes, errors and latencies", "[sdk][http]") {
  std::atomic<int> calls{0};
  ScriptedHttpServer server([&](const ServerRequest&) {
    return ++calls % 2 == 0 ? ScriptedHttpServer::respond(404, "missing")
                            : ScriptedHttpServer::respond(200, "hello");
  });
  auto adapter = make_adapter(server.url());
  for (int i = 0; i < 4; ++i) REQUIRE(adapter->request(get("/x")).ok());
  const auto stats = adapter->stats();
  CHECK(stats.requests == 4);
  CHECK(stats.attempts == 4);
  CHECK(stats.bytes_sent > 0);
  CHECK(stats.bytes_received > 4 * 5);
  CHECK(stats.errors_by_status.at(404) == 2);
  CHECK(stats.errors.empty());
  CHECK(stats.latency_p50_ms > 0);
  CHECK(stats.latency_p50_ms <= stats.latency_p95_ms);
  CHECK(stats.latency_p95_ms <= stats.latency_p99_ms);
  const auto json = stats.to_json();
  CHECK(json.get_int("requests") == 4);
  CHECK(json.get_int("pool_hits") == 3);
  CHECK(json.at("errors_by_status").get_int("404") == 2);
  CHECK(json.has("latency_p99_ms"));
  CHECK(json.get_int("open_connections") == 1);
}

TEST_CASE("health is fetched once per health_ttl", "[sdk][http]") {
  SECTION("a healthy service") {
    ScriptedHttpServer server(always(ScriptedHttpServer::respond(200, R"({"status":"ok"})")));
    auto adapter = make_adapter(server.url());
    auto first = adapter->health();
    auto second = adapter->health();
    REQUIRE(first.ok());
    REQUIRE(second.ok());
    CHECK(second->get_string("status") == "ok");
    CHECK(server.requests() == 1);
    CHECK(server.received().at(0).target == "/health");
  }
  SECTION("failures are cached too, and expire") {
    ScriptedHttpServer server(always(ScriptedHttpServer::respond(500, "down")));
    auto options = fast_options();
    options.max_attempts = 1;
    // Two calls in a row fall inside a second however loaded the machine; the sleep outlasts it.
    options.health_ttl = 1s;
    auto adapter = make_adapter(server.url(), options);
    CHECK(adapter->health().error().code == ErrorCode::kHttpStatus);
    CHECK(adapter->health().error().code == ErrorCode::kHttpStatus);
    CHECK(server.requests() == 1);
    std::this_thread::sleep_for(1100ms);
    CHECK_FALSE(adapter->health().ok());
    CHECK(server.requests() == 2);
  }
}

// --- blocking I/O on the caller's thread ---

TEST_CASE("a connection a timeout or cancel shut down mid-read never goes back to the pool",
          "[sdk][http]") {
  std::atomic<int> calls{0};
  // The second request (on the kept-alive connection) stalls for a minute, longer than any
  // timeout but the one it is given; the rest answer at once.
  ScriptedHttpServer server([&](const ServerRequest&) {
    return ++calls == 2 ? delayed(60s) : ScriptedHttpServer::respond(200, "{}");
  });
  auto options = fast_options();
  options.max_attempts = 1;
  options.request_timeout = 10min;
  auto adapter = make_adapter(server.url(), options);
  REQUIRE(adapter->request(get("/a")).ok());
  REQUIRE(adapter->stats().idle_connections == 1);
  SECTION("timeout") {
    auto request = get("/stall");
    request.timeout = 50ms;
    auto response = adapter->request(request);
    REQUIRE_FALSE(response.ok());
    CHECK(response.error().code == ErrorCode::kTimeout);
    CHECK_THAT(response.error().message, Catch::Contains("timed out after 50 ms"));
  }
  SECTION("cancel") {
    const CancellationSource source;
    Caller<Result<HttpResponse>> caller(
        [&] { return adapter->request(get("/stall"), source.token()); });
    REQUIRE(server.wait_for_requests(2));
    source.cancel(CancelReason::kUser, "stop");
    REQUIRE_FALSE(caller.result().ok());
    CHECK(caller.result().error().code == ErrorCode::kCancelled);
    CHECK(caller.result().error().get("reason") == "user");
  }
  CHECK(adapter->stats().open_connections == 0);
  CHECK(adapter->stats().idle_connections == 0);
  REQUIRE(adapter->request(get("/c")).ok());
  CHECK(server.connections_accepted() == 2);
  CHECK(adapter->stats().pool_hits == 1);
}

TEST_CASE("a host name is resolved once and its address reused", "[sdk][http]") {
  ScriptedHttpServer server(always(ScriptedHttpServer::respond(200)));
  auto options = fast_options();
  options.keep_alive = false;
  auto adapter = make_adapter("http://localhost:" + std::to_string(server.port()), options);
  for (int i = 0; i < 3; ++i) REQUIRE(adapter->request(get("/ping")).ok());
  CHECK(server.connections_accepted() == 3);
  CHECK(server.received().at(0).headers.at("host") ==
        "localhost:" + std::to_string(server.port()));
}

TEST_CASE("a connect that hangs is bounded by connect_timeout and cancellable", "[sdk][http]") {
  // A listener that never accepts, its backlog filled: further connects get no answer.
  boost::asio::io_context io;
  boost::asio::ip::tcp::acceptor acceptor(io);
  const boost::asio::ip::tcp::endpoint any(boost::asio::ip::make_address("127.0.0.1"), 0);
  acceptor.open(any.protocol());
  acceptor.bind(any);
  acceptor.listen(0);
  const auto port = acceptor.local_endpoint().port();
  boost::asio::ip::tcp::socket filler(io);  // a backlog of 0 holds one connection
  filler.connect(acceptor.local_endpoint());
  auto options = fast_options();
  options.max_attempts = 1;
  options.connect_timeout = 100ms;
  auto adapter = make_adapter("http://127.0.0.1:" + std::to_string(port), options);
  SECTION("timeout") {
    // A request timeout of minutes: only the 100 ms connect timeout can end the call within
    // kHangGuard.
    options.request_timeout = 10min;
    adapter = make_adapter("http://127.0.0.1:" + std::to_string(port), options);
    Caller<Result<HttpResponse>> caller([&] { return adapter->request(get("/x")); });
    if (!caller.returns_within(kHangGuard)) {
      acceptor.close();  // refuse the connect, so that a client that ignored its timeout returns
      FAIL("the connect was still pending after " << kHangGuard.count() << " s");
    }
    const auto& response = caller.result();
    REQUIRE_FALSE(response.ok());
    CHECK(response.error().code == ErrorCode::kTimeout);
    CHECK_THAT(response.error().message, Catch::Contains("connect timed out after 100 ms"));
  }
  SECTION("cancel") {
    // Timeouts of minutes: only the cancel can end the call within kHangGuard.
    options.connect_timeout = 10min;
    options.request_timeout = 10min;
    adapter = make_adapter("http://127.0.0.1:" + std::to_string(port), options);
    const CancellationSource source;
    Caller<Result<HttpResponse>> caller([&] { return adapter->request(get("/x"), source.token()); });
    std::this_thread::sleep_for(50ms);  // let it block in connect
    source.cancel();
    if (!caller.returns_within(kHangGuard)) {
      acceptor.close();  // refuse the connect, so that a client that missed the cancel returns
      FAIL("the connect was still pending " << kHangGuard.count() << " s after the cancel");
    }
    REQUIRE_FALSE(caller.result().ok());
    CHECK(caller.result().error().code == ErrorCode::kCancelled);
  }
  CHECK(adapter->stats().open_connections == 0);
}
