// Fuzz target: job files (engine/src/job_file.hpp). The input is the text of a job file: it is
// parsed, and when it parses, its params are resolved against a schema that has one param of each
// type (every kind gets it). Problems must come back as errors: a crash, hang, leak or undefined
// behaviour is a bug.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "job_file.hpp"
#include "ktrdr/sdk/param_schema.hpp"

namespace {

ktrdr::ParamSchema make_schema() {
  using ktrdr::Json;
  using ktrdr::ParamType;
  ktrdr::ParamSchema schema;
  schema.add({.name = "symbol", .type = ParamType::kString, .required = true,
              .pattern = "[A-Z0-9.\\-]{1,20}"})
      .add({.name = "timeframe", .type = ParamType::kString, .default_value = Json::string("1h"),
            .choices = {"1m", "1h", "1d"}})
      .add({.name = "start", .type = ParamType::kString})
      .add({.name = "end", .type = ParamType::kString})
      .add({.name = "limit", .type = ParamType::kInteger, .minimum = 1, .maximum = 1000})
      .add({.name = "threshold", .type = ParamType::kNumber, .minimum = 0})
      .add({.name = "dry_run", .type = ParamType::kBoolean})
      .add({.name = "symbols", .type = ParamType::kStringList, .choices = {"AAPL", "MSFT"}})
      .add({.name = "options", .type = ParamType::kObject})
      .add({.name = "extra", .type = ParamType::kAny})
      .add({.name = "data_dir", .type = ParamType::kPath})
      .check(ktrdr::time_range_check());
  return schema;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ktrdr::ParamSchema schema = make_schema();
  static const auto paths = ktrdr::engine::PathPolicy::for_job_file("/jobs/fuzz.yaml");
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto load = ktrdr::engine::parse_job_text(text, "fuzz.yaml");
  if (!load.ok()) return 0;
  ktrdr::engine::resolve_job_params(
      load.file, /*overrides=*/{}, paths, [](const std::string&) { return &schema; },
      [](const std::string& kind) { return "unknown kind " + kind; }, load.errors);
  return 0;
}
