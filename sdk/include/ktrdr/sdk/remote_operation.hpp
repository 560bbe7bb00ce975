// Host-service routing of a whole operation: the body a ServiceOrchestrator runs instead of the
// local one when its route is a host service. Stateless; one call per operation.
#pragma once

#include <string_view>

#include "ktrdr/sdk/host_service_client.hpp"
#include "ktrdr/sdk/service_orchestrator.hpp"

namespace ktrdr {

// Starts `kind` with the context's params on the host service behind `client`, mirrors its
// progress (same context, rendered by the local renderer), warnings and result into `context`,
// and returns its result. Cancelling the context's token cancels the remote operation and ends
// with its partial result (CancelledError); a remote failure is rethrown as that Error; losing
// the service is an unavailable error naming it.
Json run_on_host_service(OperationContext& context, HostServiceClient& client,
                         std::string_view kind, std::string_view name);

}  // namespace ktrdr
