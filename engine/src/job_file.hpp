// Job files: the YAML a user writes to drive the engine (version, defaults, jobs with name / kind
// / params / needs / timeout / host_service). Parsing checks the structure and orders jobs by
// their dependencies; resolve_job_params() then applies defaults and --set overrides and checks
// params against each kind's schema. Every problem names the file, line, column and key.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/error.hpp"
#include "ktrdr/sdk/host_service_routing.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/param_schema.hpp"
#include "ktrdr/sdk/yaml_json.hpp"
#include "path_policy.hpp"

namespace ktrdr::engine {

inline constexpr int kJobFileVersion = 1;

struct JobSpec {
  std::string name;
  std::string kind;
  std::string description;
  Json params = Json::object();
  std::vector<std::string> needs;
  std::optional<std::chrono::milliseconds> timeout;
  RoutingOverride routing;
  std::string path;  // key path of this job in the file: "jobs[2]"
};

struct JobFile {
  std::string source;  // the file's path, or a name for text that came from elsewhere
  int version = kJobFileVersion;
  Json defaults = Json::object();
  std::vector<JobSpec> jobs;  // in dependency order (file order among independent jobs)
  SourceMarks marks;          // key path → where its value is in the source

  // "file:line:col: key: problem" as an invalid_argument error with file/line/column/key context.
  Error located(const std::string& key_path, const std::string& problem) const;
};

// The result of parsing or resolving: the file as far as it could be read, and every problem.
struct JobFileLoad {
  JobFile file;
  std::vector<Error> errors;
  bool ok() const { return errors.empty(); }
};

// A `--set` option: "key=value" (every job that has the param) or "job.key=value" (one job).
// The value is read as a YAML scalar or flow collection ("10", "true", "[a, b]").
struct ParamOverride {
  std::string job;  // empty = every job whose kind has the param
  std::string key;
  Json value;
  std::string text;  // as given, for messages
};
Result<ParamOverride> parse_param_override(std::string_view text);

JobFileLoad parse_job_file(const std::filesystem::path& path);
JobFileLoad parse_job_text(std::string_view text, std::string source);

// Applies defaults (to jobs whose schema has the key), then the job's params, then `overrides`,
// validates each job against `schema_of(kind)` (nullptr = unknown kind, reported with
// `unknown_kind(kind)`), fills schema defaults and resolves path params by `paths`. Appends
// problems to `errors`.
using SchemaLookup = std::function<const ParamSchema*(const std::string& kind)>;
void resolve_job_params(JobFile& file, const std::vector<ParamOverride>& overrides,
                        const PathPolicy& paths, const SchemaLookup& schema_of,
                        const std::function<std::string(const std::string& kind)>& unknown_kind,
                        std::vector<Error>& errors);

// "90" (seconds), "250ms", "90s", "5m", "2h".
std::optional<std::chrono::milliseconds> parse_duration(const Json& value);

}  // namespace ktrdr::engine
