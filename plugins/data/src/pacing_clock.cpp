#include "pacing_clock.hpp"

namespace ktrdr::data {

using std::chrono::nanoseconds;
using std::chrono::steady_clock;

PacingClock::time_point SteadyPacingClock::now() const { return steady_clock::now(); }

bool SteadyPacingClock::wait_until(time_point deadline, const CancellationToken& token) const {
  if (token.is_cancelled()) return true;
  while (now() < deadline) {
    if (token.wait_until(deadline)) return true;
  }
  return false;
}

ScaledPacingClock::ScaledPacingClock(std::uint32_t speedup)
    : origin_(steady_clock::now()), speedup_(speedup < 1 ? 1 : speedup) {}

PacingClock::time_point ScaledPacingClock::now() const {
  return origin_ + (steady_clock::now() - origin_) * speedup_;
}

bool ScaledPacingClock::wait_until(time_point deadline, const CancellationToken& token) const {
  if (token.is_cancelled()) return true;
  // Rounded up, so that now() >= deadline once the real deadline has passed.
  const nanoseconds virtual_left = deadline - origin_;
  const nanoseconds real_left{(virtual_left.count() + speedup_ - 1) / speedup_};
  const time_point real_deadline = origin_ + real_left;
  while (now() < deadline) {
    if (token.wait_until(real_deadline)) return true;
  }
  return false;
}

}  // namespace ktrdr::data
