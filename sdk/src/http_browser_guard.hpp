// Browser guard (private to the SDK): refuses the requests a web page the user visits could make
// to a HostService — cross-site writes (Origin / Sec-Fetch-Site), bodies in the content types a
// page may send without a CORS preflight, and Host names that are not this server (DNS
// rebinding). Stateless; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/host_service.hpp"

namespace ktrdr::detail {

// What the guard reads of one request (header values; "" when absent).
struct BrowserFacts {
  HttpMethod method = HttpMethod::kGet;
  std::string_view path;
  std::string_view host;
  std::string_view origin;
  std::string_view fetch_site;  // Sec-Fetch-Site
  std::string_view content_type;
  bool has_body = false;
};

// The refusal for a request, or nullopt to serve it:
// - 403 forbidden when the server listens on loopback only and Host names another machine;
// - 403 forbidden for a POST/PUT/DELETE whose Origin is neither http://<Host> nor in
//   `allowed_origins`, or whose Sec-Fetch-Site is cross-site or same-site;
// - 415 for such a request with a body that has no Content-Type or one a page may send
//   cross-origin without asking (text/plain, application/x-www-form-urlencoded,
//   multipart/form-data).
std::optional<ServerResponse> browser_refusal(const BrowserFacts& facts, bool loopback_only,
                                              const std::vector<std::string>& allowed_origins);

}  // namespace ktrdr::detail
