#include <algorithm>
#include <boost/dll/runtime_symbol_info.hpp>
#include <iomanip>
#include <iostream>

#include "commands.hpp"
#include "engine.hpp"
#include "job_runner.hpp"

namespace ktrdr::engine {
namespace {

Json adapter_json(const AdapterSpec& adapter) {
  Json json = Json::object();
  json.set("name", adapter.name)
      .set("env_prefix", adapter.env_prefix)
      .set("description", adapter.description);
  auto routing = resolve_routing(adapter.env_prefix, adapter.default_url, {});
  if (routing.ok()) {
    json.set("routing", routing->to_json());
  } else {
    json.set("routing_error", routing.error().message);
  }
  return json;
}

}  // namespace

int plugins_command(const GlobalOptions& global, const PluginsOptions& options) {
  Engine engine(PluginHost::default_search_path(global.plugin_dirs), 1);
  PluginHost& host = engine.plugins();
  host.probe_with(boost::dll::program_location());
  host.load_all();
  const bool any_refused =
      std::any_of(host.plugins().begin(), host.plugins().end(),
                  [](const PluginEntry& entry) { return entry.status == PluginStatus::kRefused; });
  const int exit_code = any_refused ? kExitFailed : kExitOk;

  if (options.check) {
    for (const PluginEntry& entry : host.plugins()) {
      if (entry.status == PluginStatus::kRefused) {
        std::cout << entry.path.string() << ": refused: " << entry.refusal << "\n";
      }
    }
    return exit_code;
  }

  if (options.json) {
    Json out = Json::object();
    Json path = Json::array();
    for (const auto& dir : host.search_path()) path.push_back(Json::string(dir.string()));
    out.set("search_path", path);
    Json plugins = Json::array();
    for (const PluginEntry& entry : host.plugins()) {
      Json item = entry.to_json();
      Json adapters = Json::array();
      for (const AdapterSpec& adapter : host.adapters(entry.name)) {
        adapters.push_back(adapter_json(adapter));
      }
      item.set("adapters", adapters);
      Json kinds = Json::array();
      for (const std::string& kind : entry.kinds) {
        if (const JobKindSpec* spec = host.find_kind(kind)) {
          Json k = Json::object();
          k.set("kind", kind).set("description", spec->description).set("params",
                                                                          spec->schema.to_json());
          kinds.push_back(k);
        }
      }
      item.set("job_kinds", kinds);
      plugins.push_back(item);
    }
    out.set("plugins", plugins);
    std::cout << out.dump_pretty() << "\n";
    return exit_code;
  }

  std::cout << "Plugin search path:\n";
  for (const auto& dir : host.search_path()) std::cout << "  " << dir.string() << "\n";
  if (host.plugins().empty()) std::cout << "\nNo plugins found.\n";
  for (const PluginEntry& entry : host.plugins()) {
    std::cout << "\n" << entry.name << " " << entry.version << "  [" << to_string(entry.status)
              << "]\n  path:  " << entry.path.string() << "\n";
    if (entry.status == PluginStatus::kRefused) {
      std::cout << "  refused: " << entry.refusal << "\n";
      continue;
    }
    if (entry.status == PluginStatus::kShadowed) {
      std::cout << "  shadowed by " << entry.refusal << " (earlier on the search path)\n";
      continue;
    }
    std::cout << "  sdk:   " << entry.sdk_version << " (" << entry.compiler << ", " << entry.stdlib
              << ")\n";
    for (const std::string& kind : entry.kinds) {
      const JobKindSpec* spec = host.find_kind(kind);
      std::cout << "  kind:  " << kind << (spec ? "  — " + spec->description : "") << "\n";
    }
    for (const AdapterSpec& adapter : host.adapters(entry.name)) {
      const Json json = adapter_json(adapter);
      std::cout << "  adapter: " << adapter.name << "  routing: "
                << (json.has("routing") ? json.at("routing").get_string("mode").value_or("") + " " +
                                              json.at("routing").get_string("url").value_or("")
                                        : json.get_string("routing_error").value_or(""))
                << "\n";
    }
  }
  return exit_code;
}

}  // namespace ktrdr::engine
