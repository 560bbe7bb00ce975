// ServerState (private to the SDK): what a HostService shares with its connections — options,
// routes, the count of requests in flight, the open sessions (so stop() can reach them) and the
// threads that run streaming handlers. Sessions hold it by shared_ptr. Thread-safe.
#pragma once

#include <atomic>
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
#include <unordered_map>
#include <utility>
#include <vector>

#include "http_router.hpp"
#include "ktrdr/sdk/executor.hpp"
#include "ktrdr/sdk/host_service.hpp"

namespace ktrdr::detail {

class HttpSession;

class ServerState {
 public:
  // Counts one request from construction until destruction (or release()). Movable.
  class ActiveRequest {
   public:
    ActiveRequest() = default;
    explicit ActiveRequest(ServerState* state) : state_(state) {}
    ActiveRequest(ActiveRequest&& other) noexcept : state_(std::exchange(other.state_, nullptr)) {}
    ActiveRequest& operator=(ActiveRequest&& other) noexcept;
    ActiveRequest(const ActiveRequest&) = delete;
    ActiveRequest& operator=(const ActiveRequest&) = delete;
    ~ActiveRequest() { release(); }
    void release();

   private:
    ServerState* state_ = nullptr;
  };

  explicit ServerState(HostServiceOptions options);

  const HostServiceOptions& options() const { return options_; }
  // The server listens on a loopback address only (Host names are then checked).
  bool loopback_only() const { return loopback_only_; }
  // Mutable only before the server starts.
  HttpRouter& router() { return router_; }
  const HttpRouter& router() const { return router_; }
  // "ktrdr/<version>", the Server header.
  const std::string& server_name() const { return server_name_; }

  ActiveRequest begin_request();
  std::size_t active_requests() const;
  // Blocks until no request is in flight or `deadline` passes; true when none is.
  bool wait_idle(std::chrono::steady_clock::time_point deadline);

  // Set once stop() begins: no new connections, no more keep-alive.
  void begin_stop() { stopping_.store(true, std::memory_order_release); }
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }

  // Registers an accepted session; false (and nothing registered) once stopping.
  bool add_session(const std::shared_ptr<HttpSession>& session);
  void remove_session(const HttpSession* session);
  std::vector<std::shared_ptr<HttpSession>> sessions() const;

  // Runs `task` on the handler pool (tasks must not throw).
  void run_handler(std::function<void()> task);
  // Runs what is queued on the handler pool and joins it.
  void join_handlers();

  // Counts a stream about to open; false (nothing counted) when max_streams are open already.
  bool reserve_stream();
  // Uncounts a reserved stream that did not start.
  void release_stream();
  // Runs `body` for a reserved stream on a new thread, tracked until join_streams(); the
  // reservation ends with the thread. Threads that have finished are joined whenever another
  // starts. False (nothing started, reservation released) after join_streams().
  bool spawn_stream(std::function<void()> body);
  // Joins every stream thread and refuses new ones.
  void join_streams();

 private:
  void end_request();

  const HostServiceOptions options_;
  const std::string server_name_;
  const bool loopback_only_;
  HttpRouter router_;
  std::atomic<bool> stopping_{false};

  std::mutex handlers_mutex_;
  std::unique_ptr<ThreadPoolExecutor> handlers_;  // null once joined

  mutable std::mutex active_mutex_;
  std::condition_variable idle_cv_;
  std::size_t active_ = 0;

  mutable std::mutex sessions_mutex_;
  std::unordered_map<const HttpSession*, std::weak_ptr<HttpSession>> sessions_;

  std::mutex streams_mutex_;
  std::map<std::uint64_t, std::thread> streams_;
  std::vector<std::uint64_t> finished_streams_;
  std::uint64_t next_stream_ = 1;
  std::size_t reserved_streams_ = 0;
  bool streams_joined_ = false;
};

}  // namespace ktrdr::detail
