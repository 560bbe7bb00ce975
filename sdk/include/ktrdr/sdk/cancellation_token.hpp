// CancellationToken / CancellationSource: cooperative cancellation that reaches worker threads
// and sockets. Tokens are cheap to copy; copies share state; everything here is thread-safe.
// First cancel wins, and a cancelled token never un-cancels.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "ktrdr/sdk/error.hpp"

namespace ktrdr {

enum class CancelReason : std::uint8_t {
  kNone = 0,
  kUser = 1,      // a person asked (Ctrl-C, `ops cancel`, DELETE /operations/{id})
  kTimeout = 2,   // a deadline passed
  kShutdown = 3,  // the process is stopping (SIGTERM, server shutdown)
  kParent = 4,    // the parent token was cancelled
};
std::string_view to_string(CancelReason reason) noexcept;
CancelReason cancel_reason_from_string(std::string_view name) noexcept;  // kNone when unknown

namespace detail {
struct CancellationState;
}

// Thrown by throw_if_cancelled(); error().code == ErrorCode::kCancelled, context has
// "reason" and "where".
class CancelledError : public ErrorException {
 public:
  CancelledError(CancelReason reason, std::string_view text, std::string_view where);
  CancelReason reason() const noexcept { return reason_; }

 private:
  CancelReason reason_;
};

// Keeps a callback registered on a token; unregisters on destruction. If the callback is running
// on another thread at that moment, the destructor waits for it to return (so state the callback
// touches may be destroyed right after). Movable, not copyable.
class CancellationRegistration {
 public:
  CancellationRegistration() = default;
  CancellationRegistration(CancellationRegistration&& other) noexcept;
  CancellationRegistration& operator=(CancellationRegistration&& other) noexcept;
  CancellationRegistration(const CancellationRegistration&) = delete;
  CancellationRegistration& operator=(const CancellationRegistration&) = delete;
  ~CancellationRegistration();

  // Unregisters now (same guarantees as the destructor).
  void reset();

 private:
  friend class CancellationToken;
  CancellationRegistration(std::shared_ptr<detail::CancellationState> state, std::uint64_t id);
  std::shared_ptr<detail::CancellationState> state_;
  std::uint64_t id_ = 0;
};

class CancellationToken {
 public:
  // A token that is never cancelled.
  CancellationToken();

  bool is_cancelled() const noexcept;
  CancelReason reason() const;
  std::string reason_text() const;

  // Throws CancelledError naming `where` when cancelled; otherwise does nothing.
  void throw_if_cancelled(std::string_view where) const;

  // Runs `callback` exactly once when the token is cancelled — immediately, on this thread, if it
  // already is — otherwise on the thread that cancels. Callbacks must not throw and should be
  // short (close a socket, notify a condition variable).
  [[nodiscard]] CancellationRegistration on_cancel(std::function<void()> callback) const;

  // Blocks until cancelled or the time passes, without polling. Returns true when cancelled.
  bool wait_for(std::chrono::nanoseconds duration) const;
  bool wait_until(std::chrono::steady_clock::time_point deadline) const;

 private:
  friend class CancellationSource;
  explicit CancellationToken(std::shared_ptr<detail::CancellationState> state);
  std::shared_ptr<detail::CancellationState> state_;
};

class CancellationSource {
 public:
  CancellationSource();
  // A source whose token is also cancelled (reason kParent, parent's text) when `parent` is.
  static CancellationSource linked_to(const CancellationToken& parent);

  CancellationToken token() const;

  // Cancels; returns true when this call did it, false when the token was already cancelled.
  bool cancel(CancelReason reason = CancelReason::kUser, std::string text = {}) const;
  // Cancels with reason kTimeout when `deadline` passes (one timer thread serves every source).
  // A later call replaces an earlier deadline.
  void cancel_at(std::chrono::steady_clock::time_point deadline) const;
  void cancel_after(std::chrono::nanoseconds duration) const;

  bool is_cancelled() const noexcept;

 private:
  std::shared_ptr<detail::CancellationState> state_;
};

}  // namespace ktrdr
