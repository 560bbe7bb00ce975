// ProviderCheck: the data.check job — asks a provider what a user checks first: is it reachable
// (its health: for tws the connection, server version and accounts), does it know a symbol (its
// contract) and from when it has bars (its head timestamp). `ktrdr ib check` runs it on tws.
// Stateless; each run is independent.
#pragma once

#include "ktrdr/sdk/param_schema.hpp"
#include "ktrdr/sdk/service_orchestrator.hpp"

namespace ktrdr::data {

struct DataConfig;

inline constexpr const char* kCheckKind = "data.check";

class ProviderCheck {
 public:
  // provider (default the configured one), symbol (default AAPL), timeframe (default 1h).
  static ParamSchema schema(const DataConfig& config);

  // The operation's body over a fresh provider made from `config`. Result: {"provider",
  // "health": the provider's health JSON, "symbol", "timeframe", "contract": ContractInfo JSON,
  // "head_timestamp": ISO 8601 UTC}. An unhealthy provider fails kUnavailable naming it and
  // its health's last error (the health kept as the partial result); the contract's and head
  // timestamp's errors fail it as the provider gave them, with what was found kept.
  static Json run(OperationContext& context, const DataConfig& config);
};

}  // namespace ktrdr::data
