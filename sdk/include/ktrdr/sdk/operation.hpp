// Operation: the record of one running or finished unit of work — id, state, progress, result or
// error. A plain value (a snapshot); the OperationRegistry owns the live records.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/error.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/progress.hpp"
#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr {

enum class OperationState : std::uint8_t {
  kPending = 0,
  kRunning = 1,
  kCompleted = 2,
  kFailed = 3,
  kCancelled = 4,
};
std::string_view to_string(OperationState state) noexcept;
std::optional<OperationState> operation_state_from_string(std::string_view name) noexcept;
constexpr bool is_terminal(OperationState state) noexcept {
  return state == OperationState::kCompleted || state == OperationState::kFailed ||
         state == OperationState::kCancelled;
}

struct OperationRecord {
  std::string id;    // op_<kind>_<YYYYMMDD_HHMMSS>_<8 hex>
  std::string kind;  // "data.load"
  std::string name;  // the job's name in its job file, if any
  OperationState state = OperationState::kPending;
  bool cancel_requested = false;
  CancelReason cancel_reason = CancelReason::kNone;
  SystemTime created_at{};
  std::optional<SystemTime> started_at;
  std::optional<SystemTime> finished_at;
  ProgressState progress;
  Json params = Json::object();
  Json routing = Json::object();  // {"mode": "local"|"host_service", "url": …}
  Json result;                    // the result, or the partial result of a cancelled/failed run
  std::optional<Error> error;
  std::vector<std::string> warnings;
  std::uint64_t version = 0;  // increases with every change

  Json to_json() const;
  static Result<OperationRecord> from_json(const Json& json);
};

// A fresh id for `kind` created at `now`: "op_data_load_20261128_101500_1a2b3c4d".
std::string make_operation_id(std::string_view kind, SystemTime now);

}  // namespace ktrdr
