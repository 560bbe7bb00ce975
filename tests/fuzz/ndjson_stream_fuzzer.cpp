// Fuzz target: the NDJSON stream reader — the client side of a streamed response (LineStream,
// the line splitting of AsyncServiceAdapter::stream_lines, and each line read as an operation
// record by HostServiceClient::watch). All of it is private to the SDK or needs a socket (the
// splitting is in an anonymous namespace; LineStream reads from a connection it opens itself),
// so the input is served as the raw bytes of an HTTP response, status line and headers
// included, by a loopback peer on a thread of its own, and read through the public
// HostServiceClient::watch. A bad stream must end in an Error: a crash, hang, leak or undefined
// behaviour is a bug.
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "ktrdr/sdk/host_service_client.hpp"

namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

// Answers each connection's request with the current response bytes, then closes it; one
// connection at a time. (The tests' ScriptedHttpServer would do, but it keeps every request it
// has seen, which a fuzzing run of millions of inputs cannot afford.) Thread-safe.
class RawResponder {
 public:
  RawResponder() : acceptor_(io_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
    thread_ = std::thread([this] { serve(); });
  }
  RawResponder(const RawResponder&) = delete;
  RawResponder& operator=(const RawResponder&) = delete;
  ~RawResponder() {
    stopping_ = true;
    ::shutdown(acceptor_.native_handle(), SHUT_RDWR);  // ends the blocked accept()
    thread_.join();
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }

  // What the next requests are answered with.
  void set_response(std::string_view bytes) {
    std::lock_guard lock(mutex_);
    response_.assign(bytes);
  }

 private:
  void serve() {
    while (!stopping_) {
      boost::system::error_code ec;
      tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec) continue;
      boost::beast::flat_buffer buffer;
      http::request<http::empty_body> request;
      http::read(socket, buffer, request, ec);
      if (ec) continue;
      std::string response;
      {
        std::lock_guard lock(mutex_);
        response = response_;
      }
      net::write(socket, net::buffer(response), ec);  // fails when the client stopped reading
      socket.shutdown(tcp::socket::shutdown_both, ec);
    }
  }

  net::io_context io_;
  tcp::acceptor acceptor_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::string response_;
  std::thread thread_;
};

std::unique_ptr<ktrdr::HostServiceClient> make_client(const std::string& url) {
  ktrdr::AdapterOptions options;
  options.service_name = "fuzz peer";
  options.connect_timeout = std::chrono::seconds(5);
  auto client = ktrdr::HostServiceClient::create(url, options);
  if (!client.ok()) {
    std::fprintf(stderr, "ndjson fuzzer: %s\n", client.error().message.c_str());
    std::abort();
  }
  return std::move(*client);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static RawResponder responder;
  static const auto client = make_client(responder.url());
  responder.set_response(std::string_view(reinterpret_cast<const char*>(data), size));
  (void)client->watch("op_fuzz", [](const ktrdr::OperationRecord&) { return true; });
  return 0;
}
