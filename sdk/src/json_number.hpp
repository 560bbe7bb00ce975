// JSON number tokens to values, correctly rounded by std::from_chars: RapidJSON's own
// full-precision path is undefined for zero significands ("0e308" calls clz(0)).
#pragma once

#include <cstdint>
#include <string_view>
#include <variant>

namespace ktrdr::json_number {

// A number too large in magnitude for a double ("1.8e308"); tiny ones read as zero.
struct TooLarge {};

using Value = std::variant<std::int64_t, std::uint64_t, double, TooLarge>;

// `token` is a number already validated by the JSON grammar. Integers that fit stay integers
// (negative ones int64, others uint64); larger integers and fractions read as doubles.
Value read(std::string_view token);

}  // namespace ktrdr::json_number
