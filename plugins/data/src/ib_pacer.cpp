#include "ib_pacer.hpp"

#include <algorithm>
#include <utility>

namespace ktrdr::data {

using std::chrono::nanoseconds;

PacingLimits PacingLimits::interactive_brokers() { return PacingLimits{}; }

PacingLimits PacingLimits::unlimited() {
  return PacingLimits{.max_requests = 0,
                      .window = std::chrono::milliseconds(0),
                      .identical_interval = std::chrono::milliseconds(0),
                      .max_contract_requests = 0,
                      .contract_window = std::chrono::milliseconds(0)};
}

bool PacingLimits::is_unlimited() const noexcept {
  const bool no_window = max_requests == 0 || window.count() <= 0;
  const bool no_identical = identical_interval.count() <= 0;
  const bool no_contract = max_contract_requests == 0 || contract_window.count() <= 0;
  return no_window && no_identical && no_contract;
}

Result<PacingLimits> pacing_preset(std::string_view name) {
  if (name == "ib") return PacingLimits::interactive_brokers();
  if (name == "unlimited") return PacingLimits::unlimited();
  return Error::invalid_argument(
      "pacing must be ib or unlimited, got \"" + std::string(name) + "\"",
      {{"field", "pacing"}, {"value", std::string(name)}});
}

IbPacer::IbPacer(PacingLimits limits, std::unique_ptr<PacingClock> clock, GrantObserver on_grant)
    : limits_(limits), clock_(std::move(clock)), on_grant_(std::move(on_grant)) {}

namespace {

Error cancelled(const PacingKey& key, const CancellationToken& token) {
  return Error::cancelled("pacing wait for " + key.contract + " cancelled",
                          {{"contract", key.contract}, {"reason", token.reason_text()}});
}

}  // namespace

Result<nanoseconds> IbPacer::acquire(const PacingKey& key, const CancellationToken& token) {
  if (token.is_cancelled()) return cancelled(key, token);
  const time_point start = clock_->now();
  bool waited = false;
  for (;;) {
    time_point earliest;
    {
      std::lock_guard lock(mutex_);
      const time_point now = clock_->now();
      earliest = earliest_locked(key);
      if (earliest <= now) {
        grant_locked(key, now);
        const nanoseconds waited_for = waited ? nanoseconds(now - start) : nanoseconds(0);
        if (waited) {
          ++stats_.waits;
          stats_.total_waited += waited_for;
        }
        return waited_for;
      }
    }
    waited = true;
    // Grants made meanwhile only move the earliest time later, so waking at this deadline and
    // checking again misses nothing.
    if (clock_->wait_until(earliest, token)) return cancelled(key, token);
  }
}

std::optional<PacingClock::time_point> IbPacer::try_acquire(const PacingKey& key) {
  std::lock_guard lock(mutex_);
  const time_point now = clock_->now();
  const time_point earliest = earliest_locked(key);
  if (earliest > now) return earliest;
  grant_locked(key, now);
  return std::nullopt;
}

PacingClock::time_point IbPacer::earliest_locked(const PacingKey& key) const {
  time_point earliest = time_point::min();
  if (limits_.max_requests > 0 && recent_.size() >= limits_.max_requests) {
    earliest = std::max(earliest, recent_[recent_.size() - limits_.max_requests] + limits_.window);
  }
  if (limits_.identical_interval.count() > 0) {
    if (auto it = last_identical_.find(key); it != last_identical_.end()) {
      earliest = std::max(earliest, it->second + limits_.identical_interval);
    }
  }
  if (limits_.max_contract_requests > 0) {
    if (auto it = by_contract_.find(key.contract); it != by_contract_.end()) {
      const std::deque<time_point>& times = it->second;
      if (times.size() >= limits_.max_contract_requests) {
        earliest = std::max(earliest, times[times.size() - limits_.max_contract_requests] +
                                          limits_.contract_window);
      }
    }
  }
  return earliest;
}

void IbPacer::grant_locked(const PacingKey& key, time_point now) {
  ++stats_.requests;
  if (on_grant_) on_grant_(key, now);
  if (limits_.max_requests > 0 && limits_.window.count() > 0) {
    recent_.push_back(now);
    while (recent_.size() > limits_.max_requests) recent_.pop_front();
  }
  if (limits_.identical_interval.count() > 0) {
    std::erase_if(last_identical_, [&](const auto& entry) {
      return entry.second + limits_.identical_interval <= now;
    });
    last_identical_.insert_or_assign(key, now);
  }
  if (limits_.max_contract_requests > 0 && limits_.contract_window.count() > 0) {
    std::erase_if(by_contract_, [&](const auto& entry) {
      return entry.second.back() + limits_.contract_window <= now;
    });
    std::deque<time_point>& times = by_contract_[key.contract];
    times.push_back(now);
    while (times.size() > limits_.max_contract_requests) times.pop_front();
  }
}

PacingStats IbPacer::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace ktrdr::data
