// IbDataAdapter: the data domain's one door to a bar provider, in-process or the IB host service.
// It paces historical requests client-side within the provider's declared limits, caches contract
// lookups and head timestamps, and counts what it sends. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "bar_provider.hpp"
#include "ib_pacer.hpp"
#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"
#include "pacing_clock.hpp"

namespace ktrdr::data {

struct IbDataAdapterOptions {
  // How much longer than declared the client keeps every pacing window and interval (0.05 =
  // 5 %). The provider measures its limits when requests arrive, and request latency varies: a
  // request granted on time but delayed on the way, followed by one that travels fast, arrives
  // closer to its predecessors than the client sent it. The margin absorbs that jitter. Counts
  // stay as declared, and rules that are off stay off. Negative values count as 0. Default 0.05.
  double pacing_safety_margin = 0.05;
};

// `limits` with every window and interval lengthened by `margin` (a fraction; negative counts as
// 0), to the nearest millisecond. Counts are kept; zero durations stay zero.
PacingLimits with_safety_margin(const PacingLimits& limits, double margin);

// What historical fetches cost. Adds up: fetch() adds each request to the counters it is given.
struct FetchCounters {
  std::uint64_t requests = 0;                 // historical requests sent to the provider
  std::uint64_t pacing_waits = 0;             // of them, those that waited for pacing first
  std::chrono::nanoseconds pacing_waited{0};  // summed over them, on the adapter's pacing clock

  FetchCounters& operator+=(const FetchCounters& other);
  bool operator==(const FetchCounters&) const = default;
};

struct IbDataAdapterStats : FetchCounters {
  std::string provider;  // the provider's name(): "csv-archive", "ib-host-service", …
  std::string mode;      // "local" or "host_service"

  // {"provider", "mode", "requests", "pacing_waits", "pacing_waited_seconds"}
  Json to_json() const;
};

class IbDataAdapter {
 public:
  // `provider` and `clock` must not be null; `mode` ("local" or "host_service") is reported as
  // given. The clock times pacing (a ScaledPacingClock makes tests fast); the adapter owns it.
  IbDataAdapter(std::shared_ptr<BarProvider> provider, std::string mode,
                std::unique_ptr<PacingClock> clock = std::make_unique<SteadyPacingClock>(),
                IbDataAdapterOptions options = {});
  IbDataAdapter(const IbDataAdapter&) = delete;
  IbDataAdapter& operator=(const IbDataAdapter&) = delete;

  // The limits the adapter paces by: the provider's, asked once on first use, widened by the
  // safety margin. A failure to learn them (e.g. the host service is down) is returned, with
  // the message prefixed, and asked again next time.
  Result<PacingLimits> pacing_limits(const CancellationToken& token);

  // The provider's contract for `symbol` (IB 200 when it has none). Successes are cached per
  // symbol (concurrent first calls may each ask the provider); failures are not.
  Result<ContractInfo> validate(std::string_view symbol, const CancellationToken& token);

  // The open time of the series' earliest bar. Successes are cached per symbol and timeframe;
  // failures are not.
  Result<std::chrono::sys_seconds> head_timestamp(std::string_view symbol, Timeframe timeframe,
                                                  const CancellationToken& token);

  // The provider's report on the series' source file (bar_provider.hpp), asked each time (the
  // provider keeps it).
  Result<std::optional<SourceReport>> source_report(std::string_view symbol, Timeframe timeframe,
                                                    const CancellationToken& token);

  // The provider's bars for `request`, after waiting (cancellably) until the request may go
  // within the pacing limits. Errors: the provider's, kCancelled when `token` is cancelled
  // during the pacing wait, and those of pacing_limits(). Each request sent to the provider is
  // counted in stats() and, when given, in `counters`.
  Result<BarSeries> fetch(const HistoricalRequest& request, const CancellationToken& token,
                          FetchCounters* counters = nullptr);

  IbDataAdapterStats stats() const;
  const std::string& mode() const noexcept { return mode_; }

 private:
  // The pacer, made on first use from the provider's limits.
  Result<IbPacer*> pacer(const CancellationToken& token);

  const std::shared_ptr<BarProvider> provider_;
  const std::string provider_name_;
  const std::string mode_;
  const IbDataAdapterOptions options_;

  std::mutex pacer_mutex_;              // held while the limits are learned
  std::unique_ptr<PacingClock> clock_;  // GUARDED_BY(pacer_mutex_); moved into the pacer
  std::unique_ptr<IbPacer> pacer_;      // GUARDED_BY(pacer_mutex_); set once

  mutable std::mutex mutex_;
  std::map<std::string, ContractInfo, std::less<>> contracts_;  // GUARDED_BY(mutex_)
  std::map<std::pair<std::string, Timeframe>, std::chrono::sys_seconds>
      head_timestamps_;   // GUARDED_BY(mutex_)
  FetchCounters totals_;  // GUARDED_BY(mutex_)
};

}  // namespace ktrdr::data
