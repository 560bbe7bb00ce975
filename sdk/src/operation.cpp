// OperationRecord: state names, the JSON form and operation ids.
#include "ktrdr/sdk/operation.hpp"

#include <date/date.h>

#include <array>
#include <cstdio>
#include <random>

namespace ktrdr {
namespace {

struct StateName {
  OperationState state;
  std::string_view name;
};

constexpr std::array<StateName, 5> kStateNames{{
    {OperationState::kPending, "pending"},
    {OperationState::kRunning, "running"},
    {OperationState::kCompleted, "completed"},
    {OperationState::kFailed, "failed"},
    {OperationState::kCancelled, "cancelled"},
}};

Json optional_time(const std::optional<SystemTime>& time) {
  return time ? Json::string(to_iso8601(*time, /*millis=*/true)) : Json();
}

// The time under `key`: absent or null leaves `out` alone; anything else must parse.
Result<void> read_time(const Json& json, std::string_view key, std::optional<SystemTime>& out) {
  const Json value = json.at(key);
  if (value.is_null()) return {};
  auto parsed = parse_iso8601(value.as_string());
  if (!parsed) return Error(parsed.error()).with("field", std::string(key));
  out = *parsed;
  return {};
}

}  // namespace

std::string_view to_string(OperationState state) noexcept {
  for (const auto& entry : kStateNames) {
    if (entry.state == state) return entry.name;
  }
  return "pending";
}

std::optional<OperationState> operation_state_from_string(std::string_view name) noexcept {
  for (const auto& entry : kStateNames) {
    if (entry.name == name) return entry.state;
  }
  return std::nullopt;
}

Json OperationRecord::to_json() const {
  Json warnings_json = Json::string_array(warnings);
  Json json = Json::object();
  json.set("id", id);
  json.set("kind", kind);
  json.set("name", name);
  json.set("state", to_string(state));
  json.set("cancel_requested", cancel_requested);
  json.set("cancel_reason", to_string(cancel_reason));
  json.set("created_at", to_iso8601(created_at, /*millis=*/true));
  json.set("started_at", optional_time(started_at));
  json.set("finished_at", optional_time(finished_at));
  json.set("progress", progress.to_json());
  json.set("params", params);
  json.set("routing", routing);
  json.set("result", result);
  json.set("error", error ? error->to_json() : Json());
  json.set("warnings", warnings_json);
  json.set("version", version);
  return json;
}

Result<OperationRecord> OperationRecord::from_json(const Json& json) {
  if (!json.is_object()) return Error::parse("an operation record must be a JSON object");
  OperationRecord record;
  auto id = json.get_string("id");
  if (!id || id->empty()) {
    return Error::parse("an operation record needs an \"id\"", {{"field", "id"}});
  }
  record.id = std::move(*id);
  const auto state_name = json.get_string("state").value_or("");
  const auto state = operation_state_from_string(state_name);
  if (!state) {
    return Error::parse("operation " + record.id + ": unknown state \"" + state_name + "\"",
                        {{"field", "state"}, {"value", state_name}});
  }
  record.state = *state;
  record.kind = json.get_string("kind").value_or("");
  record.name = json.get_string("name").value_or("");
  record.cancel_requested = json.get_bool("cancel_requested").value_or(false);
  record.cancel_reason = cancel_reason_from_string(json.get_string("cancel_reason").value_or(""));
  std::optional<SystemTime> created_at;
  for (auto [key, field] :
       {std::pair{"created_at", &created_at}, std::pair{"started_at", &record.started_at},
        std::pair{"finished_at", &record.finished_at}}) {
    if (auto read = read_time(json, key, *field); !read) return std::move(read).error();
  }
  record.created_at = created_at.value_or(SystemTime{});
  if (json.at("progress").is_object())
    record.progress = ProgressState::from_json(json.at("progress"));
  if (json.at("params").is_object()) record.params = json.at("params");
  if (json.at("routing").is_object()) record.routing = json.at("routing");
  record.result = json.at("result");
  if (json.at("error").is_object()) record.error = Error::from_json(json.at("error"));
  record.warnings = json.at("warnings").as_string_array();
  record.version = static_cast<std::uint64_t>(json.get_int("version").value_or(0));
  return record;
}

std::string make_operation_id(std::string_view kind, SystemTime now) {
  thread_local std::mt19937 random(std::random_device{}());
  std::string id = "op_";
  for (const char c : kind) {
    const bool alphanumeric =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    id += alphanumeric ? c : '_';
  }
  id += date::format("_%Y%m%d_%H%M%S_", date::floor<std::chrono::seconds>(now));
  std::array<char, 9> hex{};
  std::snprintf(hex.data(), hex.size(), "%08x", static_cast<unsigned>(random()));
  id += hex.data();
  return id;
}

}  // namespace ktrdr
