// EndpointCache (private to the SDK): the TCP endpoints of one host, looked up once and kept
// until a connect to them fails (forget()), so new connections skip the name lookup. An IP
// address needs no lookup; a name goes to Asio's resolver on the adapter's I/O thread while the
// caller waits for it, cancellably and no longer than its connect deadline. Thread-safe.
#pragma once

#include <boost/asio/error.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ktrdr/sdk/cancellation_token.hpp"

namespace ktrdr::detail {

class EndpointCache {
 public:
  using Clock = std::chrono::steady_clock;
  using Endpoints = std::vector<boost::asio::ip::tcp::endpoint>;

  struct Lookup {
    boost::beast::error_code ec;  // timeout: beast::error::timeout (step "connect")
    std::string_view step;        // what failed: "resolve" or "connect"
    std::shared_ptr<const Endpoints> endpoints;
  };

  // `io` runs the resolver; it must outlive every lookup.
  EndpointCache(boost::asio::io_context& io, std::string host, std::uint16_t port)
      : io_(io), host_(std::move(host)), port_(port) {
    boost::beast::error_code ec;
    const auto address = boost::asio::ip::make_address(host_, ec);
    if (!ec) {
      literal_ = std::make_shared<const Endpoints>(
          Endpoints{boost::asio::ip::tcp::endpoint(address, port_)});
    }
  }
  EndpointCache(const EndpointCache&) = delete;
  EndpointCache& operator=(const EndpointCache&) = delete;

  // The cached endpoints, else a fresh lookup. A cancelled `token` is operation_aborted.
  Lookup lookup(const CancellationToken& token, Clock::time_point deadline) {
    if (literal_) return {{}, {}, literal_};
    {
      std::lock_guard lock(mutex_);
      if (cached_) return {{}, {}, cached_};
    }
    auto lookup = resolve(token, deadline);
    if (!lookup.ec) {
      std::lock_guard lock(mutex_);
      cached_ = lookup.endpoints;
    }
    return lookup;
  }

  // Drops the cached endpoints: the next lookup resolves again.
  void forget() {
    std::lock_guard lock(mutex_);
    cached_.reset();
  }

 private:
  // One resolve, shared with its completion handler, which may outlive a caller that gave up.
  struct Pending {
    explicit Pending(boost::asio::io_context& io) : resolver(io) {}
    boost::asio::ip::tcp::resolver resolver;
    std::mutex mutex;
    std::condition_variable changed;
    bool done = false;
    boost::beast::error_code ec;
    std::shared_ptr<const Endpoints> endpoints;
  };

  Lookup resolve(const CancellationToken& token, Clock::time_point deadline) {
    auto pending = std::make_shared<Pending>(io_);
    pending->resolver.async_resolve(
        host_, std::to_string(port_),
        [pending](boost::beast::error_code ec,
                  const boost::asio::ip::tcp::resolver::results_type& results) {
          auto endpoints = std::make_shared<Endpoints>();
          for (const auto& entry : results) endpoints->push_back(entry.endpoint());
          std::lock_guard lock(pending->mutex);
          pending->ec = ec;
          pending->endpoints = std::move(endpoints);
          pending->done = true;
          pending->changed.notify_all();
        });
    const auto wake = token.on_cancel([pending] {
      std::lock_guard lock(pending->mutex);
      pending->changed.notify_all();
    });
    std::unique_lock lock(pending->mutex);
    const bool settled = pending->changed.wait_until(
        lock, deadline, [&] { return pending->done || token.is_cancelled(); });
    if (token.is_cancelled()) return {boost::asio::error::operation_aborted, "resolve", {}};
    if (!settled) return {boost::beast::error::timeout, "connect", {}};
    if (pending->ec) return {pending->ec, "resolve", {}};
    return {{}, {}, pending->endpoints};
  }

  boost::asio::io_context& io_;
  const std::string host_;
  const std::uint16_t port_;
  std::shared_ptr<const Endpoints> literal_;  // the host is an IP address

  std::mutex mutex_;
  std::shared_ptr<const Endpoints> cached_;
};

}  // namespace ktrdr::detail
