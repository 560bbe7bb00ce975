#include "ktrdr/sdk/host_service.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <semaphore>
#include <stdexcept>
#include <string>
#include <algorithm>
#include <mutex>
#include <thread>
#include <vector>

#include "ktrdr/sdk/version.hpp"
#include "raw_http_client.hpp"

using ktrdr::Error;
using ktrdr::ErrorCode;
using ktrdr::HostService;
using ktrdr::HostServiceOptions;
using ktrdr::HttpMethod;
using ktrdr::Json;
using ktrdr::ServerRequest;
using ktrdr::ServerResponse;
using ktrdr::StreamWriter;
using ktrdr::testing::RawHeaders;
using ktrdr::testing::RawHttpClient;
using namespace std::chrono_literals;

namespace {

// How long a test waits for something that should happen at once (a handler to start or
// finish, a connection to close). Not a speed target: a loaded machine stays far below it; it
// only turns a server that never does it into a failure instead of a hang.
constexpr auto kHangGuard = 30s;
// Timeouts and waits that must not run out while a test runs, so that what the test sees comes
// from the server's handling of the request, not from a timer (a server that waits for them
// meets kHangGuard first).
constexpr auto kOutlastsTheTest = 10min;

// Options whose timeouts never fire during a test: a connection that closes was closed by the
// server's handling of the request, not by a header or idle timer.
HostServiceOptions untimed_options() {
  HostServiceOptions options;
  options.header_timeout = kOutlastsTheTest;
  options.body_timeout = kOutlastsTheTest;
  options.idle_timeout = kOutlastsTheTest;
  options.write_timeout = kOutlastsTheTest;
  return options;
}

ServerResponse ok_handler(const ServerRequest&) {
  Json body = Json::object();
  body.set("ok", true);
  return ServerResponse::json(body);
}

ServerResponse echo_handler(const ServerRequest& request) {
  auto body = request.json();
  if (!body) return ServerResponse::error(body.error());
  return ServerResponse::json(*body);
}

void start(HostService& server) {
  const auto started = server.start();
  INFO((started ? std::string() : started.error().message));
  REQUIRE(started.ok());
  REQUIRE(server.port() != 0);
}

template <class Rep, class Period>
bool acquire(std::binary_semaphore& signal, std::chrono::duration<Rep, Period> timeout) {
  return signal.try_acquire_for(timeout);
}

}  // namespace

TEST_CASE("routes capture path parameters and decode parameters and query values", "[sdk][http]") {
  HostService server({});
  server.route(
      HttpMethod::kGet, "/items/{id}/parts/{part}",
      [](const ServerRequest& request) {
        Json query = Json::object();
        for (const auto& [name, value] : request.query) query.set(name, value);
        Json body = Json::object();
        body.set("id", request.params.at("id"));
        body.set("part", request.params.at("part"));
        body.set("path", request.path);
        body.set("query", query);
        return ServerResponse::json(body);
      },
      /*requires_auth=*/false);
  server.route(
      HttpMethod::kGet, "/items/{id}/parts/special",
      [](const ServerRequest&) { return ServerResponse::json(Json::string("special")); },
      /*requires_auth=*/false);
  start(server);
  RawHttpClient client(server.port());

  SECTION("parameters and query values are percent-decoded, '+' in the query is a space") {
    const auto response =
        client.request("GET", "/items/a%20b%2Fc/parts/7?x=1&msg=hello%20world&plus=a+b&flag");
    REQUIRE(response.status == 200);
    CHECK(response.header("server") == std::string("ktrdr/") + KTRDR_SDK_VERSION);
    CHECK(response.header("content-type") == "application/json");
    const Json body = response.json();
    CHECK(body.get_string("id") == "a b/c");
    CHECK(body.get_string("part") == "7");
    CHECK(body.get_string("path") == "/items/a%20b%2Fc/parts/7");
    const Json query = body.at("query");
    CHECK(query.get_string("x") == "1");
    CHECK(query.get_string("msg") == "hello world");
    CHECK(query.get_string("plus") == "a b");
    CHECK(query.get_string("flag") == "");
  }
  SECTION("a literal segment beats a capture") {
    const auto response = client.request("GET", "/items/x/parts/special");
    REQUIRE(response.status == 200);
    CHECK(response.json().as_string() == "special");
  }
  SECTION("a bad percent escape is a 400") {
    const auto response = client.request("GET", "/items/%zz/parts/1");
    CHECK(response.status == 400);
    CHECK(response.error_code() == "invalid_argument");
  }
  SECTION("a different segment count does not match") {
    CHECK(client.request("GET", "/items/1/parts").status == 404);
    CHECK(client.request("GET", "/items/1/parts/2/3").status == 404);
  }
}

TEST_CASE("unknown paths answer 404 naming the path and other methods 405 with Allow",
          "[sdk][http]") {
  HostService server({});
  server.route(HttpMethod::kGet, "/things", ok_handler, false);
  server.route(HttpMethod::kDelete, "/things/{id}", ok_handler, false);
  server.route(HttpMethod::kGet, "/things/{id}", ok_handler, false);
  start(server);
  RawHttpClient client(server.port());

  const auto missing = client.request("GET", "/nothing/here");
  CHECK(missing.status == 404);
  CHECK(missing.error_code() == "not_found");
  CHECK_THAT(missing.json().at("error").get_string("message").value_or(""),
             Catch::Contains("/nothing/here"));

  const auto wrong_method = client.request("POST", "/things/7");
  CHECK(wrong_method.status == 405);
  CHECK(wrong_method.header("allow") == "DELETE, GET");

  const auto unserved_method = client.request("PATCH", "/things");
  CHECK(unserved_method.status == 405);
  CHECK(unserved_method.header("allow") == "GET");
  CHECK(client.request("GET", "/things").status == 200);
}

TEST_CASE("a JSON body is parsed and echoed back", "[sdk][http]") {
  HostService server({});
  server.route(HttpMethod::kPost, "/echo", echo_handler, false);
  start(server);
  RawHttpClient client(server.port());

  const std::string sent = R"({"a":[1,2,3],"b":"x y","c":{"d":true}})";
  const auto response =
      client.request("POST", "/echo", sent, {{"Content-Type", "application/json"}});
  REQUIRE(response.status == 200);
  CHECK(response.json() == *Json::parse(sent));
}

TEST_CASE("an invalid or missing JSON body answers 400 with the error shape", "[sdk][http]") {
  HostService server({});
  server.route(HttpMethod::kPost, "/echo", echo_handler, false);
  start(server);
  RawHttpClient client(server.port());

  SECTION("invalid JSON names the offset") {
    const auto response = client.request("POST", "/echo", "{\"a\": tru}",
                                         {{"Content-Type", "application/json"}});
    REQUIRE(response.status == 400);
    const Json error = response.json().at("error");
    CHECK(error.get_string("code") == "invalid_argument");
    CHECK_THAT(error.get_string("message").value_or(""), Catch::Contains("offset"));
    CHECK(error.at("details").is_object());
    CHECK(error.at("details").get_string("offset").has_value());
  }
  SECTION("an empty body says a JSON body was expected") {
    const auto response = client.request("POST", "/echo");
    REQUIRE(response.status == 400);
    CHECK_THAT(response.json().at("error").get_string("message").value_or(""),
               Catch::Contains("expected a JSON body"));
  }
}

TEST_CASE("a body over max_body_bytes answers 413 and the connection closes", "[sdk][http]") {
  HostServiceOptions options = untimed_options();
  options.max_body_bytes = 1024;
  HostService server(options);
  server.route(HttpMethod::kPost, "/echo", echo_handler, false);
  start(server);
  // One body announced by its Content-Length, one sent in a chunk.
  const std::string request = GENERATE(
      "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4096\r\n\r\n" + std::string(4096, 'x'),
      "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n" +
          std::string(2048, 'x') + "\r\n0\r\n\r\n");
  RawHttpClient client(server.port());
  client.send(request);
  const auto response = client.read_response();
  CHECK(response.status == 413);
  CHECK(response.error_code() == "invalid_argument");
  CHECK_FALSE(response.keep_alive);
  CHECK(client.closed_by_server(kHangGuard));
  CHECK(RawHttpClient(server.port())
            .request("POST", "/echo", "[1]", {{"Content-Type", "application/json"}})
            .status == 200);
}

TEST_CASE("headers over the limit answer 431 and the connection closes", "[sdk][http]") {
  HostService server(untimed_options());
  server.route(HttpMethod::kGet, "/ok", ok_handler, false);
  start(server);
  RawHttpClient client(server.port());
  client.send("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + std::string(32 * 1024, 'a') + "\r\n\r\n");
  const auto response = client.read_response();
  CHECK(response.status == 431);
  CHECK(response.error_code() == "invalid_argument");
  CHECK(client.closed_by_server(kHangGuard));
}

TEST_CASE("a malformed request answers 400 and closes and the server keeps serving",
          "[sdk][http]") {
  HostService server(untimed_options());
  server.route(HttpMethod::kGet, "/ok", ok_handler, false);
  start(server);
  {
    // A request line that is not HTTP, a header line without a colon, a bad chunk size.
    const std::string request = GENERATE(
        as<std::string>{}, "NOT A REQUEST\r\n\r\n", "GET /ok HTTP/1.1\r\nno colon here\r\n\r\n",
        "GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    RawHttpClient client(server.port());
    client.send(request);
    const auto response = client.read_response();
    CHECK(response.status == 400);
    CHECK(response.error_code() == "invalid_argument");
    CHECK(client.closed_by_server(kHangGuard));
  }
  RawHttpClient next(server.port());
  CHECK(next.request("GET", "/ok").status == 200);
}

TEST_CASE("a handler that throws answers with an error and the server keeps serving",
          "[sdk][http]") {
  HostService server({});
  server.route(
      HttpMethod::kGet, "/boom",
      [](const ServerRequest&) -> ServerResponse { throw std::runtime_error("kaput"); }, false);
  server.route(
      HttpMethod::kGet, "/missing",
      [](const ServerRequest&) -> ServerResponse {
        throw ktrdr::ErrorException(Error::not_found("no such thing"));
      },
      false);
  server.route(HttpMethod::kGet, "/ok", ok_handler, false);
  start(server);
  RawHttpClient client(server.port());

  const auto boom = client.request("GET", "/boom");
  CHECK(boom.status == 500);
  CHECK(boom.error_code() == "internal");
  CHECK_THAT(boom.json().at("error").get_string("message").value_or(""), Catch::Contains("kaput"));
  const auto missing = client.request("GET", "/missing");
  CHECK(missing.status == 404);
  CHECK(missing.error_code() == "not_found");
  CHECK(client.request("GET", "/ok").status == 200);
  CHECK(RawHttpClient(server.port()).request("GET", "/ok").status == 200);
}

TEST_CASE("keep-alive serves several requests on one connection until Connection: close",
          "[sdk][http]") {
  HostService server(untimed_options());
  server.route(HttpMethod::kGet, "/ok", ok_handler, false);
  start(server);
  RawHttpClient client(server.port());

  const auto first = client.request("GET", "/ok");
  CHECK(first.status == 200);
  CHECK(first.keep_alive);
  const auto second = client.request("GET", "/ok");
  CHECK(second.status == 200);
  CHECK(second.keep_alive);

  SECTION("pipelined requests are answered in order") {
    client.send("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    CHECK(client.read_response().status == 200);
    CHECK(client.read_response().status == 404);
  }
  SECTION("Connection: close is honoured") {
    const auto last = client.request("GET", "/ok", {}, {{"Connection", "close"}});
    CHECK(last.status == 200);
    CHECK_FALSE(last.keep_alive);
    CHECK(client.closed_by_server(kHangGuard));
  }
  SECTION("Expect: 100-continue gets an interim response before the body is sent") {
    HostService echo({});
    echo.route(HttpMethod::kPost, "/echo", echo_handler, false);
    start(echo);
    RawHttpClient expecting(echo.port());
    expecting.send(
        "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Content-Length: 3\r\nExpect: 100-continue\r\n\r\n");
    CHECK(expecting.read_response().status == 100);
    expecting.send("[7]");
    const auto response = expecting.read_response();
    CHECK(response.status == 200);
    CHECK(response.body == "[7]");
  }
}

TEST_CASE("a handler that blocks does not hold up other connections", "[sdk][http]") {
  std::binary_semaphore entered{0};
  std::binary_semaphore release{0};
  HostServiceOptions options;
  options.io_threads = 2;
  HostService server(options);
  server.route(
      HttpMethod::kGet, "/block",
      [&](const ServerRequest& request) {
        entered.release();
        // Until released: a server that queued /ok behind it would leave RawHttpClient waiting.
        acquire(release, kOutlastsTheTest);
        return ok_handler(request);
      },
      false);
  server.route(HttpMethod::kGet, "/ok", ok_handler, false);
  start(server);
  const auto port = server.port();
  unsigned blocked_status = 0;
  std::thread blocked([&] {
    try {
      blocked_status = RawHttpClient(port).request("GET", "/block").status;
    } catch (const std::exception&) {
      blocked_status = 0;
    }
  });
  REQUIRE(acquire(entered, kHangGuard));
  CHECK(RawHttpClient(port).request("GET", "/ok").status == 200);
  CHECK(RawHttpClient(port).request("GET", "/ok").status == 200);
  release.release();
  blocked.join();
  CHECK(blocked_status == 200);
}

TEST_CASE("a client that leaves cancels the request's token while its handler runs",
          "[sdk][http]") {
  std::binary_semaphore entered{0};
  std::binary_semaphore handler_done{0};
  std::atomic<bool> saw_cancel{false};
  std::string reason;
  HostService server(untimed_options());
  server.route(
      HttpMethod::kGet, "/slow",
      [&](const ServerRequest& request) {
        entered.release();
        // Slow work upstream, stopped when the client goes.
        saw_cancel = request.cancelled.wait_for(kHangGuard);
        reason = request.cancelled.reason_text();
        handler_done.release();
        return ok_handler(request);
      },
      false);
  server.route(HttpMethod::kGet, "/ok", ok_handler, false);
  start(server);
  {
    RawHttpClient client(server.port());
    client.send_request("GET", "/slow");
    REQUIRE(acquire(entered, kHangGuard));
    client.close();
  }
  REQUIRE(acquire(handler_done, kHangGuard));
  CHECK(saw_cancel);
  CHECK(reason == "the client closed the connection");
  CHECK(RawHttpClient(server.port()).request("GET", "/ok").status == 200);

  SECTION("a client that stays is answered, its pipelined request after it") {
    std::atomic<bool> cancelled_while_staying{true};
    HostService patient(untimed_options());
    patient.route(
        HttpMethod::kGet, "/wait",
        [&](const ServerRequest& request) {
          entered.release();
          cancelled_while_staying = request.cancelled.wait_for(200ms);
          return ok_handler(request);
        },
        false);
    patient.route(HttpMethod::kGet, "/ok", ok_handler, false);
    start(patient);
    RawHttpClient client(patient.port());
    client.send("GET /wait HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    REQUIRE(acquire(entered, kHangGuard));
    client.send("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");  // pipelined meanwhile
    CHECK(client.read_response().status == 200);
    CHECK(client.read_response().status == 200);
    CHECK_FALSE(cancelled_while_staying);
  }
}

TEST_CASE("quick handlers run on the connection's I/O thread, the others on the handler pool",
          "[sdk][http]") {
  std::mutex mutex;
  std::vector<std::thread::id> quick_threads;
  std::vector<std::thread::id> pool_threads;
  const auto recording = [&](std::vector<std::thread::id>& threads) {
    return [&](const ServerRequest& request) {
      std::lock_guard lock(mutex);
      threads.push_back(std::this_thread::get_id());
      return ok_handler(request);
    };
  };
  HostService server(HostServiceOptions{});
  server.route(HttpMethod::kGet, "/quick", recording(quick_threads), false, /*quick=*/true);
  server.route(HttpMethod::kGet, "/pool", recording(pool_threads), false);
  start(server);
  RawHttpClient client(server.port());
  for (int i = 0; i < 3; ++i) {
    CHECK(client.request("GET", "/quick").status == 200);
    CHECK(client.request("GET", "/pool").status == 200);
  }
  std::lock_guard lock(mutex);
  REQUIRE(quick_threads.size() == 3);
  REQUIRE(pool_threads.size() == 3);
  // One connection stays on one I/O thread; no pool thread is an I/O thread.
  CHECK(std::all_of(quick_threads.begin(), quick_threads.end(),
                    [&](std::thread::id id) { return id == quick_threads.front(); }));
  for (const std::thread::id id : pool_threads) {
    CHECK(std::find(quick_threads.begin(), quick_threads.end(), id) == quick_threads.end());
  }
}

TEST_CASE("slow and idle clients are disconnected after their timeouts", "[sdk][http]") {
  HostServiceOptions options = untimed_options();
  options.header_timeout = 100ms;
  options.idle_timeout = 100ms;
  HostService server(options);
  server.route(HttpMethod::kGet, "/ok", ok_handler, false);
  start(server);
  RawHttpClient client(server.port());

  SECTION("a client that never finishes its headers") {
    client.send("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    CHECK(client.closed_by_server(kHangGuard));
  }
  SECTION("a client that connects and sends nothing") {
    CHECK(client.closed_by_server(kHangGuard));
  }
  SECTION("a kept-alive connection left idle") {
    CHECK(client.request("GET", "/ok").status == 200);
    CHECK(client.closed_by_server(kHangGuard));
  }
  CHECK(RawHttpClient(server.port()).request("GET", "/ok").status == 200);
}

TEST_CASE("a client that stalls its body or stops reading is disconnected after its timeout",
          "[sdk][http]") {
  HostServiceOptions options = untimed_options();
  options.body_timeout = 100ms;
  options.write_timeout = 100ms;
  HostService server(options);
  server.route(HttpMethod::kPost, "/echo", ok_handler, false);
  server.route(
      HttpMethod::kGet, "/big",
      [](const ServerRequest&) {
        ServerResponse response;
        response.body.assign(64u << 20, 'x');
        response.content_type = "text/plain";
        return response;
      },
      false);
  start(server);
  RawHttpClient client(server.port());

  SECTION("a body that stops half-way") {
    client.send("POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n0123456789");
    CHECK(client.closed_by_server(kHangGuard));
  }
  SECTION("a response the client does not read") {
    client.send_request("GET", "/big");
    // Far longer than the write timeout: the socket buffers fill and the server's write stalls.
    std::this_thread::sleep_for(500ms);
    CHECK(client.closed_by_server(kHangGuard));
  }
  CHECK(RawHttpClient(server.port()).request("GET", "/ok").status == 404);
}

TEST_CASE("JSON nested past the limit answers 400 and the server keeps serving", "[sdk][http]") {
  HostService server({});
  server.route(HttpMethod::kPost, "/echo", echo_handler, false);
  start(server);
  RawHttpClient client(server.port());
  const auto response = client.request("POST", "/echo", std::string(140'000, '['),
                                       {{"Content-Type", "application/json"}});
  REQUIRE(response.status == 400);
  CHECK_THAT(response.json().at("error").get_string("message").value_or(""),
             Catch::Contains("nested deeper than 256 levels"));
  CHECK(client.request("POST", "/echo", "[[1]]", {{"Content-Type", "application/json"}}).status ==
        200);
}

TEST_CASE("requests a web page could forge are refused", "[sdk][http][browser]") {
  HostServiceOptions options;
  options.allowed_origins = {"http://dashboard.test:3000"};
  HostService server(options);
  server.route(HttpMethod::kPost, "/echo", echo_handler, false);
  server.route(HttpMethod::kDelete, "/echo", ok_handler, false);
  server.route(HttpMethod::kGet, "/ok", ok_handler, false);
  start(server);
  RawHttpClient client(server.port());
  const std::string own_origin = "http://127.0.0.1";  // RawHttpClient sends Host: 127.0.0.1
  const RawHeaders json{{"Content-Type", "application/json"}};

  SECTION("a cross-origin POST is 403 forbidden, whatever its content type") {
    for (const char* type : {"text/plain", "application/json"}) {
      const auto response = client.request(
          "POST", "/echo", "[1]", {{"Content-Type", type}, {"Origin", "http://evil.example"}});
      CHECK(response.status == 403);
      CHECK(response.error_code() == "forbidden");
      CHECK_THAT(response.json().at("error").get_string("message").value_or(""),
                 Catch::Contains("http://evil.example"));
    }
    CHECK(client.request("DELETE", "/echo", {}, {{"Origin", "null"}}).status == 403);
  }
  SECTION("Sec-Fetch-Site cross-site or same-site is 403") {
    for (const char* site : {"cross-site", "same-site"}) {
      CHECK(client.request("POST", "/echo", "[1]", {{"Content-Type", "application/json"},
                                                     {"Sec-Fetch-Site", site}})
                .status == 403);
    }
  }
  SECTION("a body a page may send without a preflight is 415, with or without an Origin") {
    for (const char* type : {"text/plain", "text/plain;charset=UTF-8",
                             "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"}) {
      const auto response = client.request("POST", "/echo", "[1]", {{"Content-Type", type}});
      CHECK(response.status == 415);
      CHECK_THAT(response.json().at("error").get_string("message").value_or(""),
                 Catch::Contains("application/json"));
    }
    CHECK(client.request("POST", "/echo", "[1]").status == 415);  // no Content-Type at all
  }
  SECTION("the server's own origin, an allowed origin and no origin (curl, SDK clients) pass") {
    CHECK(client.request("POST", "/echo", "[1]", json).status == 200);
    CHECK(client.request("POST", "/echo", "[1]",
                         {{"Content-Type", "application/json"}, {"Origin", own_origin}})
              .status == 200);
    CHECK(client.request("POST", "/echo", "[1]",
                         {{"Content-Type", "application/json"},
                          {"Origin", "http://dashboard.test:3000"},
                          {"Sec-Fetch-Site", "same-origin"}})
              .status == 200);
    CHECK(client.request("DELETE", "/echo").status == 200);
  }
  SECTION("a Host that is not loopback is 403 on a loopback server (DNS rebinding), reads too") {
    client.send("GET /ok HTTP/1.1\r\nHost: rebound.evil.example:8000\r\n\r\n");
    const auto response = client.read_response();
    CHECK(response.status == 403);
    CHECK(response.error_code() == "forbidden");
    for (const char* host : {"localhost:8000", "127.0.0.2", "[::1]:8000", "LocalHost"}) {
      RawHttpClient other(server.port());
      other.send("GET /ok HTTP/1.1\r\nHost: " + std::string(host) + "\r\n\r\n");
      CHECK(other.read_response().status == 200);
    }
  }
}

TEST_CASE("a server bound beyond loopback accepts any Host name", "[sdk][http][browser]") {
  HostServiceOptions options;
  options.host = "0.0.0.0";
  HostService server(options);
  server.route(HttpMethod::kGet, "/ok", ok_handler, false);
  start(server);
  RawHttpClient client(server.port());
  client.send("GET /ok HTTP/1.1\r\nHost: my-workstation.lan:8000\r\n\r\n");
  CHECK(client.read_response().status == 200);
}

TEST_CASE("a bearer token guards the routes that require auth", "[sdk][http]") {
  HostServiceOptions options;
  options.bearer_token = "s3cret-token";
  HostService server(options);
  server.route(HttpMethod::kGet, "/private", ok_handler);
  server.route(HttpMethod::kGet, "/public", ok_handler, /*requires_auth=*/false);
  start(server);
  RawHttpClient client(server.port());

  SECTION("no token is a 401") {
    const auto response = client.request("GET", "/private");
    CHECK(response.status == 401);
    CHECK(response.error_code() == "unauthenticated");
    CHECK(response.header("www-authenticate") == "Bearer");
  }
  SECTION("a wrong token is a 401") {
    CHECK(
        client.request("GET", "/private", {}, {{"Authorization", "Bearer s3cret-tokex"}}).status ==
        401);
    CHECK(client.request("GET", "/private", {}, {{"Authorization", "Bearer s3cret"}}).status ==
          401);
    CHECK(client.request("GET", "/private", {}, {{"Authorization", "Basic s3cret-token"}}).status ==
          401);
  }
  SECTION("the right token is let in") {
    CHECK(
        client.request("GET", "/private", {}, {{"Authorization", "Bearer s3cret-token"}}).status ==
        200);
    CHECK(
        client.request("GET", "/private", {}, {{"authorization", "bearer s3cret-token"}}).status ==
        200);
  }
  SECTION("a route without auth needs no token") {
    CHECK(client.request("GET", "/public").status == 200);
  }
}

TEST_CASE("a stream sends each line as it is written", "[sdk][http][stream]") {
  std::binary_semaphore first_written{0};
  std::binary_semaphore proceed{0};
  std::atomic<bool> second_written{false};
  std::atomic<bool> first_ok{false};
  std::atomic<bool> second_ok{false};
  HostService server({});
  server.stream_route(
      HttpMethod::kGet, "/events",
      [&](const ServerRequest& request, StreamWriter& writer) {
        first_ok = writer.write_line(R"({"n":1,"q":")" + request.query.at("q") + "\"}");
        first_written.release();
        if (!acquire(proceed, kOutlastsTheTest)) return;
        second_written = true;
        second_ok = writer.write_line(R"({"n":2})");
      },
      false);
  start(server);
  RawHttpClient client(server.port());
  client.send_request("GET", "/events?q=x");

  const auto header = client.read_stream_header();
  CHECK(header.status == 200);
  CHECK(header.header("content-type") == "application/x-ndjson");
  CHECK(header.header("transfer-encoding") == "chunked");
  CHECK(client.read_line() == R"({"n":1,"q":"x"})");
  CHECK_FALSE(second_written);
  CHECK(server.active_requests() == 1);
  proceed.release();
  CHECK(client.read_line() == R"({"n":2})");
  CHECK(client.read_line() == std::nullopt);
  CHECK(acquire(first_written, 0s));
  CHECK(first_ok);
  CHECK(second_ok);
}

TEST_CASE("a stream handler that throws ends its stream with an error line",
          "[sdk][http][stream]") {
  HostService server({});
  server.stream_route(
      HttpMethod::kGet, "/events",
      [](const ServerRequest&, StreamWriter& writer) {
        writer.write_line("{}");
        throw std::runtime_error("broken feed");
      },
      false);
  start(server);
  RawHttpClient client(server.port());
  client.send_request("GET", "/events");
  CHECK(client.read_stream_header().status == 200);
  CHECK(client.read_line() == "{}");
  const auto line = client.read_line();
  REQUIRE(line.has_value());
  const auto error = Json::parse(*line)->at("error");
  CHECK(error.get_string("code") == "internal");
  CHECK_THAT(error.get_string("message").value_or(""), Catch::Contains("broken feed"));
  CHECK(client.read_line() == std::nullopt);
}

TEST_CASE("a client that leaves cancels the stream's closed() token", "[sdk][http][stream]") {
  std::binary_semaphore handler_done{0};
  std::atomic<bool> saw_close{false};
  std::atomic<bool> token_cancelled{false};
  std::atomic<bool> later_write{true};
  HostService server({});
  server.stream_route(
      HttpMethod::kGet, "/events",
      [&](const ServerRequest&, StreamWriter& writer) {
        writer.write_line("{}");
        saw_close = writer.wait_closed(10s);
        token_cancelled = writer.closed().is_cancelled();
        later_write = writer.write_line("{}");
        handler_done.release();
      },
      false);
  start(server);
  {
    RawHttpClient client(server.port());
    client.send_request("GET", "/events");
    CHECK(client.read_stream_header().status == 200);
    CHECK(client.read_line() == "{}");
    client.close();
  }
  REQUIRE(acquire(handler_done, kHangGuard));
  CHECK(saw_close);
  CHECK(token_cancelled);
  CHECK_FALSE(later_write);
}

TEST_CASE("streams beyond max_streams are answered 503 until one closes", "[sdk][http][stream]") {
  std::counting_semaphore<8> finished{0};
  HostServiceOptions options;
  options.max_streams = 2;
  HostService server(options);
  server.stream_route(
      HttpMethod::kGet, "/events",
      [&](const ServerRequest&, StreamWriter& writer) {
        writer.write_line("{}");
        writer.wait_closed(kOutlastsTheTest);  // only the client's leaving ends it in kHangGuard
        finished.release();
      },
      false);
  start(server);
  std::vector<std::unique_ptr<RawHttpClient>> open;
  for (int i = 0; i < 2; ++i) {
    auto& client = open.emplace_back(std::make_unique<RawHttpClient>(server.port()));
    client->send_request("GET", "/events");
    REQUIRE(client->read_stream_header().status == 200);
    REQUIRE(client->read_line() == "{}");
  }
  RawHttpClient third(server.port());
  const auto busy = third.request("GET", "/events");
  CHECK(busy.status == 503);
  CHECK(busy.header("retry-after") == "1");
  CHECK_THAT(busy.json().at("error").get_string("message").value_or(""),
             Catch::Contains("too many open streams (2)"));

  open.front()->close();
  REQUIRE(finished.try_acquire_for(kHangGuard));
  // The slot is free once its thread has ended (just after the handler returned): a new stream
  // gets it within a few tries (kHangGuard only bounds a slot that is never freed).
  unsigned status = 0;
  const auto give_up = std::chrono::steady_clock::now() + kHangGuard;
  for (int attempt = 0; status != 200 && std::chrono::steady_clock::now() < give_up; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(10ms);
    RawHttpClient again(server.port());
    again.send_request("GET", "/events");
    status = again.read_stream_header().status;
  }
  CHECK(status == 200);
}

TEST_CASE("stop lets a request in flight finish within the grace period", "[sdk][http][stop]") {
  // A grace far longer than the request needs: stop() returns once the request has finished; one
  // that sat out the grace instead would take all of it.
  constexpr auto kGrace = 60s;
  std::binary_semaphore entered{0};
  std::binary_semaphore finish{0};
  HostService server({});
  server.route(
      HttpMethod::kGet, "/slow",
      [&](const ServerRequest& request) {
        entered.release();
        acquire(finish, kOutlastsTheTest);
        return ok_handler(request);
      },
      false);
  start(server);
  const auto port = server.port();
  unsigned status = 0;
  std::thread requester([&] {
    try {
      status = RawHttpClient(port).request("GET", "/slow").status;
    } catch (const std::exception&) {
      status = 0;
    }
  });
  REQUIRE(acquire(entered, kHangGuard));
  CHECK(server.active_requests() == 1);
  // The handler finishes only once stop() has begun (it stops accepting first: connecting is
  // refused), so the request is in flight when stop() starts however busy the machine is.
  std::thread finisher([&] {
    const auto give_up = std::chrono::steady_clock::now() + kHangGuard;
    while (std::chrono::steady_clock::now() < give_up) {
      try {
        const RawHttpClient probe(port);
      } catch (const std::runtime_error&) {
        break;
      }
      std::this_thread::sleep_for(1ms);
    }
    finish.release();
  });

  const auto before = std::chrono::steady_clock::now();
  server.stop(kGrace);
  const auto took = std::chrono::steady_clock::now() - before;
  finisher.join();
  requester.join();
  CHECK(status == 200);
  CHECK(took < kGrace);  // it returned when the request finished, not when the grace ran out
  CHECK(server.active_requests() == 0);
  CHECK_THROWS_AS(RawHttpClient(port), std::runtime_error);
  server.stop(5s);  // idempotent
}

TEST_CASE("stop with no grace cancels an open stream instead of waiting for it",
          "[sdk][http][stop]") {
  std::atomic<bool> saw_close{false};
  std::atomic<ktrdr::CancelReason> reason{ktrdr::CancelReason::kNone};
  HostService server({});
  server.stream_route(
      HttpMethod::kGet, "/events",
      [&](const ServerRequest&, StreamWriter& writer) {
        writer.write_line("{}");
        saw_close = writer.wait_closed(30s);  // false (and stop() that long) unless stop cancels it
        reason = writer.closed().reason();
      },
      false);
  start(server);
  RawHttpClient client(server.port());
  client.send_request("GET", "/events");
  CHECK(client.read_stream_header().status == 200);
  CHECK(client.read_line() == "{}");

  server.stop();
  CHECK(saw_close);
  CHECK(reason == ktrdr::CancelReason::kShutdown);
  CHECK(client.closed_by_server(kHangGuard));
}

TEST_CASE("starting on a port in use is an error naming the address", "[sdk][http]") {
  HostService first({});
  start(first);
  HostServiceOptions options;
  options.port = first.port();
  HostService second(options);
  const auto started = second.start();
  REQUIRE_FALSE(started.ok());
  CHECK(started.error().code == ErrorCode::kIo);
  CHECK(started.error().get("address") == "127.0.0.1:" + std::to_string(first.port()));
  CHECK_THAT(started.error().message, Catch::Contains("127.0.0.1:" + std::to_string(first.port())));
}

TEST_CASE("fifty clients with twenty requests each are all answered", "[sdk][http]") {
  constexpr int kClients = 50;
  constexpr int kRequests = 20;
  HostService server({});
  server.route(
      HttpMethod::kGet, "/items/{id}",
      [](const ServerRequest& request) {
        Json body = Json::object();
        body.set("id", request.params.at("id"));
        body.set("n", request.query.at("n"));
        return ServerResponse::json(body);
      },
      false);
  start(server);
  const auto port = server.port();
  std::atomic<int> answered{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      try {
        RawHttpClient client(port);
        for (int r = 0; r < kRequests; ++r) {
          const auto id = std::to_string(c);
          const auto n = std::to_string(r);
          const auto response = client.request("GET", "/items/" + id + "?n=" + n);
          const Json body = response.json();
          if (response.status == 200 && body.get_string("id") == id && body.get_string("n") == n) {
            ++answered;
          }
        }
      } catch (const std::exception&) {
        return;
      }
    });
  }
  for (auto& client : clients) client.join();
  CHECK(answered == kClients * kRequests);
}

TEST_CASE("error responses carry the status that fits the error code", "[sdk][http]") {
  const auto status = [](ErrorCode code) {
    return ServerResponse::error(Error{code, "x", {}}).status;
  };
  CHECK(status(ErrorCode::kInvalidArgument) == 400);
  CHECK(status(ErrorCode::kParse) == 400);
  CHECK(status(ErrorCode::kNotFound) == 404);
  CHECK(status(ErrorCode::kConflict) == 409);
  CHECK(status(ErrorCode::kCancelled) == 499);
  CHECK(status(ErrorCode::kTimeout) == 504);
  CHECK(status(ErrorCode::kUnavailable) == 503);
  CHECK(status(ErrorCode::kConnectionRefused) == 502);
  CHECK(status(ErrorCode::kHttpStatus) == 502);
  CHECK(status(ErrorCode::kMalformedResponse) == 502);
  CHECK(status(ErrorCode::kPluginRefused) == 500);
  CHECK(status(ErrorCode::kIo) == 500);
  CHECK(status(ErrorCode::kInternal) == 500);
  CHECK(status(ErrorCode::kUnauthenticated) == 401);
  CHECK(status(ErrorCode::kForbidden) == 403);

  const auto response =
      ServerResponse::error(Error::conflict("done already", {{"id", "op_1"}}), 418);
  CHECK(response.status == 418);
  const Json error = Json::parse(response.body)->at("error");
  CHECK(error.get_string("code") == "conflict");
  CHECK(error.get_string("message") == "done already");
  CHECK(error.at("details").get_string("id") == "op_1");
}

TEST_CASE("request headers are found whatever their case", "[sdk][http]") {
  ServerRequest request;
  request.headers = {{"x-request-id", "abc"}};
  CHECK(request.header("X-Request-ID") == "abc");
  CHECK_FALSE(request.header("x-other").has_value());
}

TEST_CASE("routes are checked when added", "[sdk][http]") {
  HostService server({});
  CHECK_THROWS_AS(server.route(HttpMethod::kGet, "no-slash", ok_handler), std::invalid_argument);
  CHECK_THROWS_AS(server.route(HttpMethod::kGet, "/a/{}", ok_handler), std::invalid_argument);
  server.route(HttpMethod::kGet, "/a", ok_handler);
  CHECK_THROWS_AS(server.route(HttpMethod::kGet, "/a", ok_handler), std::invalid_argument);
  start(server);
  CHECK_THROWS_AS(server.route(HttpMethod::kGet, "/b", ok_handler), std::logic_error);
}
