#include "data_config.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <set>
#include <utility>

#include "csv_archive_provider.hpp"
#include "synthetic_provider.hpp"
#include "tws_bar_provider.hpp"

namespace ktrdr::data {
namespace {

// "csv-archive, synthetic or tws".
std::string provider_list() {
  const auto& names = DataConfig::provider_names();
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  }
  return text;
}

// An integer from `low` to `high` in environment variable `name`.
Result<std::int64_t> env_integer(std::string_view name, const std::string& text, std::int64_t low,
                                 std::int64_t high) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    return Error::invalid_argument(std::string(name) + " must be an integer from " +
                                       std::to_string(low) + " to " + std::to_string(high) +
                                       ", got \"" + text + "\"",
                                   {{"field", std::string(name)}, {"value", text}});
  }
  return value;
}

// Reads one YAML file into a DataConfig, naming the file, line and key in every error.
class ConfigReader {
 public:
  explicit ConfigReader(std::filesystem::path path) : path_(std::move(path)) {}

  Result<DataConfig> read() {
    YAML::Node root;
    try {
      root = YAML::LoadFile(path_.string());
    } catch (const YAML::BadFile&) {
      return Error::io("cannot read the data config " + path_.string(),
                       {{"file", path_.string()}});
    } catch (const YAML::ParserException& e) {
      return Error::parse(path_.string() + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg,
                          {{"file", path_.string()}, {"line", std::to_string(e.mark.line + 1)}});
    }
    DataConfig config;
    config.source = path_.string();
    if (root.IsNull()) return config;
    if (!root.IsMap()) return bad(root, "", "must be a mapping");
    try {
      if (auto error = read_root(root, config)) return *error;
    } catch (const YAML::Exception& e) {
      return bad(root, "", e.msg);
    }
    return config;
  }

 private:
  std::optional<Error> read_root(const YAML::Node& root, DataConfig& config) {
    if (auto error = known_keys(root, "", {"data_dir", "provider", "providers", "pacing_speedup"}))
      return error;
    if (root["data_dir"]) config.data_dir = root["data_dir"].as<std::string>();
    if (const auto node = root["provider"]) {
      config.provider = node.as<std::string>();
      if (!is_provider(config.provider)) return bad(node, "provider", unknown_provider());
    }
    if (const auto node = root["pacing_speedup"]) {
      const auto speedup = node.as<std::int64_t>(0);
      if (speedup < 1 || speedup > 1'000'000)
        return bad(node, "pacing_speedup", "must be an integer from 1 to 1000000");
      config.pacing_speedup = static_cast<std::uint32_t>(speedup);
    }
    const auto providers = root["providers"];
    if (!providers) return std::nullopt;
    if (!providers.IsMap()) return bad(providers, "providers", "must be a mapping");
    if (auto error = known_keys(providers, "providers.", {"csv-archive", "synthetic", "tws"}))
      return error;
    if (const auto archive = providers["csv-archive"]) {
      if (auto error = known_keys(archive, "providers.csv-archive.", {"archive", "pacing"}))
        return error;
      if (const auto dir = archive["archive"]; dir && dir.as<std::string>() != "embedded") {
        std::filesystem::path directory = dir.as<std::string>();
        if (directory.is_relative()) directory = path_.parent_path() / directory;
        config.csv_archive.directory = directory.lexically_normal();
      }
      if (auto error = read_pacing(archive, "providers.csv-archive.pacing",
                                   config.csv_archive.pacing))
        return error;
    }
    if (const auto synthetic = providers["synthetic"]) {
      if (auto error = known_keys(synthetic, "providers.synthetic.", {"seed", "pacing"}))
        return error;
      if (const auto seed = synthetic["seed"]) config.synthetic.seed = seed.as<std::uint64_t>();
      if (auto error =
              read_pacing(synthetic, "providers.synthetic.pacing", config.synthetic.pacing))
        return error;
    }
    if (const auto tws = providers["tws"]) return read_tws(tws, config.tws);
    return std::nullopt;
  }

  std::optional<Error> read_tws(const YAML::Node& node, TwsSettings& out) {
    const std::string prefix = "providers.tws.";
    if (auto error = known_keys(node, prefix,
                                {"host", "port", "client_id", "use_rth", "connect_timeout",
                                 "request_timeout", "reconnect_max_backoff"}))
      return error;
    if (const auto host = node["host"]) out.host = host.as<std::string>();
    if (const auto port = node["port"]) {
      const auto value = port.as<std::int64_t>(0);
      if (value < 1 || value > 65535) return bad(port, prefix + "port", "must be from 1 to 65535");
      out.port = static_cast<std::uint16_t>(value);
    }
    if (const auto id = node["client_id"]) {
      const auto value = id.as<std::int64_t>(-1);
      if (value < 0 || value > 2147483647) {
        return bad(id, prefix + "client_id", "must be an integer from 0 to 2147483647");
      }
      out.client_id = static_cast<int>(value);
    }
    if (const auto rth = node["use_rth"]) out.use_rth = rth.as<bool>();
    for (const auto& [key, target] :
         {std::pair{"connect_timeout", &out.connect_timeout_seconds},
          std::pair{"request_timeout", &out.request_timeout_seconds},
          std::pair{"reconnect_max_backoff", &out.reconnect_max_backoff_seconds}}) {
      if (const auto seconds = node[key]) {
        const auto value = seconds.as<std::int64_t>(0);
        if (value < 1 || value > 3600) {
          return bad(seconds, prefix + key, "must be a number of seconds from 1 to 3600");
        }
        *target = static_cast<std::uint32_t>(value);
      }
    }
    return std::nullopt;
  }

  std::optional<Error> read_pacing(const YAML::Node& parent, const std::string& key,
                                   std::string& out) {
    const auto node = parent["pacing"];
    if (!node) return std::nullopt;
    out = node.as<std::string>();
    if (auto preset = pacing_preset(out); !preset) return bad(node, key, preset.error().message);
    return std::nullopt;
  }

  std::optional<Error> known_keys(const YAML::Node& node, const std::string& prefix,
                                  const std::set<std::string>& keys) {
    if (!node.IsMap()) return bad(node, prefix, "must be a mapping");
    for (const auto& entry : node) {
      const auto key = entry.first.as<std::string>();
      if (!keys.contains(key)) return bad(entry.first, prefix + key, "is not a known setting");
    }
    return std::nullopt;
  }

  Error bad(const YAML::Node& node, const std::string& key, const std::string& why) const {
    const auto line = std::to_string(node.Mark().line + 1);
    std::string message = path_.string() + ":" + line + ": ";
    message += key.empty() ? why : "`" + key + "` " + why;
    return Error::invalid_argument(std::move(message),
                                   {{"file", path_.string()}, {"line", line}, {"field", key}});
  }

  static bool is_provider(const std::string& name) {
    const auto& names = DataConfig::provider_names();
    return std::find(names.begin(), names.end(), name) != names.end();
  }

  static std::string unknown_provider() { return "must be " + provider_list(); }

  std::filesystem::path path_;
};

}  // namespace

Result<DataConfig> DataConfig::load(const EnvLookup& env) {
  Result<DataConfig> config = DataConfig{};
  if (const auto file = env("KTRDR_DATA_CONFIG"); file && !file->empty()) {
    config = from_file(*file);
  }
  if (!config) return config;
  if (const auto dir = env("KTRDR_DATA_DIR"); dir && !dir->empty()) config->data_dir = *dir;
  if (const auto provider = env("KTRDR_DATA_PROVIDER"); provider && !provider->empty()) {
    const auto& names = provider_names();
    if (std::find(names.begin(), names.end(), *provider) == names.end()) {
      return Error::invalid_argument(
          "KTRDR_DATA_PROVIDER must be " + provider_list() + ", got \"" + *provider + "\"",
          {{"field", "KTRDR_DATA_PROVIDER"}, {"value", *provider}});
    }
    config->provider = *provider;
  }
  if (const auto host = env("KTRDR_TWS_HOST"); host && !host->empty()) config->tws.host = *host;
  if (const auto port = env("KTRDR_TWS_PORT"); port && !port->empty()) {
    auto value = env_integer("KTRDR_TWS_PORT", *port, 1, 65535);
    if (!value) return std::move(value).error();
    config->tws.port = static_cast<std::uint16_t>(*value);
  }
  if (const auto id = env("KTRDR_TWS_CLIENT_ID"); id && !id->empty()) {
    auto value = env_integer("KTRDR_TWS_CLIENT_ID", *id, 0, 2147483647);
    if (!value) return std::move(value).error();
    config->tws.client_id = static_cast<int>(*value);
  }
  return config;
}

Result<DataConfig> DataConfig::from_file(const std::filesystem::path& path) {
  return ConfigReader(path).read();
}

const std::vector<std::string>& DataConfig::provider_names() {
  static const std::vector<std::string> names{"csv-archive", "synthetic", "tws"};
  return names;
}

Result<std::shared_ptr<BarProvider>> DataConfig::make_provider(std::string_view name) const {
  if (name == "csv-archive") {
    auto pacing = pacing_preset(csv_archive.pacing);
    if (!pacing) return std::move(pacing).error();
    return std::shared_ptr<BarProvider>(std::make_shared<CsvArchiveProvider>(
        CsvArchiveOptions{.directory = csv_archive.directory, .pacing = *pacing}));
  }
  if (name == "synthetic") {
    auto pacing = pacing_preset(synthetic.pacing);
    if (!pacing) return std::move(pacing).error();
    return std::shared_ptr<BarProvider>(std::make_shared<SyntheticProvider>(
        SyntheticOptions{.seed = synthetic.seed, .pacing = *pacing}));
  }
  if (name == "tws") {
    return std::shared_ptr<BarProvider>(std::make_shared<TwsBarProvider>(TwsProviderOptions{
        .client = {.host = tws.host,
                   .port = tws.port,
                   .client_id = tws.client_id,
                   .connect_timeout = std::chrono::seconds(tws.connect_timeout_seconds),
                   .request_timeout = std::chrono::seconds(tws.request_timeout_seconds),
                   .reconnect_max_backoff =
                       std::chrono::seconds(tws.reconnect_max_backoff_seconds)},
        .use_rth = tws.use_rth}));
  }
  return Error::invalid_argument(
      "provider must be " + provider_list() + ", got \"" + std::string(name) + "\"",
      {{"field", "provider"}, {"value", std::string(name)}});
}

std::unique_ptr<PacingClock> DataConfig::make_clock() const {
  if (pacing_speedup <= 1) return std::make_unique<SteadyPacingClock>();
  return std::make_unique<ScaledPacingClock>(pacing_speedup);
}

}  // namespace ktrdr::data
