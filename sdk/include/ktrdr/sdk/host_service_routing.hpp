// Host-service routing: whether a domain runs in-process or on its host service, decided from
// USE_<PREFIX>_HOST_SERVICE / <PREFIX>_HOST_SERVICE_URL, with a per-job override winning.
// Stateless; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

enum class RoutingMode { kLocal, kHostService };

struct RoutingDecision {
  RoutingMode mode = RoutingMode::kLocal;
  std::string url;     // the host service's base URL in kHostService mode
  std::string source;  // what decided it: "default", "env USE_X_HOST_SERVICE", "job"

  // {"mode": "local"|"host_service", "url": …, "source": …}
  Json to_json() const;
};

// A job's own choice; unset fields fall back to the environment.
struct RoutingOverride {
  std::optional<bool> use_host_service;
  std::optional<std::string> url;
};

// Reads an environment variable; nullopt when unset. Injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_env();

// true/1/yes/on and false/0/no/off (any case); anything else is an invalid_argument error that
// names `variable` and the value.
Result<bool> parse_flag(std::string_view variable, std::string_view value);

// Decides the route for the domain with env prefix `prefix` (e.g. "IB", "TRAINING").
// `default_url` is used when host mode is on and no URL is configured.
Result<RoutingDecision> resolve_routing(std::string_view prefix, std::string_view default_url,
                                        const RoutingOverride& job_override,
                                        const EnvLookup& env = process_env());

}  // namespace ktrdr
