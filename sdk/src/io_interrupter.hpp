// IoInterrupter (private to the SDK): aborts the blocking socket I/O of one call from other
// threads. While a socket is attached, the call's token being cancelled or the armed deadline
// passing (on the process-wide DeadlineScheduler) runs ::shutdown(fd, SHUT_RDWR) on it: unlike
// close, that is safe while the caller is blocked in connect, send or recv on the descriptor, and
// makes that call return at once. why() says which came first. Once detached (or destroyed),
// nothing touches the descriptor any more, so the socket may be closed or pooled. Thread-safe.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <utility>

#include "deadline_scheduler.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"

namespace ktrdr::detail {

class IoInterrupter {
 public:
  using Clock = std::chrono::steady_clock;
  enum class Why : std::uint8_t { kNone, kCancelled, kTimedOut };

  // Watches `token` from now until destruction.
  explicit IoInterrupter(const CancellationToken& token)
      : state_(std::make_shared<State>()),
        cancel_hook_(token.on_cancel([state = state_] { interrupt(*state, Why::kCancelled); })) {}
  ~IoInterrupter() {
    disarm();
    cancel_hook_.reset();
    detach();
  }
  IoInterrupter(const IoInterrupter&) = delete;
  IoInterrupter& operator=(const IoInterrupter&) = delete;

  // Watches `fd`; shuts it down at once when an interruption already came.
  void attach(int fd) {
    std::lock_guard lock(state_->mutex);
    state_->fd = fd;
    if (state_->why.load() != Why::kNone) ::shutdown(fd, SHUT_RDWR);
  }
  // Lets go of the descriptor: after this returns, no interruption touches it.
  void detach() {
    std::lock_guard lock(state_->mutex);
    state_->fd = -1;
  }

  // Interrupts at `deadline` (kTimedOut); replaces an earlier deadline.
  void arm(Clock::time_point deadline) {
    disarm();
    ticket_ = DeadlineScheduler::instance().schedule(
        deadline, [state = state_] { interrupt(*state, Why::kTimedOut); });
  }
  void disarm() { DeadlineScheduler::instance().cancel(std::exchange(ticket_, 0)); }

  Why why() const { return state_->why.load(); }

 private:
  struct State {
    std::mutex mutex;  // orders interruptions against attach and detach
    int fd = -1;
    std::atomic<Why> why{Why::kNone};
  };

  // The first interruption wins.
  static void interrupt(State& state, Why why) {
    std::lock_guard lock(state.mutex);
    auto none = Why::kNone;
    if (!state.why.compare_exchange_strong(none, why)) return;
    if (state.fd >= 0) ::shutdown(state.fd, SHUT_RDWR);
  }

  std::shared_ptr<State> state_;
  DeadlineScheduler::Ticket ticket_ = 0;
  CancellationRegistration cancel_hook_;
};

}  // namespace ktrdr::detail
