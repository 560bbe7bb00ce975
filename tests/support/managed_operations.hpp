// Running a domain's managed operations in a test: a request whose params passed the kind's
// schema (defaults filled in), and waiting for the operation's terminal record. Header-only;
// uses Catch's REQUIRE, so it fails the calling test.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "ktrdr/sdk/operations_registry.hpp"
#include "ktrdr/sdk/param_schema.hpp"
#include "ktrdr/sdk/service_orchestrator.hpp"

namespace ktrdr::test {

inline OperationRequest checked_request(const char* kind, Json params, const ParamSchema& schema,
                                        CancellationToken parent = {}) {
  const auto errors = schema.validate(params);
  INFO((errors.empty() ? std::string() : errors.front().message));
  REQUIRE(errors.empty());
  OperationRequest request;
  request.kind = kind;
  request.params = std::move(params);
  request.parent = std::move(parent);
  return request;
}

// The operation `id` (REQUIREd to have started) once it is terminal.
inline OperationRecord wait_finished(const OperationRegistry& registry, Result<std::string> id) {
  REQUIRE(id.ok());
  auto record = registry.wait_terminal(*id);
  REQUIRE(record);
  return *record;
}

}  // namespace ktrdr::test
