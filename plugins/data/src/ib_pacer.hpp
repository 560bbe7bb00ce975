// IbPacer: client-side pacing of historical-data requests so that a provider with IB's limits
// never reports a pacing violation — at most 60 requests in any rolling 10 minutes, no identical
// request within 15 s, fewer than 6 requests for one contract within 2 s. Limits come from the
// provider (PacingLimits presets); the clock is injectable and scalable. IbPacer is thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"
#include "pacing_clock.hpp"

namespace ktrdr::data {

// The request limits a provider declares. A zero count or zero duration turns that rule off.
struct PacingLimits {
  // At most `max_requests` requests in any rolling `window`. IB: 60 in 10 minutes.
  std::size_t max_requests = 60;
  std::chrono::milliseconds window = std::chrono::minutes(10);
  // Identical requests (same contract, timeframe and range) at least this far apart. IB: 15 s.
  std::chrono::milliseconds identical_interval = std::chrono::seconds(15);
  // At most `max_contract_requests` requests for one contract in any rolling `contract_window`.
  // IB: fewer than 6 (so 5) in 2 s.
  std::size_t max_contract_requests = 5;
  std::chrono::milliseconds contract_window = std::chrono::seconds(2);

  // IB's historical-data limits (the defaults above), preset "ib".
  static PacingLimits interactive_brokers();
  // No limits at all, preset "unlimited": for providers that do not talk to IB.
  static PacingLimits unlimited();
  // True when every rule is off.
  bool is_unlimited() const noexcept;

  bool operator==(const PacingLimits&) const = default;
};

// The preset named "ib" or "unlimited"; an ErrorCode::kInvalidArgument error naming the value,
// context {"field": "pacing", "value": name}, otherwise.
Result<PacingLimits> pacing_preset(std::string_view name);

// What identifies a request for pacing. `contract` is the contract as the provider distinguishes
// it (symbol, plus exchange or data type where those differ); two keys are identical requests
// when every field is equal.
struct PacingKey {
  std::string contract;
  Timeframe timeframe = Timeframe::k1h;
  std::chrono::sys_seconds from{};
  std::chrono::sys_seconds to{};

  auto operator<=>(const PacingKey&) const = default;
  bool operator==(const PacingKey&) const = default;
};

struct PacingStats {
  std::uint64_t requests = 0;                // acquires and try_acquires granted
  std::uint64_t waits = 0;                   // granted acquires that had to wait
  std::chrono::nanoseconds total_waited{0};  // summed over them, on the pacer's clock
};

class IbPacer {
 public:
  // Called with each granted request and the time it was granted (on the pacer's clock), in
  // grant order, under the pacer's lock: for request logs and checkers. It must be quick, must
  // not throw and must not call back into the pacer.
  using GrantObserver = std::function<void(const PacingKey&, PacingClock::time_point)>;

  // `clock` must not be null; the pacer owns it.
  explicit IbPacer(PacingLimits limits,
                   std::unique_ptr<PacingClock> clock = std::make_unique<SteadyPacingClock>(),
                   GrantObserver on_grant = {});
  IbPacer(const IbPacer&) = delete;
  IbPacer& operator=(const IbPacer&) = delete;

  // Blocks until a request for `key` may go without breaking a limit, then records it as sent
  // now and returns how long it waited (zero when it did not; measured on the pacer's clock).
  // The wait is cancellable: a cancelled token — before or during the wait — returns an
  // ErrorCode::kCancelled error and records nothing. Concurrent callers are granted one at a
  // time, each against every request granted before it.
  Result<std::chrono::nanoseconds> acquire(const PacingKey& key, const CancellationToken& token);

  // Never waits: when a request for `key` may go now, records it as sent now and returns
  // nullopt; otherwise records nothing and returns the earliest time it would be allowed (on
  // the pacer's clock). For a server that refuses requests breaking the limits.
  std::optional<PacingClock::time_point> try_acquire(const PacingKey& key);

  PacingStats stats() const;
  const PacingLimits& limits() const noexcept { return limits_; }
  const PacingClock& clock() const noexcept { return *clock_; }

 private:
  using time_point = PacingClock::time_point;

  // The earliest time a request for `key` may go, given what was granted so far.
  time_point earliest_locked(const PacingKey& key) const;
  // Records a request for `key` as granted at `now` and counts it.
  void grant_locked(const PacingKey& key, time_point now);

  const PacingLimits limits_;
  const std::unique_ptr<PacingClock> clock_;
  const GrantObserver on_grant_;

  mutable std::mutex mutex_;
  std::deque<time_point> recent_;                                           // GUARDED_BY(mutex_)
  std::map<std::string, std::deque<time_point>, std::less<>> by_contract_;  // GUARDED_BY(mutex_)
  std::map<PacingKey, time_point> last_identical_;                          // GUARDED_BY(mutex_)
  PacingStats stats_;                                                       // GUARDED_BY(mutex_)
};

}  // namespace ktrdr::data
