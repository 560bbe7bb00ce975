// ScriptedHttpServer: a loopback HTTP/1.1 server for the HTTP client tests (test-only; raw
// Boost.Asio/Beast, not the SDK's HostService). Binds 127.0.0.1 on a free port and serves on a
// thread of its own; a script picks the reply to each request: a response (after a delay, then
// keeping or closing the connection), no response, raw bytes, or NDJSON lines sent one by one.
// Counts connections and requests. stop() (also run by the destructor) ends everything at once,
// delays included. Thread-safe.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ktrdr::testing {

class ScriptedHttpServer {
 public:
  // A request as received.
  struct Request {
    std::string method;
    std::string target;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
    std::size_t connection = 0;                  // 1 for the first connection accepted, …
  };

  // What the server does with one request.
  struct Reply {
    enum class Kind {
      kRespond,  // an HTTP response
      kDrop,     // close the connection without responding
      kRaw,      // send `raw` as it is, then close
      kLines,    // a chunked NDJSON response, one chunk per line
    };
    Kind kind = Kind::kRespond;
    unsigned status = 200;
    std::string body;
    std::string content_type = "application/json";
    std::chrono::milliseconds delay{0};  // before replying
    // Close the connection after the response without announcing it (the response still says
    // keep-alive): the next request on it finds it closed.
    bool close_after = false;
    bool announce_close = false;  // "Connection: close", then close
    std::string raw;
    std::vector<std::string> lines;  // kLines: each sent with a trailing "\n"
    // kLines: after the first line, send each next line only once release_line() has been
    // called for it (or after 30 s, so a broken client cannot hang a test).
    bool gated = false;
    bool end_stream = true;  // kLines: false keeps the response open after the last line
  };

  using Script = std::function<Reply(const Request&)>;

  static Reply respond(unsigned status, std::string body = {});

  explicit ScriptedHttpServer(Script script);
  ~ScriptedHttpServer();
  ScriptedHttpServer(const ScriptedHttpServer&) = delete;
  ScriptedHttpServer& operator=(const ScriptedHttpServer&) = delete;

  // Closes the listener and every connection, cancels delays, joins the thread. Idempotent.
  void stop();

  std::uint16_t port() const { return port_; }
  std::string url() const;  // "http://127.0.0.1:<port>"

  std::size_t connections_accepted() const;
  std::size_t connections_closed() const;
  std::size_t max_open_connections() const;  // most connections open at once
  std::size_t requests() const;
  std::vector<Request> received() const;
  std::size_t lines_sent() const { return lines_sent_.load(); }

  // Block until the server has seen `count` requests / closed `count` connections; false on
  // timeout (a bound against hangs, far above what a loaded machine takes).
  bool wait_for_requests(std::size_t count,
                         std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;
  bool wait_for_closed(std::size_t count,
                       std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

  // Lets a gated kLines reply send its next line.
  void release_line();

 private:
  class Session;

  void do_accept();
  // Called by sessions, on the server thread.
  Reply on_request(Request request);
  void on_closed();

  Script script_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;

  // Server thread only.
  std::vector<std::weak_ptr<Session>> sessions_;
  std::size_t released_lines_ = 0;
  bool stopping_ = false;

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::size_t accepted_ = 0;
  std::size_t closed_ = 0;
  std::size_t max_open_ = 0;
  std::vector<Request> received_;
  std::atomic<std::size_t> lines_sent_{0};

  std::thread thread_;
  std::once_flag stopped_;
};

}  // namespace ktrdr::testing
