// ConnectionPool: slots, idle connections and the reaper.
#include "connection_pool.hpp"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <utility>

namespace ktrdr::detail {

namespace net = boost::asio;

ConnectionPool::ConnectionPool(net::io_context& io, std::size_t max_per_host,
                               std::chrono::milliseconds idle_timeout)
    : io_(io),
      max_per_host_(std::max<std::size_t>(1, max_per_host)),
      idle_timeout_(idle_timeout),
      reaper_(io) {}

std::optional<ConnectionPool::Lease> ConnectionPool::acquire(const std::string& authority,
                                                             const CancellationToken& token) {
  // Declared before the lock, so it unregisters after unlocking: the callback takes the mutex.
  const auto wake = token.on_cancel([this] {
    std::lock_guard lock(mutex_);
    changed_.notify_all();
  });
  std::unique_lock lock(mutex_);
  Host& host = hosts_[authority];
  const auto ticket = next_ticket_++;
  host.waiting.insert(ticket);
  std::optional<Lease> lease;
  changed_.wait(lock, [&] {
    if (closed_ || token.is_cancelled()) return true;
    if (*host.waiting.begin() != ticket) return false;
    close_expired(host, Clock::now());
    if (!host.idle.empty()) {
      lease = Lease{std::move(host.idle.back().connection)};
      host.idle.pop_back();
      return true;
    }
    if (host.open < max_per_host_) {
      ++host.open;
      lease = Lease{};
      return true;
    }
    return false;
  });
  host.waiting.erase(ticket);
  changed_.notify_all();  // the next waiter may be first in line now
  return lease;
}

void ConnectionPool::release(const std::string& authority,
                             std::shared_ptr<HttpConnection> connection, bool reusable) {
  std::lock_guard lock(mutex_);
  Host& host = hosts_[authority];
  if (reusable && connection && !closed_) {
    host.idle.push_back({std::move(connection), Clock::now()});
    if (!reaper_armed_) {
      reaper_armed_ = true;
      schedule_reaper(Clock::now() + idle_timeout_);
    }
  } else {
    --host.open;
    HttpConnection::dispose(std::move(connection));
  }
  changed_.notify_all();
}

void ConnectionPool::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
    for (auto& [authority, host] : hosts_) {
      for (auto& idle : host.idle) HttpConnection::dispose(std::move(idle.connection));
      host.open -= host.idle.size();
      host.idle.clear();
    }
    changed_.notify_all();
  }
  net::post(io_, [this] { reaper_.cancel(); });
}

std::size_t ConnectionPool::open_connections() const {
  std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const auto& [authority, host] : hosts_) total += host.open;
  return total;
}

std::size_t ConnectionPool::idle_connections() const {
  std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (const auto& [authority, host] : hosts_) total += host.idle.size();
  return total;
}

void ConnectionPool::close_expired(Host& host, Clock::time_point now) {
  const auto expired = [&](const Idle& idle) { return now - idle.since >= idle_timeout_; };
  const auto first_kept = std::partition(host.idle.begin(), host.idle.end(), expired);
  for (auto it = host.idle.begin(); it != first_kept; ++it) {
    HttpConnection::dispose(std::move(it->connection));
    --host.open;
  }
  host.idle.erase(host.idle.begin(), first_kept);
}

void ConnectionPool::schedule_reaper(Clock::time_point when) {
  net::post(io_, [this, when] {
    reaper_.expires_at(when);
    reaper_.async_wait([this](boost::system::error_code ec) { on_reaper(ec); });
  });
}

void ConnectionPool::on_reaper(boost::system::error_code ec) {
  std::lock_guard lock(mutex_);
  if (ec || closed_) {
    reaper_armed_ = false;
    return;
  }
  const auto now = Clock::now();
  std::optional<Clock::time_point> next;
  for (auto& [authority, host] : hosts_) {
    close_expired(host, now);
    for (const auto& idle : host.idle) {
      const auto due = idle.since + idle_timeout_;
      if (!next || due < *next) next = due;
    }
  }
  changed_.notify_all();
  if (!next) {
    reaper_armed_ = false;
    return;
  }
  reaper_.expires_at(*next);
  reaper_.async_wait([this](boost::system::error_code wait_ec) { on_reaper(wait_ec); });
}

}  // namespace ktrdr::detail
