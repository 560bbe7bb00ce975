// ConnectionPool (private to the SDK): the kept-alive connections of one AsyncServiceAdapter, per
// host authority. A host has at most max_connections, in use plus idle; acquire() waits, in
// arrival order and cancellably, for one to free up. Idle connections older than idle_timeout
// are closed on acquire and by a reaper timer on the I/O thread. Thread-safe.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "http_connection.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"

namespace ktrdr::detail {

class ConnectionPool {
 public:
  using Clock = std::chrono::steady_clock;

  // A slot for one request: a kept-alive connection to reuse, or none (open a new one).
  struct Lease {
    std::shared_ptr<HttpConnection> connection;
  };

  // The reaper runs on `io`, which must outlive the pool's last handler (join its thread
  // after close()).
  ConnectionPool(boost::asio::io_context& io, std::size_t max_per_host,
                 std::chrono::milliseconds idle_timeout);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // Blocks until `authority` has a slot: the most recently used idle connection, else room for a
  // new one. std::nullopt when `token` is cancelled first or the pool is closed. Every lease
  // goes back through release().
  std::optional<Lease> acquire(const std::string& authority, const CancellationToken& token);

  // Ends a lease. `connection` (the one used, or null when none was opened) goes back idle when
  // `reusable`, else it is closed and the slot freed.
  void release(const std::string& authority, std::shared_ptr<HttpConnection> connection,
               bool reusable);

  // Closes every idle connection and stops the reaper; acquire() returns std::nullopt from now
  // on and released connections are closed. Any thread.
  void close();

  std::size_t open_connections() const;  // in use + idle, all hosts
  std::size_t idle_connections() const;

 private:
  struct Idle {
    std::shared_ptr<HttpConnection> connection;
    Clock::time_point since;
  };
  struct Host {
    std::size_t open = 0;             // in use + idle
    std::vector<Idle> idle;           // most recently used last
    std::set<std::uint64_t> waiting;  // tickets of acquire() calls in progress, oldest first
  };

  // Closes `host`'s idle connections that have been idle for idle_timeout by `now`.
  void close_expired(Host& host, Clock::time_point now);
  // Arms the reaper for `when` (on the I/O thread).
  void schedule_reaper(Clock::time_point when);
  void on_reaper(boost::system::error_code ec);

  boost::asio::io_context& io_;
  const std::size_t max_per_host_;
  const std::chrono::milliseconds idle_timeout_;

  mutable std::mutex mutex_;
  std::condition_variable changed_;  // a slot, idle connection or cancellation may be there
  std::map<std::string, Host> hosts_;
  std::uint64_t next_ticket_ = 1;
  bool reaper_armed_ = false;
  bool closed_ = false;
  boost::asio::steady_timer reaper_;  // touched on the I/O thread only
};

}  // namespace ktrdr::detail
