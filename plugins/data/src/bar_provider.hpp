// BarProvider: where historical bars come from — a vendor archive, a synthetic generator, or the
// IB host service over HTTP. Each answers like IB: a contract lookup, a head timestamp per bar
// size, historical bars for a range no longer than IB's maximum per request, and the request
// limits it declares. Errors carry IB's codes (ib_error.hpp). Implementations are thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ib_pacer.hpp"
#include "instrument.hpp"
#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"
#include "source_report.hpp"

namespace ktrdr::data {

// What a provider knows of a symbol (IB's contract details, reduced).
struct ContractInfo {
  std::string symbol;
  Instrument instrument = Instrument::kStock;
  std::string description;              // "Apple Inc. (csv-archive AAPL_1h.csv)" or similar
  std::vector<Timeframe> timeframes;    // bar sizes it serves for the symbol, shortest first

  // {"symbol", "instrument", "description", "timeframes": ["1h", …]}
  Json to_json() const;
  // Inverse of to_json; kMalformedResponse naming the bad field.
  static Result<ContractInfo> from_json(const Json& json);
};

// One historical-data request: bars with from <= open time < to.
struct HistoricalRequest {
  std::string symbol;
  Timeframe timeframe = Timeframe::k1h;
  std::chrono::sys_seconds from{};
  std::chrono::sys_seconds to{};
};

class BarProvider {
 public:
  BarProvider() = default;
  BarProvider(const BarProvider&) = delete;
  BarProvider& operator=(const BarProvider&) = delete;
  virtual ~BarProvider() = default;

  // "csv-archive", "synthetic", "ib-host-service".
  virtual std::string name() const = 0;

  // The request limits this provider declares (PacingLimits::unlimited() when it has none).
  virtual Result<PacingLimits> pacing_limits(const CancellationToken& token) = 0;

  // The contract of `symbol`; IB 200 (no security definition) when the provider has no such
  // symbol.
  virtual Result<ContractInfo> contract(std::string_view symbol,
                                        const CancellationToken& token) = 0;

  // The open time of the earliest bar available for the series; IB 200 for an unknown symbol,
  // IB 162 when the provider lacks that bar size for the symbol.
  virtual Result<std::chrono::sys_seconds> head_timestamp(std::string_view symbol,
                                                          Timeframe timeframe,
                                                          const CancellationToken& token) = 0;

  // The bars of the range, ascending, one per timestamp. Errors: IB 321 when from >= to or the
  // range is longer than ib_max_request_duration(timeframe); IB 200 for an unknown symbol; IB 162
  // when the range holds no bars ("HMDS query returned no data"); kCancelled when `token` is
  // cancelled (also in flight); a host-service provider adds the transport's errors.
  virtual Result<BarSeries> historical(const HistoricalRequest& request,
                                       const CancellationToken& token) = 0;

  // What the provider's source file of the series showed beyond its bars: duplicate timestamps,
  // naive timestamps (source_report.hpp). Nullopt for a provider without source files, which
  // the default is. Errors as head_timestamp.
  virtual Result<std::optional<SourceReport>> source_report(std::string_view symbol,
                                                            Timeframe timeframe,
                                                            const CancellationToken& token);

  // {"ok": bool, …details} for /health: is the provider's source reachable?
  virtual Json health() = 0;
};

}  // namespace ktrdr::data
