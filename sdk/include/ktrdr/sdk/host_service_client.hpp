// HostServiceClient: the client of the operations API every host service (`ktrdr serve`)
// exposes under /api/v1 — start, get, list, cancel and watch operations — over a pooled
// AsyncServiceAdapter. Used by host-service routing and by `ktrdr ops`. Thread-safe.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/async_service_adapter.hpp"
#include "ktrdr/sdk/operation.hpp"
#include "ktrdr/sdk/operations_registry.hpp"

namespace ktrdr {

inline constexpr std::string_view kOperationsApiPrefix = "/api/v1";

class HostServiceClient {
 public:
  // Errors: invalid_argument for a bad URL.
  static Result<std::unique_ptr<HostServiceClient>> create(std::string_view base_url,
                                                           AdapterOptions options = {});
  explicit HostServiceClient(std::unique_ptr<AsyncServiceAdapter> adapter);

  // POST /operations {kind, params, name}: the new operation's record.
  Result<OperationRecord> start(std::string_view kind, const Json& params, std::string_view name,
                                const CancellationToken& token = {});
  Result<OperationRecord> get(std::string_view id, const CancellationToken& token = {});

  struct Page {
    std::vector<OperationRecord> operations;
    std::size_t total = 0;
  };
  Result<Page> list(const OperationFilter& filter, const CancellationToken& token = {});
  // DELETE /operations/{id}: the record after the request (conflict when already terminal).
  Result<OperationRecord> cancel(std::string_view id, const CancellationToken& token = {});
  // Streams the operation's record — as it is now, then after every change — until it is
  // terminal (that record is delivered too), `on_record` returns false, or `token` is cancelled.
  Result<void> watch(std::string_view id,
                     const std::function<bool(const OperationRecord&)>& on_record,
                     const CancellationToken& token = {});
  Result<Json> health(const CancellationToken& token = {});

  AsyncServiceAdapter& adapter() { return *adapter_; }

 private:
  std::unique_ptr<AsyncServiceAdapter> adapter_;
};

}  // namespace ktrdr
