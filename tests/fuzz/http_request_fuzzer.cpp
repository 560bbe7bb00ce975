// Fuzz target: HTTP requests as HostService reads them, without the sockets (a real HostService
// per input is too heavy). Byte 0 of the input says how many bytes arrive per read (byte 0 + 1:
// 1 to 256); the rest is what a client sends on one connection. Requests are read from it one
// after the other (pipelined ones too) the way HttpSession reads them: Beast's request parser
// under the server's limits, fed what has arrived, the header first and then the body eagerly,
// waiting for more bytes when it needs more and told of the end when the client closes. Each
// request's target then goes through the SDK's private target parser (sdk/src/http_target.hpp,
// compiled into this fuzzer), and a request built from it is asked for its JSON body
// (ServerRequest::json, Json::parse). Bad input must end in a parser error or an Error value: a
// crash, hang, leak, failed assertion or undefined behaviour is a bug.
#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/assert.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "http_target.hpp"
#include "ktrdr/sdk/host_service.hpp"

// Boost's assertions in this target (BOOST_ENABLE_ASSERT_HANDLER, set by tests/fuzz/CMakeLists.txt)
// abort as assert() would, with one exception: Beast 1.74's basic_parser::parse_chunk_header
// asserts `n >= 5` when a final chunk ("0\r\n") that arrived on its own is parsed again with one
// more byte, though the code after the assertion handles that input correctly (too strict an
// assertion, fixed upstream in boostorg/beast#2861). It would stop every run that splits a
// chunked body finely, so it is let through, as builds without assertions (NDEBUG) do.
namespace boost {

void assertion_failed(const char* expr, const char* function, const char* file, long line) {
  if (std::string_view(expr) == "n >= 5" &&
      std::string_view(file).ends_with("boost/beast/http/impl/basic_parser.ipp")) {
    return;
  }
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed.\n", file, line, function, expr);
  std::abort();
}

void assertion_failed_msg(const char* expr, const char* msg, const char* function,
                          const char* file, long line) {
  std::fprintf(stderr, "%s:%ld: %s: Assertion `%s' failed: %s\n", file, line, function, expr, msg);
  std::abort();
}

}  // namespace boost

namespace {

namespace http = boost::beast::http;
using Parser = http::request_parser<http::string_body>;

// HttpSession's header limit (its kHeaderLimit, private to sdk/src/http_session.cpp).
constexpr std::uint32_t kHeaderLimit = 16 * 1024;

// The client's bytes as the server sees them: what has arrived and is not yet parsed.
class Connection {
 public:
  Connection(std::string_view bytes, std::size_t per_read) : bytes_(bytes), per_read_(per_read) {}

  std::string_view pending() const { return bytes_.substr(consumed_, arrived_ - consumed_); }
  void consume(std::size_t n) { consumed_ += n; }
  // The next read: false when the client has closed the connection (no bytes are left).
  bool receive() {
    if (arrived_ == bytes_.size()) return false;
    arrived_ = std::min(arrived_ + per_read_, bytes_.size());
    return true;
  }

 private:
  std::string_view bytes_;
  std::size_t per_read_;
  std::size_t arrived_ = 0;
  std::size_t consumed_ = 0;
};

// Reads the next request into `parser`; false when the connection ends instead (the client
// closed, or sent something the server answers with a 4xx and a close).
bool read_request(Connection& connection, Parser& parser) {
  parser.header_limit(kHeaderLimit);
  parser.body_limit(ktrdr::HostServiceOptions{}.max_body_bytes);
  while (!parser.is_done()) {
    const auto pending = connection.pending();
    if (!pending.empty()) {
      parser.eager(parser.is_header_done());  // as async_read_header, then async_read
      boost::beast::error_code ec;
      const auto used = parser.put(boost::asio::buffer(pending.data(), pending.size()), ec);
      connection.consume(used);
      if (!ec && used > 0) continue;
      if (ec && ec != http::error::need_more) return false;
    }
    if (!connection.receive()) {
      if (!parser.got_some()) return false;  // closed between requests
      boost::beast::error_code ec;
      parser.put_eof(ec);
      return !ec && parser.is_done();
    }
  }
  return true;
}

// What the server does with a request once it is read, short of routing it to a handler.
void handle(http::request<http::string_body>& message) {
  const auto raw_target = message.target();
  auto target = ktrdr::detail::parse_target(std::string_view(raw_target.data(), raw_target.size()));
  if (!target.ok()) return;
  ktrdr::ServerRequest request;
  request.path = std::move(target->path);
  request.query = std::move(target->query);
  request.body = std::move(message.body());
  (void)request.json();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Connection connection(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1),
                        std::size_t{data[0]} + 1);
  while (true) {
    Parser parser;
    if (!read_request(connection, parser)) return 0;
    handle(parser.get());
  }
}
