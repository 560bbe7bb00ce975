// ServerState: request counting, the session registry and the stream threads.
#include "http_server_state.hpp"

#include <algorithm>

#include <utility>

#include "http_browser_guard.hpp"
#include "ktrdr/sdk/version.hpp"

namespace ktrdr::detail {

ServerState::ActiveRequest& ServerState::ActiveRequest::operator=(ActiveRequest&& other) noexcept {
  if (this != &other) {
    release();
    state_ = std::exchange(other.state_, nullptr);
  }
  return *this;
}

void ServerState::ActiveRequest::release() {
  if (auto* state = std::exchange(state_, nullptr)) state->end_request();
}

ServerState::ServerState(HostServiceOptions options)
    : options_(std::move(options)),
      server_name_(std::string("ktrdr/") + KTRDR_SDK_VERSION),
      loopback_only_(is_loopback_host(options_.host)),
      handlers_(std::make_unique<ThreadPoolExecutor>(
          std::max<std::size_t>(options_.handler_threads, 1))) {}

void ServerState::run_handler(std::function<void()> task) {
  {
    std::lock_guard lock(handlers_mutex_);
    if (handlers_) return handlers_->post(std::move(task));
  }
  task();  // the pool is gone (the server is stopping): answer on this thread
}

void ServerState::join_handlers() {
  std::unique_ptr<ThreadPoolExecutor> handlers;
  {
    std::lock_guard lock(handlers_mutex_);
    handlers = std::move(handlers_);
  }
  handlers.reset();  // runs what is queued, then joins
}

ServerState::ActiveRequest ServerState::begin_request() {
  std::lock_guard lock(active_mutex_);
  ++active_;
  return ActiveRequest(this);
}

void ServerState::end_request() {
  std::lock_guard lock(active_mutex_);
  if (--active_ == 0) idle_cv_.notify_all();
}

std::size_t ServerState::active_requests() const {
  std::lock_guard lock(active_mutex_);
  return active_;
}

bool ServerState::wait_idle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(active_mutex_);
  return idle_cv_.wait_until(lock, deadline, [this] { return active_ == 0; });
}

bool ServerState::add_session(const std::shared_ptr<HttpSession>& session) {
  std::lock_guard lock(sessions_mutex_);
  if (stopping()) return false;
  sessions_.emplace(session.get(), session);
  return true;
}

void ServerState::remove_session(const HttpSession* session) {
  std::lock_guard lock(sessions_mutex_);
  sessions_.erase(session);
}

std::vector<std::shared_ptr<HttpSession>> ServerState::sessions() const {
  std::vector<std::shared_ptr<HttpSession>> live;
  std::lock_guard lock(sessions_mutex_);
  live.reserve(sessions_.size());
  for (const auto& [key, weak] : sessions_) {
    if (auto session = weak.lock()) live.push_back(std::move(session));
  }
  return live;
}

bool ServerState::reserve_stream() {
  std::lock_guard lock(streams_mutex_);
  if (reserved_streams_ >= options_.max_streams) return false;
  ++reserved_streams_;
  return true;
}

void ServerState::release_stream() {
  std::lock_guard lock(streams_mutex_);
  --reserved_streams_;
}

bool ServerState::spawn_stream(std::function<void()> body) {
  std::lock_guard lock(streams_mutex_);
  if (streams_joined_) {
    --reserved_streams_;
    return false;
  }
  // A finished thread has already left the lock for the last time: joining it here is quick.
  for (const auto id : finished_streams_) {
    if (auto it = streams_.find(id); it != streams_.end()) {
      it->second.join();
      streams_.erase(it);
    }
  }
  finished_streams_.clear();
  const auto id = next_stream_++;
  streams_.emplace(id, std::thread([this, id, body = std::move(body)]() mutable {
                     body();
                     body = nullptr;  // what it holds goes before the thread counts as finished
                     std::lock_guard done(streams_mutex_);
                     finished_streams_.push_back(id);
                     --reserved_streams_;
                   }));
  return true;
}

void ServerState::join_streams() {
  std::map<std::uint64_t, std::thread> threads;
  {
    std::lock_guard lock(streams_mutex_);
    streams_joined_ = true;
    threads.swap(streams_);
    finished_streams_.clear();
  }
  for (auto& [id, thread] : threads) thread.join();
}

}  // namespace ktrdr::detail
