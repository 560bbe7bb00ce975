// HttpRouter (private to the SDK): the HostService route table. Matches a method and decoded path
// segments against patterns like "/operations/{id}" (same segment count, literal segments equal,
// braces capture), preferring the pattern with the most literal segments. Built before the server
// starts, then only read: const access is thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "ktrdr/sdk/host_service.hpp"

namespace ktrdr::detail {

struct Route {
  HttpMethod method = HttpMethod::kGet;
  std::string pattern;
  Handler handler;               // set for a plain route
  StreamHandler stream_handler;  // set for a streaming route
  StreamCheck stream_check;      // optional, for a streaming route
  bool requires_auth = true;
  bool quick = false;  // the handler never blocks: run it on the connection's I/O thread
};

struct RouteMatch {
  const Route* route = nullptr;               // the match; null when none
  std::map<std::string, std::string> params;  // captured segments, by name
  std::vector<HttpMethod> allowed;            // when the path matched but not the method
};

class HttpRouter {
 public:
  // Throws std::invalid_argument for a pattern that does not start with '/', has an empty
  // "{}" capture, or repeats a method and pattern already added (programming errors).
  void add(Route route);

  // `method` is nullopt for a method HostService does not serve (e.g. PATCH): such a request
  // can only match by path (→ 405) or not at all (→ 404).
  RouteMatch match(std::optional<HttpMethod> method,
                   const std::vector<std::string>& segments) const;

 private:
  struct Segment {
    std::string text;  // the literal, or the capture's name
    bool capture = false;
  };
  struct Entry {
    Route route;
    std::vector<Segment> segments;
    std::size_t literals = 0;
  };

  static bool matches(const Entry& entry, const std::vector<std::string>& segments);

  std::vector<Entry> entries_;
};

}  // namespace ktrdr::detail
