#include "ib_error.hpp"

#include <charconv>

namespace ktrdr::data {
namespace {

std::string_view ib_text(IbErrorKind kind) noexcept {
  switch (kind) {
    case IbErrorKind::kNoData: return "HMDS query returned no data";
    case IbErrorKind::kPacingViolation: return "Historical data request pacing violation";
    case IbErrorKind::kNoSecurityDefinition:
      return "No security definition has been found for the request";
    case IbErrorKind::kInvalidRequest: return "Error validating request";
  }
  return "unknown";
}

ErrorCode error_code(IbErrorKind kind) noexcept {
  switch (kind) {
    case IbErrorKind::kNoData:
    case IbErrorKind::kNoSecurityDefinition: return ErrorCode::kNotFound;
    case IbErrorKind::kPacingViolation: return ErrorCode::kUnavailable;
    case IbErrorKind::kInvalidRequest: return ErrorCode::kInvalidArgument;
  }
  return ErrorCode::kInternal;
}

constexpr IbErrorKind kAllKinds[] = {IbErrorKind::kNoData, IbErrorKind::kPacingViolation,
                                     IbErrorKind::kNoSecurityDefinition,
                                     IbErrorKind::kInvalidRequest};

}  // namespace

int ib_code(IbErrorKind kind) noexcept {
  switch (kind) {
    case IbErrorKind::kNoData:
    case IbErrorKind::kPacingViolation: return 162;
    case IbErrorKind::kNoSecurityDefinition: return 200;
    case IbErrorKind::kInvalidRequest: return 321;
  }
  return 0;
}

std::string_view to_string(IbErrorKind kind) noexcept {
  switch (kind) {
    case IbErrorKind::kNoData: return "no_data";
    case IbErrorKind::kPacingViolation: return "pacing_violation";
    case IbErrorKind::kNoSecurityDefinition: return "no_security_definition";
    case IbErrorKind::kInvalidRequest: return "invalid_request";
  }
  return "unknown";
}

unsigned http_status(IbErrorKind kind) noexcept {
  switch (kind) {
    case IbErrorKind::kNoData:
    case IbErrorKind::kNoSecurityDefinition: return 404;
    case IbErrorKind::kPacingViolation: return 429;
    case IbErrorKind::kInvalidRequest: return 400;
  }
  return 500;
}

Error make_ib_error(IbErrorKind kind, std::string_view detail, Error::Context context) {
  Error error;
  error.code = error_code(kind);
  error.message = "IB error " + std::to_string(ib_code(kind)) + ": " + std::string(ib_text(kind));
  if (!detail.empty()) error.message += ": " + std::string(detail);
  error.with("ib_code", std::to_string(ib_code(kind)));
  error.with("ib_reason", std::string(to_string(kind)));
  for (auto& [key, value] : context) error.with(std::move(key), std::move(value));
  return error;
}

std::optional<IbErrorKind> ib_error_kind(const Error& error) noexcept {
  const auto reason = error.get("ib_reason");
  if (!reason) return std::nullopt;
  for (const IbErrorKind kind : kAllKinds) {
    if (*reason == to_string(kind)) return kind;
  }
  return std::nullopt;
}

bool is_transient(const Error& error) noexcept {
  if (const auto kind = ib_error_kind(error)) return *kind == IbErrorKind::kPacingViolation;
  switch (error.code) {
    case ErrorCode::kTimeout:
    case ErrorCode::kConnectionRefused:
    case ErrorCode::kUnavailable: return true;
    case ErrorCode::kHttpStatus: {
      const auto status = error.get("status");
      unsigned value = 0;
      if (status) std::from_chars(status->data(), status->data() + status->size(), value);
      return value >= 500;
    }
    default: return false;
  }
}

}  // namespace ktrdr::data
