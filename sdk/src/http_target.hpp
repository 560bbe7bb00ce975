// Request targets (private to the SDK): splits "/a/b%20c?x=1&y=2" into its raw path, its decoded
// path segments and its decoded query. Stateless; thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/result.hpp"

namespace ktrdr::detail {

struct RequestTarget {
  std::string path;                          // as sent, without the query
  std::vector<std::string> segments;         // the path split at '/', each percent-decoded
  std::map<std::string, std::string> query;  // names and values percent-decoded, '+' = space
};

// Decodes %XX escapes (and '+' as a space when `plus_is_space`); an invalid escape is an
// invalid_argument error that names the text.
Result<std::string> percent_decode(std::string_view text, bool plus_is_space);

// Parses an origin-form target ("/path?query"); anything else, or a bad escape, is an
// invalid_argument error. A query name without '=' has the value "".
Result<RequestTarget> parse_target(std::string_view target);

}  // namespace ktrdr::detail
