// Reads a plugin's KtrdrPluginDescriptor straight from its ELF file, without loading the library,
// so the engine can check versions before any plugin code runs. Stateless; thread-safe.
#pragma once

#include <filesystem>

#include "ktrdr/sdk/plugin_api.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr::engine {

// Errors: io (unreadable), plugin_refused (not an ELF shared object, no .ktrdr_plugin section,
// a truncated or unknown descriptor). Each message names the file.
Result<KtrdrPluginDescriptor> read_plugin_descriptor(const std::filesystem::path& file);

}  // namespace ktrdr::engine
