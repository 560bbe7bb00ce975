// ParamSchema: defaults, types, ranges, choices, patterns and cross-field checks of job params.
#include "ktrdr/sdk/param_schema.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <regex>

#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr {
namespace {

struct TypeName {
  ParamType type;
  std::string_view name;
};

constexpr std::array<TypeName, 8> kTypeNames{{
    {ParamType::kString, "string"},
    {ParamType::kInteger, "integer"},
    {ParamType::kNumber, "number"},
    {ParamType::kBoolean, "boolean"},
    {ParamType::kStringList, "string_list"},
    {ParamType::kObject, "object"},
    {ParamType::kAny, "any"},
    {ParamType::kPath, "path"},
}};

// The shortest text that reads back as `value`: 2 → "2", 0.5 → "0.5".
std::string number_text(double value) {
  std::array<char, 32> buffer{};
  const auto [end, error] = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return error == std::errc() ? std::string(buffer.data(), end) : std::to_string(value);
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

Error param_error(const std::string& name, const std::string& problem, std::string value) {
  return Error::invalid_argument("param " + quoted(name) + ": " + problem,
                                 {{"field", name}, {"value", std::move(value)}});
}

// Checks a value's type; normalises a number with no fraction to an integer where one is
// expected. An error when the value does not fit the type.
std::optional<Error> check_type(const ParamSpec& spec, Json& value) {
  bool ok = true;
  switch (spec.type) {
    case ParamType::kString:
      ok = value.is_string();
      break;
    case ParamType::kInteger:
      if (!value.is_integer() && value.is_number()) {
        const double number = value.as_number();
        if (std::trunc(number) == number && std::abs(number) < 9007199254740992.0) {  // 2^53
          value = Json::integer(static_cast<std::int64_t>(number));
        }
      }
      ok = value.is_integer();
      break;
    case ParamType::kNumber:
      ok = value.is_number();
      break;
    case ParamType::kBoolean:
      ok = value.is_bool();
      break;
    case ParamType::kStringList:
      ok = value.is_array() && value.as_string_array().size() == value.size();
      break;
    case ParamType::kObject:
      ok = value.is_object();
      break;
    case ParamType::kAny:
      break;
    case ParamType::kPath:
      ok = value.is_string() && !value.as_string().empty();
      break;
  }
  if (ok) return std::nullopt;
  return param_error(spec.name,
                     "expected " + std::string(to_string(spec.type)) + ", got " + value.dump(),
                     value.dump());
}

// A bound as the param's type reads: 10000000000000 for an integer param, not 1e+13.
std::string bound_text(const ParamSpec& spec, double bound) {
  if (spec.type == ParamType::kInteger && std::abs(bound) < 9007199254740992.0) {  // 2^53
    return std::to_string(static_cast<std::int64_t>(bound));
  }
  return number_text(bound);
}

std::optional<Error> check_range(const ParamSpec& spec, const Json& value) {
  if (!value.is_number()) return std::nullopt;
  const double number = value.as_number();
  if (spec.minimum && number < *spec.minimum) {
    return param_error(spec.name,
                       value.dump() + " is below the minimum " + bound_text(spec, *spec.minimum),
                       value.dump());
  }
  if (spec.maximum && number > *spec.maximum) {
    return param_error(spec.name,
                       value.dump() + " is above the maximum " + bound_text(spec, *spec.maximum),
                       value.dump());
  }
  return std::nullopt;
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) {
    if (!text.empty()) text += ", ";
    text += word;
  }
  return text;
}

// Choices and pattern, for a string or for each string of a list.
std::optional<Error> check_text(const ParamSpec& spec, const std::string& text) {
  if (!spec.choices.empty() &&
      std::find(spec.choices.begin(), spec.choices.end(), text) == spec.choices.end()) {
    return param_error(spec.name, quoted(text) + " is not one of " + joined(spec.choices), text);
  }
  if (!spec.pattern.empty()) {
    try {
      if (!std::regex_match(text, std::regex(spec.pattern, std::regex::ECMAScript))) {
        const std::string expected = spec.pattern_description.empty()
                                         ? "does not match the pattern " + spec.pattern
                                         : "is not " + spec.pattern_description;
        return param_error(spec.name, quoted(text) + " " + expected, text);
      }
    } catch (const std::regex_error& e) {
      return Error::invalid_argument(
          "param " + quoted(spec.name) + ": invalid pattern " + spec.pattern + ": " + e.what(),
          {{"field", spec.name}, {"value", spec.pattern}});
    }
  }
  return std::nullopt;
}

std::optional<Error> check_value(const ParamSpec& spec, Json& value) {
  if (auto error = check_type(spec, value)) return error;
  if (auto error = check_range(spec, value)) return error;
  if (value.is_string()) return check_text(spec, value.as_string());
  if (spec.type == ParamType::kStringList) {
    for (const auto& text : value.as_string_array()) {
      if (auto error = check_text(spec, text)) return error;
    }
  }
  return std::nullopt;
}

}  // namespace

std::string_view to_string(ParamType type) noexcept {
  for (const auto& entry : kTypeNames) {
    if (entry.type == type) return entry.name;
  }
  return "any";
}

ParamSchema& ParamSchema::add(ParamSpec spec) {
  specs_.push_back(std::move(spec));
  return *this;
}

ParamSchema& ParamSchema::check(Check check) {
  checks_.push_back(std::move(check));
  return *this;
}

const ParamSpec* ParamSchema::find(std::string_view name) const {
  const auto it = std::find_if(specs_.begin(), specs_.end(),
                               [&](const ParamSpec& spec) { return spec.name == name; });
  return it == specs_.end() ? nullptr : &*it;
}

std::vector<Error> ParamSchema::validate(Json& params, const PathResolver& resolve_path) const {
  std::vector<Error> errors;
  if (params.is_null()) params = Json::object();
  if (!params.is_object()) {
    errors.push_back(Error::invalid_argument("params must be an object, got " + params.dump(),
                                             {{"field", ""}, {"value", params.dump()}}));
    return errors;
  }
  std::vector<std::string> known;
  known.reserve(specs_.size());
  for (const auto& spec : specs_) known.push_back(spec.name);
  for (const auto& key : params.keys()) {
    if (find(key)) continue;
    errors.push_back(
        Error::invalid_argument("unknown param " + quoted(key) + " (known: " + joined(known) + ")",
                                {{"field", key}, {"value", params.at(key).dump()}}));
  }
  for (const auto& spec : specs_) {
    Json value = params.at(spec.name);  // null when absent; a null value counts as absent
    if (value.is_null()) {
      if (spec.required) {
        errors.push_back(Error::invalid_argument("missing required param " + quoted(spec.name),
                                                 {{"field", spec.name}}));
      } else if (!spec.default_value.is_null()) {
        params.set(spec.name, spec.default_value);
      }
      continue;
    }
    const bool was_integer = value.is_integer();
    if (auto error = check_value(spec, value)) {
      errors.push_back(std::move(*error));
    } else if (value.is_integer() && !was_integer) {
      params.set(spec.name, value);  // normalised to an integer
    }
  }
  if (!errors.empty()) return errors;
  if (resolve_path) {
    for (const auto& spec : specs_) {
      const auto value = params.get_string(spec.name);
      if (spec.type != ParamType::kPath || !value) continue;
      auto resolved = resolve_path(spec.name, *value);
      if (resolved.ok()) {
        params.set(spec.name, *resolved);
      } else {
        errors.push_back(std::move(resolved).error());
      }
    }
    if (!errors.empty()) return errors;
  }
  for (const auto& check : checks_) {
    if (auto error = check(params)) errors.push_back(std::move(*error));
  }
  return errors;
}

Json ParamSchema::to_json() const {
  Json json = Json::array();
  for (const auto& spec : specs_) {
    Json entry = Json::object();
    entry.set("name", spec.name);
    entry.set("type", to_string(spec.type));
    entry.set("required", spec.required);
    entry.set("default", spec.default_value);
    entry.set("description", spec.description);
    for (const auto& [key, bound] : {std::pair{"minimum", spec.minimum}, {"maximum", spec.maximum}}) {
      if (!bound) continue;
      if (spec.type == ParamType::kInteger) {
        entry.set(key, static_cast<std::int64_t>(*bound));
      } else {
        entry.set(key, *bound);
      }
    }
    if (!spec.choices.empty()) entry.set("choices", spec.choices);
    if (!spec.pattern.empty()) entry.set("pattern", spec.pattern);
    if (!spec.pattern_description.empty()) entry.set("pattern_description", spec.pattern_description);
    json.push_back(entry);
  }
  return json;
}

Result<std::optional<std::chrono::sys_seconds>> time_param(const Json& params,
                                                           std::string_view field) {
  const auto text = params.get_string(field);
  if (!text) return std::optional<std::chrono::sys_seconds>{};
  auto time = parse_iso8601(*text);
  if (!time) {
    const std::string problem =
        time.error().code == ErrorCode::kInvalidArgument
            ? "is outside the supported range " + supported_time_range() + ": \"" + *text + "\""
            : "is not a date or ISO-8601 UTC time: \"" + *text +
                  "\" (use 2024-01-02 or 2024-01-02T14:30:00Z)";
    return Error::invalid_argument("`" + std::string(field) + "` " + problem,
                                   {{"field", std::string(field)}, {"value", *text}});
  }
  return std::optional<std::chrono::sys_seconds>{std::chrono::floor<std::chrono::seconds>(*time)};
}

ParamSchema::Check time_range_check(std::string from, std::string to) {
  return [from = std::move(from), to = std::move(to)](const Json& params) -> std::optional<Error> {
    auto first = time_param(params, from);
    if (!first) return first.error();
    auto last = time_param(params, to);
    if (!last) return last.error();
    if (*first && *last && **first >= **last) {
      return Error::invalid_argument("`" + from + "` (" + *params.get_string(from) +
                                         ") must be before `" + to + "` (" +
                                         *params.get_string(to) + ")",
                                     {{"field", from}, {"value", *params.get_string(from)}});
    }
    return std::nullopt;
  };
}

}  // namespace ktrdr
