// ParamSchema: the parameters a job kind accepts — names, types, defaults, ranges, choices,
// patterns and cross-field checks. The engine validates a job's params against it before the job
// starts. Immutable after registration; thread-safe to validate from many threads.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ktrdr/sdk/error.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

// kPath: a file or directory, given as a non-empty string; the engine makes relative ones absolute
// (see ParamSchema::PathResolver) before the kind's checks run or the job is routed.
enum class ParamType { kString, kInteger, kNumber, kBoolean, kStringList, kObject, kAny, kPath };
std::string_view to_string(ParamType type) noexcept;

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  bool required = false;
  Json default_value;  // applied when absent (null = no default)
  std::string description;
  std::optional<double> minimum;  // numbers and integers
  std::optional<double> maximum;
  std::vector<std::string> choices;  // strings (and each string of a list)
  std::string pattern;               // ECMAScript regex a string must match entirely
  // What `pattern` asks for, in words, for the error a person reads instead of the regex
  // ("a symbol: 1 to 20 letters, digits, '.' or '-'").
  std::string pattern_description;
};

// A market symbol as the bar store takes it, for symbol params: the pattern and its words.
inline constexpr const char* kSymbolPattern = "[A-Za-z0-9.\\-]{1,20}";
inline constexpr const char* kSymbolDescription = "a symbol: 1 to 20 letters, digits, '.' or '-'";

class ParamSchema {
 public:
  // A cross-field check run after every field passed; returns an error naming the field.
  using Check = std::function<std::optional<Error>(const Json& params)>;
  // Turns a path param's value into the path the job uses (absolute), or refuses it with an
  // invalid_argument error naming the field.
  using PathResolver =
      std::function<Result<std::string>(const std::string& field, const std::string& value)>;

  ParamSchema& add(ParamSpec spec);
  ParamSchema& check(Check check);

  // Fills defaults into `params` and returns every problem found (empty = valid). Each error is
  // invalid_argument with context "field" = the parameter's name. Unknown parameters are errors.
  // Integers are accepted where numbers are expected; numbers with no fraction where integers
  // are expected. Path params (defaults included) go through `resolve_path` when given, before the
  // cross-field checks, so that a check reading a file reads the resolved one.
  std::vector<Error> validate(Json& params, const PathResolver& resolve_path = nullptr) const;

  const std::vector<ParamSpec>& params() const { return specs_; }
  const ParamSpec* find(std::string_view name) const;
  // [{"name", "type", "required", "default", "description", …}] for `ktrdr plugins --json`.
  Json to_json() const;

 private:
  std::vector<ParamSpec> specs_;
  std::vector<Check> checks_;
};

// Time params ("2024-01-02" or "2024-01-02T14:30:00Z", UTC): the value of `field`, nullopt when
// absent; an invalid_argument error naming the field and the text when it does not parse.
Result<std::optional<std::chrono::sys_seconds>> time_param(const Json& params,
                                                           std::string_view field);
// A check that `from` and `to` are time params (when given) and `from` is before `to`.
ParamSchema::Check time_range_check(std::string from = "start", std::string to = "end");

}  // namespace ktrdr
