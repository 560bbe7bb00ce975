// Request targets: percent-decoding, path segments and the query string.
#include "http_target.hpp"

#include <optional>

namespace ktrdr::detail {
namespace {

std::optional<int> hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return std::nullopt;
}

// Splits `text` at every `separator`; "" gives one empty part.
std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace

Result<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && plus_is_space) {
      decoded.push_back(' ');
    } else if (c != '%') {
      decoded.push_back(c);
    } else {
      const bool complete = i + 2 < text.size();
      const auto high = complete ? hex_value(text[i + 1]) : std::nullopt;
      const auto low = complete ? hex_value(text[i + 2]) : std::nullopt;
      if (!high || !low) {
        return Error::invalid_argument("invalid percent escape in \"" + std::string(text) + "\"",
                                       {{"value", std::string(text)}});
      }
      decoded.push_back(static_cast<char>(*high * 16 + *low));
      i += 2;
    }
  }
  return decoded;
}

Result<RequestTarget> parse_target(std::string_view target) {
  if (target.empty() || target.front() != '/') {
    return Error::invalid_argument(
        "request target must start with '/', got \"" + std::string(target) + "\"",
        {{"target", std::string(target)}});
  }
  RequestTarget parsed;
  const auto question = target.find('?');
  const auto path = target.substr(0, question);
  parsed.path = std::string(path);
  for (const auto raw : split(path.substr(1), '/')) {
    auto segment = percent_decode(raw, /*plus_is_space=*/false);
    if (!segment) return std::move(segment).error();
    parsed.segments.push_back(std::move(*segment));
  }
  if (question == std::string_view::npos) return parsed;
  for (const auto pair : split(target.substr(question + 1), '&')) {
    if (pair.empty()) continue;
    const auto equals = pair.find('=');
    auto name = percent_decode(pair.substr(0, equals), /*plus_is_space=*/true);
    if (!name) return std::move(name).error();
    auto value = percent_decode(
        equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1),
        /*plus_is_space=*/true);
    if (!value) return std::move(value).error();
    parsed.query.insert_or_assign(std::move(*name), std::move(*value));
  }
  return parsed;
}

}  // namespace ktrdr::detail
