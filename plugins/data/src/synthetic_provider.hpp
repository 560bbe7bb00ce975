// SyntheticProvider ("synthetic"): deterministic IB-like bars (bar_provider.hpp) for any valid
// symbol on its instrument's trading calendar; a bar's values depend only on (seed, symbol,
// timeframe, open time), and millions are made per second. Immutable; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "bar_provider.hpp"

namespace ktrdr::data {

struct SyntheticOptions {
  // Different seeds give unrelated series.
  std::uint64_t seed = 42;
  // No bars open before this instant (the head timestamp is the first bar at or after it).
  std::chrono::sys_seconds head{std::chrono::sys_days{std::chrono::year{2000} / 1 / 3}};
  // The limits the provider declares (IB's, to make clients pace as they would against IB).
  PacingLimits pacing = PacingLimits::unlimited();
};

class SyntheticProvider final : public BarProvider {
 public:
  explicit SyntheticProvider(SyntheticOptions options = {});

  std::string name() const override { return "synthetic"; }
  Result<PacingLimits> pacing_limits(const CancellationToken& token) override;
  // Every valid symbol, every timeframe; the instrument is inferred from the symbol.
  Result<ContractInfo> contract(std::string_view symbol, const CancellationToken& token) override;
  // The first bar at or after the options' head.
  Result<std::chrono::sys_seconds> head_timestamp(std::string_view symbol, Timeframe timeframe,
                                                  const CancellationToken& token) override;
  // generate() over the request's range after the IB checks (bar_provider.hpp); a range wholly
  // before the head, or with no trading time, is IB 162.
  Result<BarSeries> historical(const HistoricalRequest& request,
                               const CancellationToken& token) override;
  // {"ok": true, "source": "synthetic", "seed"}.
  Json health() override;

  // The bars of [from, to) with no request-length limit and no head (for benchmarks and tests):
  // one per bar the symbol's calendar expects — intraday bars on the UTC clock grid within each
  // session (plus a partial bar at a session open off the grid, as IB sends), 1d bars at 00:00Z
  // on trading dates, 1w bars at 00:00Z on the first trading date of each Monday-to-Sunday week.
  // Errors: the symbol's (validate_symbol); kUnavailable when tzdata lacks America/New_York.
  Result<BarSeries> generate(std::string_view symbol, Timeframe timeframe,
                             std::chrono::sys_seconds from, std::chrono::sys_seconds to) const;

  const SyntheticOptions& options() const noexcept { return options_; }

 private:
  const SyntheticOptions options_;
};

}  // namespace ktrdr::data
