// Feature-name lists compared for the errors of code that combines or transforms matrices.
// Pure function; thread-safe.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace ktrdr::training {

// "" when `actual` equals `expected`, otherwise the first difference: "column <c> is <actual
// name> where <expected name> was expected", with "(none)" for a missing column.
inline std::string feature_name_mismatch(const std::vector<std::string>& expected,
                                         const std::vector<std::string>& actual) {
  if (actual == expected) return {};
  const auto [e, a] = std::mismatch(expected.begin(), expected.end(), actual.begin(), actual.end());
  const auto c = static_cast<std::size_t>(e - expected.begin());
  return "column " + std::to_string(c) + " is " + (a == actual.end() ? "(none)" : *a) + " where " +
         (e == expected.end() ? "(none)" : *e) + " was expected";
}

}  // namespace ktrdr::training
