// Error: the one error type of ktrdr — a code, a human message, and context (file, field, value…).
// Plain value type; thread-compatible. ErrorException carries an Error across a throw boundary.
#pragma once

#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ktrdr {

class Json;

enum class ErrorCode : std::uint8_t {
  kInvalidArgument = 1,  // bad input from a user: job file, param, config, argument
  kNotFound = 2,
  kConflict = 3,  // the target is in a state that forbids the request (e.g. already terminal)
  kCancelled = 4,
  kTimeout = 5,
  kConnectionRefused = 6,
  kHttpStatus = 7,
  kMalformedResponse = 8,
  kIo = 9,
  kParse = 10,
  kPluginRefused = 11,
  kUnavailable = 12,
  kInternal = 13,
  kUnauthenticated = 14,  // no or wrong credentials (HTTP 401)
  kForbidden = 15,        // refused whoever asks: a cross-site request, a path outside a root (403)
};

// Stable snake_case names ("invalid_argument"), used in JSON and on the wire.
std::string_view to_string(ErrorCode code) noexcept;
std::optional<ErrorCode> error_code_from_string(std::string_view name) noexcept;

struct Error {
  using Context = std::vector<std::pair<std::string, std::string>>;

  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  Context context;  // ordered key/value pairs: file, line, field, value, url, plugin …

  static Error invalid_argument(std::string message, Context context = {});
  static Error not_found(std::string message, Context context = {});
  static Error conflict(std::string message, Context context = {});
  static Error cancelled(std::string message, Context context = {});
  static Error timeout(std::string message, Context context = {});
  static Error io(std::string message, Context context = {});
  static Error parse(std::string message, Context context = {});
  static Error plugin_refused(std::string message, Context context = {});
  static Error unavailable(std::string message, Context context = {});
  static Error internal(std::string message, Context context = {});
  static Error unauthenticated(std::string message, Context context = {});
  static Error forbidden(std::string message, Context context = {});

  // Adds (or replaces) one context entry; returns *this for chaining.
  Error& with(std::string key, std::string value);
  // The value of a context entry, if present.
  std::optional<std::string> get(std::string_view key) const;

  // "message" — the message already names what matters; context is for machines.
  const std::string& to_string() const noexcept { return message; }
  // {"code": "...", "message": "...", "details": {context…}}
  Json to_json() const;
  // Inverse of to_json; unknown codes map to kInternal.
  static Error from_json(const Json& json);
};

// Carries an Error through code that must unwind (operation bodies, plugin calls).
class ErrorException : public std::exception {
 public:
  explicit ErrorException(Error error) : error_(std::move(error)) {}
  const char* what() const noexcept override { return error_.message.c_str(); }
  const Error& error() const noexcept { return error_; }

 private:
  Error error_;
};

}  // namespace ktrdr
