// Error: code names, factories, context access and the JSON form.
#include "ktrdr/sdk/error.hpp"

#include <array>

#include "ktrdr/sdk/json.hpp"

namespace ktrdr {
namespace {

struct CodeName {
  ErrorCode code;
  std::string_view name;
};

constexpr std::array<CodeName, 15> kCodeNames{{
    {ErrorCode::kInvalidArgument, "invalid_argument"},
    {ErrorCode::kNotFound, "not_found"},
    {ErrorCode::kConflict, "conflict"},
    {ErrorCode::kCancelled, "cancelled"},
    {ErrorCode::kTimeout, "timeout"},
    {ErrorCode::kConnectionRefused, "connection_refused"},
    {ErrorCode::kHttpStatus, "http_status"},
    {ErrorCode::kMalformedResponse, "malformed_response"},
    {ErrorCode::kIo, "io"},
    {ErrorCode::kParse, "parse"},
    {ErrorCode::kPluginRefused, "plugin_refused"},
    {ErrorCode::kUnavailable, "unavailable"},
    {ErrorCode::kInternal, "internal"},
    {ErrorCode::kUnauthenticated, "unauthenticated"},
    {ErrorCode::kForbidden, "forbidden"},
}};

Error make(ErrorCode code, std::string message, Error::Context context) {
  return Error{code, std::move(message), std::move(context)};
}

}  // namespace

std::string_view to_string(ErrorCode code) noexcept {
  for (const auto& entry : kCodeNames) {
    if (entry.code == code) return entry.name;
  }
  return "internal";
}

std::optional<ErrorCode> error_code_from_string(std::string_view name) noexcept {
  for (const auto& entry : kCodeNames) {
    if (entry.name == name) return entry.code;
  }
  return std::nullopt;
}

Error Error::invalid_argument(std::string message, Context context) {
  return make(ErrorCode::kInvalidArgument, std::move(message), std::move(context));
}
Error Error::not_found(std::string message, Context context) {
  return make(ErrorCode::kNotFound, std::move(message), std::move(context));
}
Error Error::conflict(std::string message, Context context) {
  return make(ErrorCode::kConflict, std::move(message), std::move(context));
}
Error Error::cancelled(std::string message, Context context) {
  return make(ErrorCode::kCancelled, std::move(message), std::move(context));
}
Error Error::timeout(std::string message, Context context) {
  return make(ErrorCode::kTimeout, std::move(message), std::move(context));
}
Error Error::io(std::string message, Context context) {
  return make(ErrorCode::kIo, std::move(message), std::move(context));
}
Error Error::parse(std::string message, Context context) {
  return make(ErrorCode::kParse, std::move(message), std::move(context));
}
Error Error::plugin_refused(std::string message, Context context) {
  return make(ErrorCode::kPluginRefused, std::move(message), std::move(context));
}
Error Error::unavailable(std::string message, Context context) {
  return make(ErrorCode::kUnavailable, std::move(message), std::move(context));
}
Error Error::internal(std::string message, Context context) {
  return make(ErrorCode::kInternal, std::move(message), std::move(context));
}
Error Error::unauthenticated(std::string message, Context context) {
  return make(ErrorCode::kUnauthenticated, std::move(message), std::move(context));
}
Error Error::forbidden(std::string message, Context context) {
  return make(ErrorCode::kForbidden, std::move(message), std::move(context));
}

Error& Error::with(std::string key, std::string value) {
  for (auto& [existing_key, existing_value] : context) {
    if (existing_key == key) {
      existing_value = std::move(value);
      return *this;
    }
  }
  context.emplace_back(std::move(key), std::move(value));
  return *this;
}

std::optional<std::string> Error::get(std::string_view key) const {
  for (const auto& [existing_key, value] : context) {
    if (existing_key == key) return value;
  }
  return std::nullopt;
}

Json Error::to_json() const {
  Json details = Json::object();
  for (const auto& [key, value] : context) details.set(key, value);
  Json json = Json::object();
  json.set("code", ktrdr::to_string(code));
  json.set("message", message);
  json.set("details", details);
  return json;
}

Error Error::from_json(const Json& json) {
  Error error;
  error.code =
      error_code_from_string(json.get_string("code").value_or("")).value_or(ErrorCode::kInternal);
  error.message = json.get_string("message").value_or("");
  const Json details = json.at("details");
  for (const auto& key : details.keys()) {
    const Json value = details.at(key);
    error.context.emplace_back(key, value.is_string() ? value.as_string() : value.dump());
  }
  return error;
}

}  // namespace ktrdr
