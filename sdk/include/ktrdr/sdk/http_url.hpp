// HttpUrl: an http:// URL split into host, port and base path, for the HTTP client and server.
// Plain value; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

struct HttpUrl {
  std::string host;       // "127.0.0.1", "localhost"
  std::uint16_t port = 80;
  std::string base_path;  // "" or "/api/v1" (no trailing slash)

  // "http://host[:port][/base]"; https and anything else is an invalid_argument error naming
  // the text.
  static Result<HttpUrl> parse(std::string_view text);
  // "http://host:port/base"
  std::string to_string() const;
  // "host:port", the connection pool's key.
  std::string authority() const;
};

}  // namespace ktrdr
