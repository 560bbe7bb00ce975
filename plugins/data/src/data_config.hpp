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

struct DataConfig {
  std::filesystem::path data_dir = "data";  // relative to the working directory
  std::string provider = "csv-archive";     // the default of data.load's `provider`
  CsvArchiveSettings csv_archive;
  SyntheticSettings synthetic;
  // Pacing clocks run this many times faster than real time (1 = real; tests use more).
  std::uint32_t pacing_speedup = 1;
  // Where the file came from, for messages ("defaults" when none).
  std::string source = "defaults";

  // The configuration for this process: the file named by KTRDR_DATA_CONFIG (read through
  // `env`), else the defaults; KTRDR_DATA_DIR, when set, overrides data_dir.
  static Result<DataConfig> load(const EnvLookup& env = process_env());
  // Parses a YAML file. Relative archive directories resolve against the file's directory.
  // Errors (kIo, kParse, kInvalidArgument) name the file, the key and the value.
  static Result<DataConfig> from_file(const std::filesystem::path& path);

  // The provider names data.load accepts.
  static const std::vector<std::string>& provider_names();
  // A new in-process provider by name ("csv-archive", "synthetic"); invalid_argument naming the
  // name otherwise.
  Result<std::shared_ptr<BarProvider>> make_provider(std::string_view name) const;
  // A pacing clock at pacing_speedup.
  std::unique_ptr<PacingClock> make_clock() const;
};

}  // namespace ktrdr::data
