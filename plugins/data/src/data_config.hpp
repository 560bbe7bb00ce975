// DataConfig: the data domain's settings — where the store lives, which provider a load uses by
// default, how each provider is set up (archive source, seed, declared pacing) and the pacing
// clock's speed-up (tests). Read from the YAML file named by KTRDR_DATA_CONFIG, else defaults
// (the embedded sample archive). Plain value; thread-compatible.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bar_provider.hpp"
#include "ktrdr/sdk/host_service_routing.hpp"
#include "ktrdr/sdk/result.hpp"
#include "pacing_clock.hpp"

namespace ktrdr::data {

struct CsvArchiveSettings {
  // A directory of `<SYMBOL>_<TF>.csv` files; nullopt for the sample embedded in the plugin.
  std::optional<std::filesystem::path> directory;
  std::string pacing = "unlimited";  // a pacing_preset name
};

struct SyntheticSettings {
  std::uint64_t seed = 42;
  std::string pacing = "unlimited";
};

// Where the "tws" provider finds TWS or IB Gateway (tws_bar_provider.hpp).
struct TwsSettings {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4002;  // IB Gateway paper; 7497 for TWS paper
  int client_id = 1;
  bool use_rth = false;  // regular trading hours only
  std::uint32_t connect_timeout_seconds = 10;
  std::uint32_t request_timeout_seconds = 60;
  // After a dropped connection, reconnect attempts 1 s apart, doubling up to this.
  std::uint32_t reconnect_max_backoff_seconds = 60;
};

struct DataConfig {
  std::filesystem::path data_dir = "data";  // relative to the working directory
  std::string provider = "csv-archive";     // the default of data.load's `provider`
  CsvArchiveSettings csv_archive;
  SyntheticSettings synthetic;
  TwsSettings tws;
  // Pacing clocks run this many times faster than real time (1 = real; tests use more).
  std::uint32_t pacing_speedup = 1;
  // Where the file came from, for messages ("defaults" when none).
  std::string source = "defaults";

  // The configuration for this process: the file named by KTRDR_DATA_CONFIG (read through
  // `env`), else the defaults; then, when set, KTRDR_DATA_DIR overrides data_dir,
  // KTRDR_DATA_PROVIDER provider, and KTRDR_TWS_HOST / KTRDR_TWS_PORT / KTRDR_TWS_CLIENT_ID the
  // tws settings (what `ktrdr serve --provider --tws-host --tws-port --client-id` set).
  // Errors: the file's, or kInvalidArgument naming the variable and its value.
  static Result<DataConfig> load(const EnvLookup& env = process_env());
  // Parses a YAML file. Relative archive directories resolve against the file's directory.
  // Errors (kIo, kParse, kInvalidArgument) name the file, the key and the value.
  static Result<DataConfig> from_file(const std::filesystem::path& path);

  // The provider names data.load accepts.
  static const std::vector<std::string>& provider_names();
  // A new in-process provider by name ("csv-archive", "synthetic", "tws"); invalid_argument
  // naming the name otherwise.
  Result<std::shared_ptr<BarProvider>> make_provider(std::string_view name) const;
  // A pacing clock at pacing_speedup.
  std::unique_ptr<PacingClock> make_clock() const;
};

}  // namespace ktrdr::data
