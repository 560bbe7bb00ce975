// Host-service routing: job override > environment > local default.
#include "ktrdr/sdk/host_service_routing.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstdlib>

namespace ktrdr {
namespace {

constexpr std::string_view kUrlScheme = "http://";

std::string lower(std::string_view text) {
  std::string result(text);
  std::transform(result.begin(), result.end(), result.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return result;
}

// The URL, or an invalid_argument error naming where it came from.
Result<std::string> checked_url(std::string_view where, std::string url) {
  if (url.size() <= kUrlScheme.size() || !url.starts_with(kUrlScheme)) {
    return Error::invalid_argument(
        std::string(where) + " must be an http:// URL, got \"" + url + "\"",
        {{"field", std::string(where)}, {"value", url}});
  }
  return url;
}

// The host service's URL: the job's, else the environment's, else the domain's default.
Result<std::string> host_url(const RoutingOverride& job_override, const std::string& url_variable,
                             std::string_view default_url, const EnvLookup& env) {
  if (job_override.url) return checked_url("the job's host service URL", *job_override.url);
  if (auto value = env(url_variable)) return checked_url(url_variable, *std::move(value));
  return checked_url("the default " + url_variable, std::string(default_url));
}

}  // namespace

Json RoutingDecision::to_json() const {
  Json json = Json::object();
  json.set("mode", mode == RoutingMode::kHostService ? "host_service" : "local");
  if (mode == RoutingMode::kHostService) json.set("url", url);
  json.set("source", source);
  return json;
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

Result<bool> parse_flag(std::string_view variable, std::string_view value) {
  static constexpr std::array<std::string_view, 4> kTrue{"true", "1", "yes", "on"};
  static constexpr std::array<std::string_view, 4> kFalse{"false", "0", "no", "off"};
  const std::string word = lower(value);
  if (std::find(kTrue.begin(), kTrue.end(), word) != kTrue.end()) return true;
  if (std::find(kFalse.begin(), kFalse.end(), word) != kFalse.end()) return false;
  return Error::invalid_argument(std::string(variable) +
                                     " must be true/false/1/0/yes/no/on/off, got \"" +
                                     std::string(value) + "\"",
                                 {{"field", std::string(variable)}, {"value", std::string(value)}});
}

Result<RoutingDecision> resolve_routing(std::string_view prefix, std::string_view default_url,
                                        const RoutingOverride& job_override, const EnvLookup& env) {
  const std::string flag_variable = "USE_" + std::string(prefix) + "_HOST_SERVICE";
  const std::string url_variable = std::string(prefix) + "_HOST_SERVICE_URL";

  RoutingDecision decision;
  decision.source = "default";
  bool use_host_service = false;
  if (job_override.use_host_service) {
    use_host_service = *job_override.use_host_service;
    decision.source = "job";
  } else if (auto value = env(flag_variable)) {
    auto flag = parse_flag(flag_variable, *value);
    if (!flag) return std::move(flag).error();
    use_host_service = *flag;
    decision.source = "env " + flag_variable;
  }
  if (!use_host_service) return decision;

  auto url = host_url(job_override, url_variable, default_url, env);
  if (!url) return std::move(url).error();
  decision.mode = RoutingMode::kHostService;
  decision.url = std::move(url).value();
  return decision;
}

}  // namespace ktrdr
