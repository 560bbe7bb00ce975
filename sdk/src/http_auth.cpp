// Bearer-token check with a constant-time comparison.
#include "http_auth.hpp"

#include <cctype>
#include <cstddef>

namespace ktrdr::detail {
namespace {

constexpr std::string_view kScheme = "bearer";

bool scheme_is_bearer(std::string_view authorization) {
  if (authorization.size() <= kScheme.size() || authorization[kScheme.size()] != ' ') return false;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != kScheme[i]) return false;
  }
  return true;
}

// Compares every byte of `expected` whatever `given` holds, so the time taken says nothing about
// where the two differ.
bool constant_time_equal(std::string_view given, std::string_view expected) {
  unsigned difference = given.size() == expected.size() ? 0U : 1U;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0U;
    difference |= g ^ static_cast<unsigned char>(expected[i]);
  }
  return difference == 0;
}

}  // namespace

bool bearer_token_matches(std::string_view authorization, std::string_view token) {
  if (!scheme_is_bearer(authorization)) return false;
  auto given = authorization.substr(kScheme.size() + 1);
  while (!given.empty() && given.front() == ' ') given.remove_prefix(1);
  while (!given.empty() && given.back() == ' ') given.remove_suffix(1);
  return constant_time_equal(given, token);
}

}  // namespace ktrdr::detail
