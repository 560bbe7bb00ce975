// DeadlineScheduler: one timer thread, waiting on a condition variable for the earliest deadline.
#include "deadline_scheduler.hpp"

namespace ktrdr::detail {

DeadlineScheduler& DeadlineScheduler::instance() {
  static DeadlineScheduler* const scheduler = new DeadlineScheduler();
  return *scheduler;
}

DeadlineScheduler::Ticket DeadlineScheduler::schedule(Clock::time_point deadline,
                                                      std::function<void()> action) {
  std::lock_guard lock(mutex_);
  if (!thread_.joinable()) thread_ = std::thread([this] { run(); });
  const Ticket ticket = next_ticket_++;
  deadlines_.emplace(std::make_pair(deadline, ticket), std::move(action));
  tickets_.emplace(ticket, deadline);
  // The timer thread only needs waking for a deadline earlier than the one it sleeps until.
  if (deadline < wake_at_) changed_.notify_one();
  return ticket;
}

void DeadlineScheduler::cancel(Ticket ticket) {
  if (ticket == 0) return;
  std::function<void()> forgotten;  // destroyed after unlocking: it may own anything
  std::lock_guard lock(mutex_);
  const auto it = tickets_.find(ticket);
  if (it == tickets_.end()) return;
  const auto entry = deadlines_.find(std::make_pair(it->second, ticket));
  forgotten = std::move(entry->second);
  deadlines_.erase(entry);
  tickets_.erase(it);
}

void DeadlineScheduler::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (deadlines_.empty()) {
      wake_at_ = Clock::time_point::max();
      changed_.wait(lock);
      continue;
    }
    const auto first = deadlines_.begin();
    // A copy: the entry may be cancelled, and freed, while this thread waits.
    const Clock::time_point earliest = first->first.first;
    if (Clock::now() < earliest) {
      wake_at_ = earliest;
      changed_.wait_until(lock, earliest);
      continue;
    }
    wake_at_ = Clock::time_point::min();  // running actions: it looks at the map again next
    std::function<void()> action = std::move(first->second);
    tickets_.erase(first->first.second);
    deadlines_.erase(first);
    lock.unlock();
    action();
    action = nullptr;
    lock.lock();
  }
}

}  // namespace ktrdr::detail
