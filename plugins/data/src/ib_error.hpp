// IB's historical-data error codes as ktrdr Errors: 162 (no data; pacing violation), 200 (no
// security definition), 321 (invalid request). Providers return them, the IB host service sends
// them as JSON errors with a fitting HTTP status, and clients read them back. Stateless.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "ktrdr/sdk/error.hpp"

namespace ktrdr::data {

enum class IbErrorKind : std::uint8_t {
  kNoData,                // 162 "HMDS query returned no data"
  kPacingViolation,       // 162 "Historical data request pacing violation"
  kNoSecurityDefinition,  // 200 "No security definition has been found for the request"
  kInvalidRequest,        // 321 "Error validating request"
};

// 162, 162, 200, 321.
int ib_code(IbErrorKind kind) noexcept;
// "no_data", "pacing_violation", "no_security_definition", "invalid_request".
std::string_view to_string(IbErrorKind kind) noexcept;
// 404, 429, 404, 400.
unsigned http_status(IbErrorKind kind) noexcept;

// "IB error <code>: <IB's text>: <detail>", with context {"ib_code", "ib_reason"} then `context`.
// The ErrorCode: kNotFound (no data, no security definition), kUnavailable (pacing),
// kInvalidArgument (invalid request).
Error make_ib_error(IbErrorKind kind, std::string_view detail, Error::Context context = {});

// The IB error an Error carries (its "ib_reason" context, also when it came back over HTTP).
std::optional<IbErrorKind> ib_error_kind(const Error& error) noexcept;

// True for errors worth retrying: pacing violations, timeouts, unreachable or failing services
// (connection refused, unavailable, HTTP 5xx). Never for cancellation or IB's other codes.
bool is_transient(const Error& error) noexcept;

}  // namespace ktrdr::data
