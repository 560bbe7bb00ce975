// HttpUrl: parsing and formatting of http:// URLs.
#include "ktrdr/sdk/http_url.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ktrdr {
namespace {

constexpr std::string_view kScheme = "http://";

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), text.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

Error bad_url(std::string_view text, std::string_view why) {
  std::string message = "invalid URL '";
  message += text;
  message += "': ";
  message += why;
  return Error::invalid_argument(std::move(message), {{"url", std::string(text)}});
}

// "[::1]" or "host"; IPv6 literals must be bracketed.
bool needs_brackets(const std::string& host) { return host.find(':') != std::string::npos; }

}  // namespace

Result<HttpUrl> HttpUrl::parse(std::string_view text) {
  if (starts_with_ignoring_case(text, "https://")) return bad_url(text, "https is not supported");
  if (!starts_with_ignoring_case(text, kScheme)) {
    return bad_url(text, "expected http://host[:port][/path]");
  }
  const std::string_view rest = text.substr(kScheme.size());
  const auto path_start = std::min(rest.find('/'), rest.size());
  const std::string_view authority = rest.substr(0, path_start);
  std::string_view path = rest.substr(path_start);
  if (path.find_first_of("?#") != std::string_view::npos) {
    return bad_url(text, "a base URL has no query or fragment");
  }
  if (authority.find('@') != std::string_view::npos) {
    return bad_url(text, "user information is not supported");
  }

  HttpUrl url;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(text, "unterminated IPv6 address");
    url.host = std::string(authority.substr(1, close - 1));
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad_url(text, "unexpected text after the IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) return bad_url(text, "empty port");
    }
  } else {
    const auto colon = authority.find(':');
    url.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) return bad_url(text, "empty port");
    }
  }
  if (url.host.empty()) return bad_url(text, "no host");

  if (!port_text.empty()) {
    unsigned port = 0;
    const auto* end = port_text.data() + port_text.size();
    const auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
    if (ec != std::errc() || ptr != end || port == 0 || port > 65535) {
      return bad_url(text, "the port must be a number from 1 to 65535");
    }
    url.port = static_cast<std::uint16_t>(port);
  }

  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  url.base_path = std::string(path);
  return url;
}

std::string HttpUrl::to_string() const { return std::string(kScheme) + authority() + base_path; }

std::string HttpUrl::authority() const {
  std::string text = needs_brackets(host) ? "[" + host + "]" : host;
  text += ':';
  text += std::to_string(port);
  return text;
}

}  // namespace ktrdr
