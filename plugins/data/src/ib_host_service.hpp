// IbHostService: the IB host service's routes (/data/historical, /data/validate,
// /data/head-timestamp, /data/pacing, /data/stats) and health check over one BarProvider. It
// checks every parameter before the provider sees it, answers IB's errors with fitting HTTP
// statuses, and refuses — without waiting — historical requests that would break the provider's
// declared pacing limits (IB 162, 429). Thread-safe; the routes stay valid after it is destroyed.
#pragma once

#include <memory>
#include <vector>

#include "bar_provider.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/plugin_api.hpp"
#include "pacing_clock.hpp"

namespace ktrdr::data {

class IbHostService {
 public:
  // `provider` and `clock` must not be null. The clock times the pacing limits (scaled in tests);
  // the limits are the provider's pacing_limits(), asked on first use (and again after a failure).
  explicit IbHostService(
      std::shared_ptr<BarProvider> provider,
      std::unique_ptr<PacingClock> clock = std::make_unique<SteadyPacingClock>());
  // Cancels the provider calls in flight (reason shutdown); later requests fail cancelled.
  ~IbHostService();
  IbHostService(const IbHostService&) = delete;
  IbHostService& operator=(const IbHostService&) = delete;

  // POST /data/historical, POST /data/validate, GET /data/head-timestamp, GET /data/pacing and
  // GET /data/stats, all requiring auth. Their handlers may block on the provider (not quick),
  // except /data/stats.
  std::vector<RouteSpec> routes() const;

  // {"ok": the provider's health "ok", "provider": name, "provider_health": {…},
  //  "pacing_violations": n}.
  Json health() const;

  // GET /data/stats's body: {"requests": historical requests received, "bars_served": n,
  // "pacing_violations": requests answered IB 162 pacing violation (refused here or reported by
  // the provider), "errors": {reason: n}} — the errors answered by every route, keyed by IB
  // reason ("no_data", …) or else ErrorCode name.
  Json stats() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace ktrdr::data
