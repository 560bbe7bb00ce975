// FakeBarProvider: a scripted BarProvider for the adapter and job tests — hourly bars for every
// symbol but "NOPE", failures on demand (the next requests, those after the next few, or those of
// one range), IB 162 before a listing time, requests that block until
// cancelled, declared limits — that records when each historical request arrives on its own
// ScaledPacingClock, and counts pacing violations as a strict server would. Thread-safe.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bar_provider.hpp"
#include "ib_error.hpp"
#include "pacing_clock.hpp"

namespace ktrdr::test {

using data::ContractInfo;
using data::HistoricalRequest;
using data::IbErrorKind;
using data::PacingClock;
using data::PacingLimits;

// Midnight UTC, `n` days after 2024-01-01.
inline std::chrono::sys_seconds day_at(int n) {
  using namespace std::chrono;
  return sys_seconds{sys_days{2024y / 1 / 1}} + days(n);
}

inline Error transient_error() { return Error::unavailable("fake provider: host unavailable"); }

class FakeBarProvider final : public data::BarProvider {
 public:
  struct Arrival {
    HistoricalRequest request;
    PacingClock::time_point at;  // on the provider's clock
  };

  // `limits` are declared by pacing_limits(); arrivals are timed on a clock `speedup` times
  // faster than real time (match the adapter's clock).
  explicit FakeBarProvider(PacingLimits limits = PacingLimits::unlimited(),
                           std::uint32_t speedup = 1000)
      : limits_(limits), clock_(std::make_shared<data::ScaledPacingClock>(speedup)) {}
  // Arrivals timed on `clock`, shared with the adapter under test (see SharedPacingClock).
  FakeBarProvider(PacingLimits limits, std::shared_ptr<const PacingClock> clock)
      : limits_(limits), clock_(std::move(clock)) {}

  // The next `n` historical requests fail with `error`.
  void fail_next(std::size_t n, Error error = transient_error()) {
    std::lock_guard lock(mutex_);
    fail_next_ = n;
    next_error_ = std::move(error);
  }
  // The next `n` historical requests run as scripted; every one after them fails with `error`
  // (a load whose late segments fail).
  void fail_after(std::size_t n, Error error) {
    std::lock_guard lock(mutex_);
    succeed_before_failing_ = n;
    late_error_ = std::move(error);
  }
  // Every historical request starting at `from` fails with `error`.
  void fail_from(std::chrono::sys_seconds from, Error error = transient_error()) {
    std::lock_guard lock(mutex_);
    failing_from_.insert_or_assign(from, std::move(error));
  }
  // The next `n` pacing_limits() calls fail transiently.
  void fail_limits_next(std::size_t n) {
    std::lock_guard lock(mutex_);
    fail_limits_next_ = n;
  }
  // No bars before `listed`; a range without bars answers IB 162.
  void list_at(std::chrono::sys_seconds listed) {
    std::lock_guard lock(mutex_);
    listed_ = listed;
  }
  // Historical requests also return the bars `pad` before and after the range.
  void pad_ranges(std::chrono::hours pad) {
    std::lock_guard lock(mutex_);
    pad_ = pad;
  }
  // Historical requests wait until their token is cancelled, then answer kCancelled.
  void block_until_cancelled() {
    std::lock_guard lock(mutex_);
    block_ = true;
  }

  std::string name() const override { return "fake"; }

  Result<PacingLimits> pacing_limits(const CancellationToken&) override {
    std::lock_guard lock(mutex_);
    ++limits_calls_;
    if (fail_limits_next_ > 0) {
      --fail_limits_next_;
      return transient_error();
    }
    return limits_;
  }

  Result<ContractInfo> contract(std::string_view symbol, const CancellationToken&) override {
    std::lock_guard lock(mutex_);
    ++contract_calls_;
    if (symbol == "NOPE") return unknown(symbol);
    return ContractInfo{std::string(symbol),
                        data::Instrument::kStock,
                        "fake " + std::string(symbol),
                        {Timeframe::k1h}};
  }

  Result<std::chrono::sys_seconds> head_timestamp(std::string_view symbol, Timeframe,
                                                  const CancellationToken&) override {
    std::lock_guard lock(mutex_);
    ++head_calls_;
    if (symbol == "NOPE") return unknown(symbol);
    return listed_;
  }

  Result<BarSeries> historical(const HistoricalRequest& request,
                               const CancellationToken& token) override {
    std::unique_lock lock(mutex_);
    arrivals_.push_back({request, clock_->now()});
    if (block_) {
      lock.unlock();
      while (!token.wait_for(std::chrono::hours(1))) {
      }
      return Error::cancelled("fake provider: request cancelled");
    }
    if (fail_next_ > 0) {
      --fail_next_;
      return next_error_;
    }
    if (late_error_) {
      if (succeed_before_failing_ == 0) return *late_error_;
      --succeed_before_failing_;
    }
    if (auto it = failing_from_.find(request.from); it != failing_from_.end()) return it->second;
    if (request.symbol == "NOPE") return unknown(request.symbol);
    if (request.from >= request.to) {
      return data::make_ib_error(IbErrorKind::kInvalidRequest, "empty range");
    }
    BarSeries bars(request.symbol, request.timeframe);
    const std::chrono::seconds step = duration(request.timeframe);
    for (auto t = std::max(request.from - pad_, listed_); t < request.to + pad_; t += step) {
      const double price = 100.0 + static_cast<double>(t.time_since_epoch().count() % 1000);
      bars.append(Bar{t, price, price + 1.0, price - 1.0, price + 0.5, 1000.0});
    }
    if (bars.empty()) return data::make_ib_error(IbErrorKind::kNoData, request.symbol);
    return bars;
  }

  Json health() override {
    Json json = Json::object();
    json.set("ok", true);
    return json;
  }

  std::vector<Arrival> arrivals() const {
    std::lock_guard lock(mutex_);
    return arrivals_;
  }
  std::size_t historical_calls() const { return arrivals().size(); }
  std::size_t contract_calls() const {
    std::lock_guard lock(mutex_);
    return contract_calls_;
  }
  std::size_t head_calls() const {
    std::lock_guard lock(mutex_);
    return head_calls_;
  }
  std::size_t limits_calls() const {
    std::lock_guard lock(mutex_);
    return limits_calls_;
  }

  // The arrivals a strict server with `limits` would answer with a pacing violation.
  std::size_t violations(const PacingLimits& limits) const {
    const std::vector<Arrival> all = arrivals();
    std::size_t count = 0;
    std::map<data::PacingKey, PacingClock::time_point> last_identical;
    std::map<std::string, std::vector<PacingClock::time_point>> by_contract;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const auto& [request, at] = all[i];
      const std::size_t max = limits.max_requests;
      if (max > 0 && i >= max && at - all[i - max].at < limits.window) ++count;
      const data::PacingKey key{request.symbol, request.timeframe, request.from, request.to};
      if (auto it = last_identical.find(key);
          it != last_identical.end() && at - it->second < limits.identical_interval) {
        ++count;
      }
      last_identical[key] = at;
      auto& times = by_contract[request.symbol];
      const std::size_t per_contract = limits.max_contract_requests;
      if (per_contract > 0 && times.size() >= per_contract &&
          at - times[times.size() - per_contract] < limits.contract_window) {
        ++count;
      }
      times.push_back(at);
    }
    return count;
  }

 private:
  static Error unknown(std::string_view symbol) {
    return data::make_ib_error(IbErrorKind::kNoSecurityDefinition, symbol);
  }

  const PacingLimits limits_;
  const std::shared_ptr<const PacingClock> clock_;

  mutable std::mutex mutex_;
  std::size_t fail_next_ = 0;
  Error next_error_;
  std::size_t succeed_before_failing_ = 0;
  std::optional<Error> late_error_;
  std::map<std::chrono::sys_seconds, Error> failing_from_;
  std::size_t fail_limits_next_ = 0;
  std::chrono::sys_seconds listed_ = day_at(-3650);
  std::chrono::hours pad_{0};
  bool block_ = false;
  std::vector<Arrival> arrivals_;
  std::size_t contract_calls_ = 0;
  std::size_t head_calls_ = 0;
  std::size_t limits_calls_ = 0;
};

}  // namespace ktrdr::test
