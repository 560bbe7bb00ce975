// HttpRouter: pattern parsing and matching.
#include "http_router.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace ktrdr::detail {

void HttpRouter::add(Route route) {
  const std::string& pattern = route.pattern;
  if (pattern.empty() || pattern.front() != '/') {
    throw std::invalid_argument("route pattern must start with '/': \"" + pattern + "\"");
  }
  Entry entry;
  std::size_t start = 1;
  while (true) {
    const auto end = pattern.find('/', start);
    std::string text = pattern.substr(start, end == std::string::npos ? end : end - start);
    const bool capture = text.size() >= 2 && text.front() == '{' && text.back() == '}';
    if (capture) {
      text = text.substr(1, text.size() - 2);
      if (text.empty()) {
        throw std::invalid_argument("route pattern has an unnamed capture: \"" + pattern + "\"");
      }
    } else {
      ++entry.literals;
    }
    entry.segments.push_back({std::move(text), capture});
    if (end == std::string::npos) break;
    start = end + 1;
  }
  for (const auto& existing : entries_) {
    if (existing.route.method == route.method && existing.route.pattern == pattern) {
      throw std::invalid_argument("route added twice: \"" + pattern + "\"");
    }
  }
  entry.route = std::move(route);
  entries_.push_back(std::move(entry));
}

bool HttpRouter::matches(const Entry& entry, const std::vector<std::string>& segments) {
  if (entry.segments.size() != segments.size()) return false;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (!entry.segments[i].capture && entry.segments[i].text != segments[i]) return false;
  }
  return true;
}

RouteMatch HttpRouter::match(std::optional<HttpMethod> method,
                             const std::vector<std::string>& segments) const {
  RouteMatch result;
  const Entry* best = nullptr;
  for (const auto& entry : entries_) {
    if (!matches(entry, segments)) continue;
    if (method && entry.route.method == *method) {
      if (best == nullptr || entry.literals > best->literals) best = &entry;
    } else if (std::find(result.allowed.begin(), result.allowed.end(), entry.route.method) ==
               result.allowed.end()) {
      result.allowed.push_back(entry.route.method);
    }
  }
  if (best == nullptr) return result;
  result.allowed.clear();
  result.route = &best->route;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (best->segments[i].capture) result.params[best->segments[i].text] = segments[i];
  }
  return result;
}

}  // namespace ktrdr::detail
