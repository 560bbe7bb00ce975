// DataManager: the data domain's ServiceOrchestrator — starts data.load, data.validate and
// data.check as managed operations, picks the IbDataAdapter a load fetches through (in-process
// provider, or the IB host service per USE_IB_HOST_SERVICE / IB_HOST_SERVICE_URL or the job), and
// is the IB host service itself under `ktrdr serve --plugin data`. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "data_config.hpp"
#include "ib_data_adapter.hpp"
#include "ib_host_service.hpp"
#include "ktrdr/sdk/service_orchestrator.hpp"

namespace ktrdr::data {

inline constexpr const char* kLoadKind = "data.load";
inline constexpr const char* kValidateKind = "data.validate";
// Where `ktrdr serve --plugin data` listens unless IB_HOST_SERVICE_URL says otherwise.
inline constexpr const char* kDefaultIbHostServiceUrl = "http://127.0.0.1:5001";

class DataManager final : public ServiceOrchestrator {
 public:
  DataManager(HostServices services, DataConfig config, EnvLookup env = process_env());

  const DataConfig& config() const noexcept { return config_; }

  // Start a validated request; return the operation id (or a routing/provider error at once).
  Result<std::string> start_load(const OperationRequest& request);
  Result<std::string> start_validate(const OperationRequest& request);
  Result<std::string> start_check(const OperationRequest& request);

  // The adapter for `routing` (host service: its URL; local: the named provider). Made once
  // and kept, so contract caches and pacing history span the jobs of this process.
  Result<std::shared_ptr<IbDataAdapter>> adapter(const RoutingDecision& routing,
                                                 const std::string& provider);

  // The IB host service this process serves: the configured default provider, paced on the
  // configured clock.
  const IbHostService& host_service() const noexcept { return *host_service_; }

 private:
  DataConfig config_;
  EnvLookup env_;
  std::unique_ptr<IbHostService> host_service_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<IbDataAdapter>> adapters_;  // GUARDED_BY(mutex_)
};

}  // namespace ktrdr::data
