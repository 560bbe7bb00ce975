// DeadlineScheduler (private to the SDK): the one process-wide timer thread behind
// CancellationSource::cancel_at. It sleeps on a condition variable until the earliest deadline,
// runs that deadline's action, and starts lazily with the first deadline. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

namespace ktrdr::detail {

class DeadlineScheduler {
 public:
  using Clock = std::chrono::steady_clock;
  using Ticket = std::uint64_t;  // never 0

  // The process-wide instance. Never destroyed, so sources that die during static destruction
  // can still forget their deadlines; its thread ends with the process.
  static DeadlineScheduler& instance();

  DeadlineScheduler(const DeadlineScheduler&) = delete;
  DeadlineScheduler& operator=(const DeadlineScheduler&) = delete;

  // Runs `action` on the timer thread once `deadline` has passed, unless cancel(ticket) comes
  // first. Actions must not throw and should be short: they delay every later deadline.
  Ticket schedule(Clock::time_point deadline, std::function<void()> action);
  // Forgets a deadline that has not fired yet. No effect on 0, on a deadline already fired or
  // on an action running now (it does not wait for it).
  void cancel(Ticket ticket);

 private:
  DeadlineScheduler() = default;
  void run();

  std::mutex mutex_;
  std::condition_variable changed_;
  // Ordered by time, then by ticket; the ticket index finds an entry to cancel.
  std::map<std::pair<Clock::time_point, Ticket>, std::function<void()>> deadlines_;
  std::map<Ticket, Clock::time_point> tickets_;
  Ticket next_ticket_ = 1;
  // When the timer thread wakes by itself (max: not before a notify); a cancelled deadline may
  // leave it earlier than the first one in the map, which only costs one early wake.
  Clock::time_point wake_at_ = Clock::time_point::min();
  std::thread thread_;  // started by the first schedule()
};

}  // namespace ktrdr::detail
