// PathPolicy: where a job's relative path params point, and which directories they may name.
// `ktrdr run` resolves a value written in the job file against the file's directory, and a --set
// value or a default against the working directory, so a job file means the same wherever it is
// run from and whether or not it is routed to a host service (which receives absolute paths).
// `ktrdr serve` resolves every relative path against its first root and refuses any path that is
// not inside one of its roots once symlinks are followed.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ktrdr/sdk/param_schema.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr::engine {

class PathPolicy {
 public:
  // Takes paths as given (only normalised): for parts that neither run nor serve jobs.
  PathPolicy() = default;
  // For the job file at `job_file`, run from the process's working directory.
  static PathPolicy for_job_file(const std::filesystem::path& job_file);
  // For a server confined to `roots` (each an existing directory; the first is the base of
  // relative paths). An invalid_argument error names a root that is not a directory.
  static Result<PathPolicy> confined_to(const std::vector<std::filesystem::path>& roots);

  // The path param `field` = `value` as the job uses it; `from_file` when the value was written
  // in the job file (else it came from the command line, a request or a default). An
  // invalid_argument error naming the field when it lies outside the roots.
  Result<std::string> resolve(const std::string& field, const std::string& value,
                              bool from_file) const;
  // resolve() for one job's params; `from_file(field)` tells where each value came from.
  ParamSchema::PathResolver resolver(std::function<bool(const std::string&)> from_file) const;
  const std::vector<std::filesystem::path>& roots() const { return roots_; }

 private:
  std::filesystem::path file_dir_;
  std::filesystem::path working_dir_;
  std::vector<std::filesystem::path> roots_;  // canonical; empty = not confined
};

}  // namespace ktrdr::engine
