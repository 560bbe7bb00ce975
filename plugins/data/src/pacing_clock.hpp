// PacingClock: the time source of request pacing — now() and a cancellable wait_until() — either
// real (steady_clock) or scaled (time runs N× faster, so tests cover minutes of pacing in
// milliseconds). Implementations here are immutable after construction; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>

#include "ktrdr/sdk/cancellation_token.hpp"

namespace ktrdr::data {

class PacingClock {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  PacingClock() = default;
  PacingClock(const PacingClock&) = delete;
  PacingClock& operator=(const PacingClock&) = delete;
  virtual ~PacingClock() = default;

  // The current time on this clock (virtual for a scaled clock). Never decreases.
  virtual time_point now() const = 0;
  // Blocks, without polling, until now() >= deadline or `token` is cancelled; returns true when
  // cancelled (at once if it already is). A deadline in the past returns false at once.
  virtual bool wait_until(time_point deadline, const CancellationToken& token) const = 0;
};

// Real time: steady_clock, waits through CancellationToken::wait_until.
class SteadyPacingClock final : public PacingClock {
 public:
  time_point now() const override;
  bool wait_until(time_point deadline, const CancellationToken& token) const override;
};

// Virtual time that runs `speedup` times faster than steady_clock from the moment of
// construction (at 1000×, ten virtual minutes pass in 0.6 real seconds). Its time points start
// at the real time of construction. Waits are real waits of 1/speedup the virtual length,
// through CancellationToken::wait_until.
class ScaledPacingClock final : public PacingClock {
 public:
  // Precondition: speedup >= 1.
  explicit ScaledPacingClock(std::uint32_t speedup);

  std::uint32_t speedup() const noexcept { return speedup_; }
  time_point now() const override;
  bool wait_until(time_point deadline, const CancellationToken& token) const override;

 private:
  time_point origin_;
  std::uint32_t speedup_;
};

}  // namespace ktrdr::data
