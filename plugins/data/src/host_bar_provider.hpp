// HostBarProvider: the BarProvider "ib-host-service" — bars, contracts, head timestamps and
// pacing limits from the IB host service's routes over HTTP (AsyncServiceAdapter, pooled
// connections). IB errors keep their codes across the wire. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "bar_provider.hpp"
#include "ktrdr/sdk/async_service_adapter.hpp"

namespace ktrdr::data {

class HostBarProvider final : public BarProvider {
 public:
  // service_name "IB host service"; keep_alive true (pooled connections).
  static AdapterOptions default_options();

  // `base_url`: "http://127.0.0.1:5001". options.keep_alive = false connects once per request
  // (the pool benchmark's baseline). Errors: invalid_argument for a bad URL or options.
  static Result<std::unique_ptr<HostBarProvider>> create(
      std::string_view base_url, AdapterOptions options = default_options());

  std::string name() const override;  // "ib-host-service"

  // GET /data/pacing's limits, cached after the first success.
  Result<PacingLimits> pacing_limits(const CancellationToken& token) override;
  // POST /data/validate (no head timestamps asked).
  Result<ContractInfo> contract(std::string_view symbol, const CancellationToken& token) override;
  // GET /data/head-timestamp.
  Result<std::chrono::sys_seconds> head_timestamp(std::string_view symbol, Timeframe timeframe,
                                                  const CancellationToken& token) override;
  // GET /data/source-report: the report of the service's provider, or nullopt.
  Result<std::optional<SourceReport>> source_report(std::string_view symbol, Timeframe timeframe,
                                                    const CancellationToken& token) override;
  // POST /data/historical, sent once (the caller retries); a cancelled token aborts it in
  // flight. IB errors come back with their ErrorCode and "ib_code"/"ib_reason" context (plus
  // the call's "status", "url" …); a response of another symbol or timeframe is
  // kMalformedResponse.
  Result<BarSeries> historical(const HistoricalRequest& request,
                               const CancellationToken& token) override;
  // {"ok", "url", and "status" from the service's /health or "error"} (cached by the adapter).
  Json health() override;

  AdapterStats stats() const;

 private:
  explicit HostBarProvider(std::unique_ptr<AsyncServiceAdapter> adapter);
  // GET `route`?symbol=…&timeframe=…, IB errors restored.
  Result<Json> get_series(std::string_view route, std::string_view symbol, Timeframe timeframe,
                          const CancellationToken& token);

  const std::unique_ptr<AsyncServiceAdapter> adapter_;
  std::mutex pacing_mutex_;
  std::optional<PacingLimits> pacing_;  // GUARDED_BY(pacing_mutex_)
};

}  // namespace ktrdr::data
