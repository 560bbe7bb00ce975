#include "path_policy.hpp"

#include <algorithm>

namespace ktrdr::engine {
namespace {

namespace fs = std::filesystem;

// True when `path` is `root` or below it; both canonical.
bool inside(const fs::path& path, const fs::path& root) {
  return std::mismatch(root.begin(), root.end(), path.begin(), path.end()).first == root.end();
}

}  // namespace

PathPolicy PathPolicy::for_job_file(const fs::path& job_file) {
  PathPolicy policy;
  policy.working_dir_ = fs::current_path();
  policy.file_dir_ = (policy.working_dir_ / job_file).lexically_normal().parent_path();
  return policy;
}

Result<PathPolicy> PathPolicy::confined_to(const std::vector<fs::path>& roots) {
  PathPolicy policy;
  for (const fs::path& root : roots) {
    std::error_code ec;
    const fs::path canonical = fs::canonical(root, ec);
    if (ec || !fs::is_directory(canonical, ec)) {
      return Error::invalid_argument(
          "--root " + root.string() + ": not a directory" + (ec ? " (" + ec.message() + ")" : ""),
          {{"field", "--root"}, {"value", root.string()}});
    }
    policy.roots_.push_back(canonical);
  }
  if (policy.roots_.empty()) return Error::invalid_argument("a server needs at least one root");
  policy.file_dir_ = policy.working_dir_ = policy.roots_.front();
  return policy;
}

ParamSchema::PathResolver PathPolicy::resolver(
    std::function<bool(const std::string&)> from_file) const {
  return
      [this, from_file = std::move(from_file)](const std::string& field, const std::string& value) {
        return resolve(field, value, from_file(field));
      };
}

Result<std::string> PathPolicy::resolve(const std::string& field, const std::string& value,
                                        bool from_file) const {
  const fs::path path = ((from_file ? file_dir_ : working_dir_) / value).lexically_normal();
  if (roots_.empty()) return path.string();
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(path, ec);
  if (!ec && std::any_of(roots_.begin(), roots_.end(),
                         [&](const fs::path& root) { return inside(real, root); })) {
    return real.string();
  }
  std::string allowed;
  for (const fs::path& root : roots_) allowed += (allowed.empty() ? "" : ", ") + root.string();
  return Error::invalid_argument("param \"" + field + "\": " + value +
                                     (ec ? " cannot be resolved (" + ec.message() + ")"
                                         : (real == path ? "" : " (" + real.string() + ")") +
                                               " is outside the directories this server may use (" +
                                               allowed + "; see ktrdr serve --root)"),
                                 {{"field", field}, {"value", value}});
}

}  // namespace ktrdr::engine
