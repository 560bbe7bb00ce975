// Plugin probe: runs a plugin's registration in a child process first (the ktrdr binary's hidden
// `__probe-plugin FILE` command, as GStreamer's plugin scanner does), so that a plugin that
// crashes or hangs while registering is refused with the reason instead of taking down
// `ktrdr plugins` or `ktrdr serve`. Stateless; thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace ktrdr::engine {

// Why the plugin must be refused — it died of a signal, exited abnormally or did not finish
// within `timeout` — or nullopt when its registration returned (whether the plugin registered
// correctly is then for the in-process load to say) or when no child could be started.
std::optional<std::string> probe_plugin(const std::filesystem::path& program,
                                        const std::filesystem::path& plugin,
                                        std::chrono::milliseconds timeout);

// The child's side, run by `ktrdr __probe-plugin FILE`: loads FILE and calls its register
// function. Exits 0 once that returned or threw.
inline constexpr const char* kProbeCommand = "__probe-plugin";

}  // namespace ktrdr::engine
