// ManualPacingClock: a PacingClock for tests whose virtual time moves only when someone waits:
// wait_until() jumps it to the deadline at once. Pacing rules then play out the same however
// slowly a test runs; on a ScaledPacingClock a busy machine can let a window pass before the
// requests that should fill it have been made, or delay a request between its grant and its
// arrival by more than the safety margin. SharedPacingClock hands one clock to several owners (an
// adapter and the provider that times its arrivals). Thread-safe.
#pragma once

#include <algorithm>
#include <chrono>
#include <memory>
#include <mutex>
#include <utility>

#include "pacing_clock.hpp"

namespace ktrdr::test {

class ManualPacingClock final : public data::PacingClock {
 public:
  time_point now() const override {
    std::lock_guard lock(mutex_);
    return now_;
  }

  bool wait_until(time_point deadline, const CancellationToken& token) const override {
    if (token.is_cancelled()) return true;
    std::lock_guard lock(mutex_);
    now_ = std::max(now_, deadline);
    return false;
  }

 private:
  mutable std::mutex mutex_;
  mutable time_point now_{std::chrono::hours(24)};
};

// Forwards to a clock owned elsewhere, for an owner that takes a std::unique_ptr<PacingClock>.
class SharedPacingClock final : public data::PacingClock {
 public:
  explicit SharedPacingClock(std::shared_ptr<const data::PacingClock> clock)
      : clock_(std::move(clock)) {}

  time_point now() const override { return clock_->now(); }
  bool wait_until(time_point deadline, const CancellationToken& token) const override {
    return clock_->wait_until(deadline, token);
  }

 private:
  std::shared_ptr<const data::PacingClock> clock_;
};

}  // namespace ktrdr::test
