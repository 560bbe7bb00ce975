// Browser guard: the Host, Origin, Sec-Fetch-Site and Content-Type rules.
#include "http_browser_guard.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/ip/address.hpp>
#include <cctype>

namespace ktrdr::detail {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "host:port", "[::1]:port" or "host" → the name alone.
std::string_view host_name(std::string_view host) {
  host = trim(host);
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    return close == std::string_view::npos ? host : host.substr(1, close - 1);
  }
  return host.substr(0, host.find(':'));
}

bool changes_state(HttpMethod method) {
  return method == HttpMethod::kPost || method == HttpMethod::kPut ||
         method == HttpMethod::kDelete;
}

// The content types a page may send cross-origin without a preflight (the Fetch standard's
// CORS-safelisted request header values of Content-Type).
constexpr std::array<std::string_view, 3> kSimpleContentTypes{
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data"};

ServerResponse forbidden(std::string message, std::string_view path) {
  return ServerResponse::error(Error::forbidden(std::move(message), {{"path", std::string(path)}}));
}

}  // namespace

std::optional<ServerResponse> browser_refusal(const BrowserFacts& facts, bool loopback_only,
                                              const std::vector<std::string>& allowed_origins) {
  if (loopback_only && !facts.host.empty() && !is_loopback_host(host_name(facts.host))) {
    return forbidden("Host '" + std::string(facts.host) +
                         "' is not this server: it listens on loopback only and answers "
                         "requests for localhost, 127.0.0.1 or [::1]",
                     facts.path);
  }
  if (!changes_state(facts.method)) return std::nullopt;

  const std::string fetch_site = lower(trim(facts.fetch_site));
  if (fetch_site == "cross-site" || fetch_site == "same-site") {
    return forbidden("a " + fetch_site + " request from a web page may not change state here",
                     facts.path);
  }
  if (!facts.origin.empty()) {
    const std::string origin = lower(trim(facts.origin));
    const bool same_origin = !facts.host.empty() && origin == "http://" + lower(trim(facts.host));
    const bool allowed = std::any_of(allowed_origins.begin(), allowed_origins.end(),
                                     [&](const std::string& o) { return lower(o) == origin; });
    if (!same_origin && !allowed) {
      return forbidden("origin '" + std::string(facts.origin) +
                           "' may not change state here (only this server's own origin and "
                           "the allowed origins may)",
                       facts.path);
    }
  }
  if (facts.has_body) {
    const std::string media = lower(trim(facts.content_type.substr(0, facts.content_type.find(';'))));
    const bool simple = std::find(kSimpleContentTypes.begin(), kSimpleContentTypes.end(), media) !=
                        kSimpleContentTypes.end();
    if (media.empty() || simple) {
      return ServerResponse::error(
          Error::invalid_argument(
              (media.empty() ? std::string("a request body without a Content-Type")
                             : "Content-Type '" + media + "'") +
                  " is not accepted: send application/json (or, where a route takes YAML, "
                  "application/yaml)",
              {{"path", std::string(facts.path)}, {"content_type", media}}),
          415);
    }
  }
  return std::nullopt;
}

}  // namespace ktrdr::detail

namespace ktrdr {

bool is_loopback_host(std::string_view host) {
  const std::string name = detail::lower(host);
  if (name == "localhost" || (name.size() > 10 && name.ends_with(".localhost"))) return true;
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(name, ec);
  return !ec && address.is_loopback();
}

}  // namespace ktrdr
