#include "job_file.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace ktrdr::engine {
namespace {

const std::set<std::string, std::less<>> kTopKeys = {"version", "description", "defaults", "jobs"};
const std::set<std::string, std::less<>> kJobKeys = {"name",    "kind",         "description",
                                                     "params",  "needs",        "timeout",
                                                     "host_service"};
const std::set<std::string, std::less<>> kHostServiceKeys = {"enabled", "url"};
const std::regex kJobName("[A-Za-z0-9_-]{1,64}");

std::string join(const std::set<std::string, std::less<>>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

std::string describe(const Json& value) {
  return value.is_string() ? "\"" + value.as_string() + "\"" : value.dump();
}

class StructureChecker {
 public:
  explicit StructureChecker(JobFileLoad& load) : load_(load), file_(load.file) {}

  void check(const Json& doc) {
    if (!doc.is_object()) {
      problem("", "a job file is a mapping with `version` and `jobs`");
      return;
    }
    unknown_keys(doc, "", kTopKeys);
    check_version(doc);
    if (doc.has("defaults")) {
      if (doc.at("defaults").is_object()) {
        file_.defaults = doc.at("defaults");
      } else {
        problem("defaults", "expected a mapping of param names to values");
      }
    }
    const Json jobs = doc.at("jobs");
    if (!jobs.is_array() || jobs.size() == 0) {
      problem(doc.has("jobs") ? "jobs" : "", "expected `jobs`: a list of at least one job");
      return;
    }
    std::vector<JobSpec> specs;
    for (std::size_t i = 0; i < jobs.size(); ++i) {
      if (auto spec = check_job(jobs[i], "jobs[" + std::to_string(i) + "]")) {
        specs.push_back(std::move(*spec));
      }
    }
    if (load_.ok()) order(std::move(specs));
  }

 private:
  void problem(const std::string& path, const std::string& what) {
    load_.errors.push_back(file_.located(path, what));
  }

  void unknown_keys(const Json& object, const std::string& path,
                    const std::set<std::string, std::less<>>& allowed) {
    for (const std::string& key : object.keys()) {
      if (!allowed.contains(key)) {
        problem(path.empty() ? key : path + "." + key,
                "unknown key `" + key + "` (expected one of: " + join(allowed) + ")");
      }
    }
  }

  void check_version(const Json& doc) {
    if (!doc.has("version")) {
      problem("", "missing `version` (this engine reads version " +
                      std::to_string(kJobFileVersion) + ")");
      return;
    }
    const Json version = doc.at("version");
    if (!version.is_integer() || version.as_int() != kJobFileVersion) {
      problem("version", "unsupported version " + describe(version) +
                             " (this engine reads version " + std::to_string(kJobFileVersion) +
                             ")");
    }
  }

  std::optional<std::string> required_string(const Json& job, const std::string& path,
                                             const char* key) {
    if (!job.has(key)) {
      problem(path, std::string("missing required key `") + key + "`");
      return std::nullopt;
    }
    const Json value = job.at(key);
    if (!value.is_string() || value.as_string().empty()) {
      problem(path + "." + key, "expected a non-empty string, got " + describe(value));
      return std::nullopt;
    }
    return value.as_string();
  }

  std::optional<JobSpec> check_job(const Json& job, const std::string& path) {
    if (!job.is_object()) {
      problem(path, "expected a job: a mapping with `name`, `kind` and `params`");
      return std::nullopt;
    }
    const std::size_t errors_before = load_.errors.size();
    unknown_keys(job, path, kJobKeys);
    JobSpec spec;
    spec.path = path;
    if (auto name = required_string(job, path, "name")) {
      spec.name = *name;
      if (!std::regex_match(spec.name, kJobName)) {
        problem(path + ".name", "job names use letters, digits, '_' and '-' (got \"" +
                                    spec.name + "\")");
      } else if (auto [it, inserted] = names_.emplace(spec.name, path); !inserted) {
        problem(path + ".name", "duplicate job name \"" + spec.name + "\" (first used at line " +
                                    std::to_string(mark(it->second + ".name").line) + ")");
      }
    }
    if (auto kind = required_string(job, path, "kind")) spec.kind = *kind;
    if (job.has("description")) spec.description = job.at("description").as_string();
    if (job.has("params")) {
      if (job.at("params").is_object()) {
        spec.params = job.at("params");
      } else {
        problem(path + ".params", "expected a mapping of param names to values");
      }
    }
    check_needs(job, path, spec);
    if (job.has("timeout")) {
      spec.timeout = parse_duration(job.at("timeout"));
      if (!spec.timeout || spec.timeout->count() <= 0) {
        problem(path + ".timeout", "expected a positive duration such as 90, \"90s\", \"5m\" or "
                                   "\"2h\", got " + describe(job.at("timeout")));
      }
    }
    if (job.has("host_service")) check_host_service(job.at("host_service"), path, spec);
    if (load_.errors.size() != errors_before) return std::nullopt;
    return spec;
  }

  void check_needs(const Json& job, const std::string& path, JobSpec& spec) {
    if (!job.has("needs")) return;
    const Json needs = job.at("needs");
    if (needs.is_string()) {
      spec.needs.push_back(needs.as_string());
      return;
    }
    if (!needs.is_array()) {
      problem(path + ".needs", "expected a job name or a list of job names");
      return;
    }
    for (std::size_t i = 0; i < needs.size(); ++i) {
      if (!needs[i].is_string()) {
        problem(path + ".needs[" + std::to_string(i) + "]", "expected a job name");
      } else {
        spec.needs.push_back(needs[i].as_string());
      }
    }
  }

  void check_host_service(const Json& value, const std::string& path, JobSpec& spec) {
    const std::string key = path + ".host_service";
    if (!value.is_object()) {
      problem(key, "expected a mapping with `enabled` and optionally `url`");
      return;
    }
    unknown_keys(value, key, kHostServiceKeys);
    if (value.has("enabled")) {
      if (!value.at("enabled").is_bool()) {
        problem(key + ".enabled", "expected true or false, got " + describe(value.at("enabled")));
      } else {
        spec.routing.use_host_service = value.at("enabled").as_bool();
      }
    }
    if (value.has("url")) {
      const std::string url = value.at("url").as_string();
      if (url.rfind("http://", 0) != 0) {
        problem(key + ".url", "expected an http:// URL, got " + describe(value.at("url")));
      } else {
        spec.routing.url = url;
      }
    }
  }

  // Orders jobs so that every job comes after the jobs it needs (file order otherwise), and
  // reports unknown needs and cycles.
  void order(std::vector<JobSpec> specs) {
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < specs.size(); ++i) index[specs[i].name] = i;
    for (const JobSpec& spec : specs) {
      for (std::size_t n = 0; n < spec.needs.size(); ++n) {
        const std::string& need = spec.needs[n];
        if (!index.contains(need)) {
          problem(spec.path + ".needs", "needs unknown job \"" + need + "\"");
        } else if (need == spec.name) {
          problem(spec.path + ".needs", "job \"" + need + "\" needs itself");
        }
      }
    }
    if (!load_.ok()) return;
    std::vector<int> state(specs.size(), 0);  // 0 = new, 1 = on the path, 2 = placed
    std::vector<std::string> path;
    std::vector<JobSpec> ordered;
    std::function<bool(std::size_t)> visit = [&](std::size_t i) {
      if (state[i] == 2) return true;
      if (state[i] == 1) {
        std::string cycle;
        auto start = std::find(path.begin(), path.end(), specs[i].name);
        for (auto it = start; it != path.end(); ++it) cycle += *it + " → ";
        problem(specs[index[*start]].path + ".needs", "dependency cycle: " + cycle + specs[i].name);
        return false;
      }
      state[i] = 1;
      path.push_back(specs[i].name);
      for (const std::string& need : specs[i].needs) {
        if (!visit(index[need])) return false;
      }
      path.pop_back();
      state[i] = 2;
      ordered.push_back(specs[i]);
      return true;
    };
    for (std::size_t i = 0; i < specs.size(); ++i) {
      if (!visit(i)) return;
    }
    file_.jobs = std::move(ordered);
  }

  SourceMark mark(const std::string& path) const {
    auto it = file_.marks.find(path);
    return it == file_.marks.end() ? SourceMark{} : it->second;
  }

  JobFileLoad& load_;
  JobFile& file_;
  std::map<std::string, std::string> names_;  // job name → path of its first definition
};

}  // namespace

Error JobFile::located(const std::string& key_path, const std::string& problem) const {
  std::string path = key_path;
  auto it = marks.find(path);
  while (it == marks.end() && !path.empty()) {
    const auto cut = path.find_last_of(".[");
    path = cut == std::string::npos ? "" : path.substr(0, cut);
    it = marks.find(path);
  }
  const SourceMark where = it == marks.end() ? SourceMark{1, 1} : it->second;
  const std::string key = key_path.empty() ? "(top level)" : key_path;
  return Error::invalid_argument(
      source + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) + ": " +
          key + ": " + problem,
      {{"file", source},
       {"line", std::to_string(where.line)},
       {"column", std::to_string(where.column)},
       {"key", key}});
}

std::optional<std::chrono::milliseconds> parse_duration(const Json& value) {
  using std::chrono::milliseconds;
  // A year at most: longer is a typo, and any count past int64 (1.0e300) is undefined to convert.
  constexpr double kMaxMillis = 366.0 * 24 * 3600 * 1000;
  const auto bounded = [&](double millis) -> std::optional<milliseconds> {
    if (!std::isfinite(millis) || millis < 0 || millis > kMaxMillis) return std::nullopt;
    return milliseconds(static_cast<std::int64_t>(millis));
  };
  if (value.is_number()) return bounded(value.as_number() * 1000);
  if (!value.is_string()) return std::nullopt;
  static const std::regex kDuration(R"(\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*)");
  std::smatch match;
  const std::string text = value.as_string();
  if (!std::regex_match(text, match, kDuration)) return std::nullopt;
  const double amount = std::stod(match[1].str());
  const std::string unit = match[2].matched ? match[2].str() : "s";
  const double factor = unit == "ms" ? 1 : unit == "s" ? 1e3 : unit == "m" ? 6e4 : 3.6e6;
  return bounded(amount * factor);
}

Result<ParamOverride> parse_param_override(std::string_view text) {
  const auto equals = text.find('=');
  const std::string where = "--set " + std::string(text);
  if (equals == std::string_view::npos || equals == 0) {
    return Error::invalid_argument(where + ": expected key=value or job.key=value",
                                   {{"value", std::string(text)}});
  }
  ParamOverride override_;
  override_.text = std::string(text);
  std::string key(text.substr(0, equals));
  if (const auto dot = key.find('.'); dot != std::string::npos) {
    override_.job = key.substr(0, dot);
    key = key.substr(dot + 1);
  }
  override_.key = key;
  auto parsed = parse_yaml(text.substr(equals + 1), "the value");
  if (!parsed) {
    return Error::invalid_argument(where + ": " + parsed.error().message,
                                   {{"value", std::string(text)}});
  }
  override_.value = std::move(parsed->value);
  return override_;
}

JobFileLoad parse_job_text(std::string_view text, std::string source) {
  JobFileLoad load;
  load.file.source = std::move(source);
  auto parsed = parse_yaml(text, load.file.source);
  if (!parsed) {
    Error error = std::move(parsed).error();
    error.code = ErrorCode::kInvalidArgument;
    load.errors.push_back(std::move(error));
    return load;
  }
  load.file.marks = std::move(parsed->marks);
  const Json& doc = parsed->value;
  for (const auto& [path, mark] : parsed->duplicates) {
    load.file.marks[path] = mark;
    load.errors.push_back(load.file.located(path, "duplicate key"));
  }
  StructureChecker(load).check(doc);
  return load;
}

JobFileLoad parse_job_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    JobFileLoad load;
    load.file.source = path.string();
    load.errors.push_back(Error::io(path.string() + ": cannot read the job file",
                                    {{"file", path.string()}}));
    return load;
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse_job_text(text.str(), path.string());
}

void resolve_job_params(JobFile& file, const std::vector<ParamOverride>& overrides,
                        const PathPolicy& paths, const SchemaLookup& schema_of,
                        const std::function<std::string(const std::string& kind)>& unknown_kind,
                        std::vector<Error>& errors) {
  std::set<std::string> used_defaults;
  std::vector<bool> used_overrides(overrides.size(), false);
  for (JobSpec& job : file.jobs) {
    const ParamSchema* schema = schema_of(job.kind);
    if (schema == nullptr) {
      errors.push_back(file.located(job.path + ".kind", unknown_kind(job.kind)));
      continue;
    }
    Json params = Json::object();
    for (const std::string& key : file.defaults.keys()) {
      if (schema->find(key) != nullptr) {
        params.set(key, file.defaults.at(key));
        used_defaults.insert(key);
      }
    }
    params.merge(job.params);
    std::map<std::string, const ParamOverride*> overridden;  // param → the --set that gave it
    for (std::size_t i = 0; i < overrides.size(); ++i) {
      const ParamOverride& o = overrides[i];
      if (o.job.empty() ? schema->find(o.key) != nullptr : o.job == job.name) {
        params.set(o.key, o.value);
        overridden[o.key] = &o;
        used_overrides[i] = true;
      }
    }
    const auto written_in_file = [&](const std::string& field) {
      return !overridden.contains(field) && (job.params.has(field) || file.defaults.has(field));
    };
    for (const Error& error : schema->validate(params, paths.resolver(written_in_file))) {
      const std::string field = error.get("field").value_or("");
      if (auto o = overridden.find(field); o != overridden.end()) {
        // The value came from the command line: point there, not at the file.
        errors.push_back(Error::invalid_argument(
            "--set " + o->second->text + " (job \"" + job.name + "\"): " + error.message,
            {{"key", field}, {"value", o->second->text}}));
        continue;
      }
      const bool from_job = job.params.has(field) || !file.defaults.has(field);
      const std::string path = from_job ? job.path + ".params" + (field.empty() ? "" : "." + field)
                                        : "defaults." + field;
      errors.push_back(file.located(path, error.message));
    }
    job.params = std::move(params);
  }
  for (const std::string& key : file.defaults.keys()) {
    if (!used_defaults.contains(key)) {
      errors.push_back(file.located("defaults." + key, "no job in this file has a param `" + key +
                                                           "`"));
    }
  }
  for (std::size_t i = 0; i < overrides.size(); ++i) {
    if (!used_overrides[i]) {
      const ParamOverride& o = overrides[i];
      errors.push_back(Error::invalid_argument(
          "--set " + o.text + ": " +
              (o.job.empty() ? "no job in " + file.source + " has a param `" + o.key + "`"
                             : "no job named \"" + o.job + "\" in " + file.source),
          {{"key", o.key}}));
    }
  }
}

}  // namespace ktrdr::engine
