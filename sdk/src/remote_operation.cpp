// run_on_host_service: a local operation that follows (and can cancel) one on a host service.
#include "ktrdr/sdk/remote_operation.hpp"

#include <chrono>
#include <optional>
#include <string>

namespace ktrdr {
namespace {

// How often a dropped event stream is reopened before the service counts as lost, and the
// wait before each reopening.
constexpr int kMaxReconnects = 3;
constexpr std::chrono::milliseconds kReconnectWait{250};
// How long a cancelled operation waits for the host service to report its final state.
constexpr std::chrono::seconds kCancelGrace{5};

}  // namespace

Json run_on_host_service(OperationContext& context, HostServiceClient& client,
                         std::string_view kind, std::string_view name) {
  const std::string service = client.adapter().options().service_name + " at " +
                              client.adapter().url().to_string();
  const CancellationToken& token = context.token();
  auto started = client.start(kind, context.params(), name, token);
  if (!started.ok()) {
    token.throw_if_cancelled("starting " + std::string(kind) + " on the " + service);
    throw ErrorException(std::move(started).error());
  }
  const std::string remote_id = started->id;
  context.set_routing_detail("remote_operation_id", remote_id);

  OperationRecord last = std::move(*started);
  std::size_t warnings_seen = 0;
  const auto mirror = [&](const OperationRecord& record) {
    context.reporter().mirror(record.progress);
    for (std::size_t i = warnings_seen; i < record.warnings.size(); ++i) {
      context.add_warning(record.warnings[i]);
    }
    warnings_seen = std::max(warnings_seen, record.warnings.size());
    last = record;
    return true;
  };

  for (int failures = 0; !is_terminal(last.state) && !token.is_cancelled();) {
    auto watched = client.watch(remote_id, mirror, token);
    if (is_terminal(last.state) || token.is_cancelled()) break;
    if (!watched.ok() && ++failures > kMaxReconnects) {
      throw ErrorException(Error::unavailable(
          "lost the " + service + " while it ran " + remote_id + ": " + watched.error().message,
          {{"remote_operation_id", remote_id}, {"url", client.adapter().url().to_string()}}));
    }
    token.wait_for(kReconnectWait);
  }

  if (!is_terminal(last.state)) {
    // Cancelled here: cancel there too, and keep what it had done when it stopped.
    CancellationSource grace;
    grace.cancel_after(kCancelGrace);
    (void)client.cancel(remote_id, grace.token());
    (void)client.watch(remote_id, mirror, grace.token());
    context.set_partial_result(last.result);
    token.throw_if_cancelled("the " + service + "'s operation " + remote_id);
  }
  switch (last.state) {
    case OperationState::kCompleted:
      return last.result;
    case OperationState::kCancelled:
      context.set_partial_result(last.result);
      throw CancelledError(last.cancel_reason == CancelReason::kNone ? CancelReason::kUser
                                                                     : last.cancel_reason,
                           "cancelled on the " + service, remote_id);
    default: {
      context.set_partial_result(last.result);
      Error error = last.error.value_or(
          Error::internal("the " + service + " reported " + remote_id + " failed without an error"));
      error.with("remote_operation_id", remote_id);
      throw ErrorException(std::move(error));
    }
  }
}

}  // namespace ktrdr
