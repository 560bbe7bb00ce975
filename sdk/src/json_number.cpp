// JSON number tokens to values with std::from_chars.
#include "json_number.hpp"

#include <charconv>
#include <cmath>
#include <system_error>

namespace ktrdr::json_number {
namespace {

// True when a grammar-valid token out of a double's range is below 1 in magnitude (an underflow),
// false when it is at least 1 (an overflow). Out of range means |x| >= 1e308 or |x| < 1e-323, so
// comparing the decimal order of magnitude with 0 decides, whatever the exponent's size.
bool below_one(std::string_view token) {
  std::size_t i = token.front() == '-' ? 1 : 0;
  long long order = 0;
  bool seen_digit = false;
  bool after_point = false;
  for (; i < token.size() && token[i] != 'e' && token[i] != 'E'; ++i) {
    if (token[i] == '.') {
      after_point = true;
    } else if (token[i] != '0' || seen_digit) {
      if (!seen_digit && after_point) --order;
      seen_digit = true;
      if (!after_point) ++order;
    } else if (after_point) {
      --order;
    }
  }
  if (!seen_digit) return true;
  if (i == token.size()) return order <= 0;
  std::string_view exponent = token.substr(i + 1);
  const bool negative = exponent.front() == '-';
  if (exponent.front() == '+' || negative) exponent.remove_prefix(1);
  long long value = 0;
  const auto parsed = std::from_chars(exponent.data(), exponent.data() + exponent.size(), value);
  if (parsed.ec == std::errc::result_out_of_range) return negative;
  return order + (negative ? -value : value) <= 0;
}

template <typename Integer>
bool read_integer(std::string_view token, Value& out) {
  Integer value{};
  const auto parsed = std::from_chars(token.data(), token.data() + token.size(), value);
  if (parsed.ec != std::errc{}) return false;
  out = value;
  return true;
}

}  // namespace

Value read(std::string_view token) {
  Value out;
  if (token.find_first_of(".eE") == std::string_view::npos) {
    const bool done = token.front() == '-' ? read_integer<std::int64_t>(token, out)
                                           : read_integer<std::uint64_t>(token, out);
    if (done) return out;
  }
  double value = 0;
  const auto parsed = std::from_chars(token.data(), token.data() + token.size(), value);
  if (parsed.ec == std::errc{}) return value;
  if (!below_one(token)) return TooLarge{};
  return token.front() == '-' ? -0.0 : 0.0;
}

}  // namespace ktrdr::json_number
