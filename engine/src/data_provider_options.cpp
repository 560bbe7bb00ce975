// export_data_provider_options (commands.hpp): the command line's provider settings handed to
// the data plugin through its environment.
#include <cstdlib>
#include <string>

#include "commands.hpp"

namespace ktrdr::engine {

void export_data_provider_options(const DataProviderOptions& options) {
  const auto set = [](const char* name, const std::optional<std::string>& value) {
    if (value) ::setenv(name, value->c_str(), 1);
  };
  set("KTRDR_DATA_PROVIDER", options.provider);
  set("KTRDR_TWS_HOST", options.tws_host);
  if (options.tws_port) set("KTRDR_TWS_PORT", std::to_string(*options.tws_port));
  if (options.client_id) set("KTRDR_TWS_CLIENT_ID", std::to_string(*options.client_id));
}

}  // namespace ktrdr::engine
