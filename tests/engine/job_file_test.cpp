#include <catch2/catch.hpp>

#include <filesystem>

#include "job_file.hpp"
#include "temp_dir.hpp"

using namespace ktrdr;
using namespace ktrdr::engine;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

JobFileLoad parse(const std::string& text) { return parse_job_text(text, "jobs.yaml"); }

// The one error of `load` (a copy: `load` is often a temporary); fails unless there is one.
Error only_error(const JobFileLoad& load) {
  INFO(load.errors.size() << " errors");
  for (const auto& e : load.errors) INFO(e.message);
  REQUIRE(load.errors.size() == 1);
  return load.errors.front();
}

ParamSchema test_schema() {
  ParamSchema schema;
  schema.add({.name = "limit", .type = ParamType::kInteger, .required = true, .minimum = 2});
  schema.add({.name = "data_dir", .type = ParamType::kPath,
              .default_value = Json::string("./data")});
  schema.add({.name = "models_dir", .type = ParamType::kPath});
  return schema;
}

}  // namespace

TEST_CASE("a valid job file is parsed and ordered by its dependencies", "[engine][jobfile]") {
  const auto load = parse(R"(version: 1
defaults: {data_dir: /tmp/d}
jobs:
  - name: train
    kind: test.b
    needs: [load]
    timeout: 5m
    host_service: {enabled: true, url: "http://127.0.0.1:5002"}
  - name: load
    kind: test.a
    params: {limit: 10, symbols: [AAPL, MSFT], ratio: 0.5, flag: true, quoted: "007"}
)");
  REQUIRE(load.ok());
  REQUIRE(load.file.jobs.size() == 2);
  CHECK(load.file.jobs[0].name == "load");
  CHECK(load.file.jobs[1].name == "train");
  const JobSpec& job = load.file.jobs[0];
  CHECK(job.params.get_int("limit") == 10);
  CHECK(job.params.at("symbols").as_string_array() == std::vector<std::string>{"AAPL", "MSFT"});
  CHECK(job.params.get_number("ratio") == Approx(0.5));
  CHECK(job.params.get_bool("flag") == true);
  CHECK(job.params.get_string("quoted") == "007");
  const JobSpec& train = load.file.jobs[1];
  CHECK(train.timeout == std::chrono::minutes(5));
  CHECK(train.routing.use_host_service == true);
  CHECK(train.routing.url == "http://127.0.0.1:5002");
}

TEST_CASE("job file mistakes are reported with file, line, column and key", "[engine][jobfile]") {
  SECTION("invalid YAML") {
    const Error e = only_error(parse("version: 1\njobs: [\n  {name: a\n"));
    CHECK_THAT(e.message, StartsWith("jobs.yaml:") && Contains("invalid YAML"));
    CHECK(e.get("line").has_value());
  }
  SECTION("an unknown top-level key") {
    const Error e = only_error(parse("version: 1\njbos: []\njobs:\n  - {name: a, kind: k}\n"));
    CHECK_THAT(e.message, StartsWith("jobs.yaml:2:7: jbos: unknown key `jbos`"));
    CHECK(e.get("line") == "2");
    CHECK(e.get("column") == "7");
    CHECK(e.get("key") == "jbos");
  }
  SECTION("an unsupported version") {
    const Error e = only_error(parse("version: 2\njobs:\n  - {name: a, kind: k}\n"));
    CHECK_THAT(e.message, StartsWith("jobs.yaml:1:10: version: unsupported version 2"));
  }
  SECTION("a missing version") {
    const Error e = only_error(parse("jobs:\n  - {name: a, kind: k}\n"));
    CHECK_THAT(e.message, Contains("missing `version`"));
  }
  SECTION("a job without a kind") {
    const Error e = only_error(parse("version: 1\njobs:\n  - name: a\n    params: {}\n"));
    CHECK_THAT(e.message, StartsWith("jobs.yaml:3:5: jobs[0]: missing required key `kind`"));
  }
  SECTION("a wrong type") {
    const Error& e =
        only_error(parse("version: 1\njobs:\n  - name: a\n    kind: k\n    params: [1, 2]\n"));
    CHECK_THAT(e.message, StartsWith("jobs.yaml:5:13: jobs[0].params: expected a mapping"));
  }
  SECTION("an unknown job key") {
    const Error& e =
        only_error(parse("version: 1\njobs:\n  - name: a\n    kind: k\n    parms: {}\n"));
    CHECK_THAT(e.message, StartsWith("jobs.yaml:5:12: jobs[0].parms: unknown key `parms`"));
  }
  SECTION("duplicate job names") {
    const Error e = only_error(
        parse("version: 1\njobs:\n  - {name: a, kind: k}\n  - {name: a, kind: k}\n"));
    CHECK_THAT(e.message, StartsWith("jobs.yaml:4:12: jobs[1].name: duplicate job name \"a\"") &&
                              Contains("line 3"));
  }
  SECTION("a duplicate key") {
    const Error e = only_error(parse("version: 1\njobs:\n  - name: a\n    kind: k\n    kind: j\n"));
    CHECK_THAT(e.message, StartsWith("jobs.yaml:5:5: jobs[0].kind: duplicate key"));
  }
  SECTION("a need that names no job") {
    const Error& e =
        only_error(parse("version: 1\njobs:\n  - {name: a, kind: k, needs: [zz]}\n"));
    CHECK_THAT(e.message, Contains("jobs[0].needs: needs unknown job \"zz\""));
  }
  SECTION("a dependency cycle") {
    const Error e = only_error(parse(
        "version: 1\njobs:\n  - {name: a, kind: k, needs: b}\n  - {name: b, kind: k, needs: a}\n"));
    CHECK_THAT(e.message, Contains("dependency cycle: a → b → a"));
    CHECK(e.get("line") == "3");
  }
  SECTION("a bad timeout") {
    const Error& e =
        only_error(parse("version: 1\njobs:\n  - {name: a, kind: k, timeout: soon}\n"));
    CHECK_THAT(e.message, Contains("jobs[0].timeout: expected a positive duration"));
  }
  SECTION("an empty job list") {
    const Error e = only_error(parse("version: 1\njobs: []\n"));
    CHECK_THAT(e.message, Contains("at least one job"));
  }
}

TEST_CASE("params are resolved against the kind's schema with located errors",
          "[engine][jobfile]") {
  const ParamSchema schema = test_schema();
  const SchemaLookup lookup = [&](const std::string& kind) -> const ParamSchema* {
    return kind == "test.a" ? &schema : nullptr;
  };
  const auto unknown = [](const std::string& kind) { return "unknown job kind `" + kind + "`"; };

  SECTION("defaults and --set overrides apply to jobs whose schema has the key") {
    auto load = parse("version: 1\ndefaults: {data_dir: /d}\njobs:\n"
                      "  - {name: a, kind: test.a, params: {limit: 5}}\n"
                      "  - {name: b, kind: test.a, params: {limit: 6}}\n");
    REQUIRE(load.ok());
    std::vector<Error> errors;
    resolve_job_params(load.file,
                       {*parse_param_override("b.limit=60"), *parse_param_override("data_dir=/x")},
                       PathPolicy(), lookup, unknown, errors);
    REQUIRE(errors.empty());
    CHECK(load.file.jobs[0].params.get_int("limit") == 5);
    CHECK(load.file.jobs[1].params.get_int("limit") == 60);
    CHECK(load.file.jobs[0].params.get_string("data_dir") == "/x");
  }
  SECTION("a bad param value names its line") {
    auto load = parse("version: 1\njobs:\n  - name: a\n    kind: test.a\n    params:\n"
                      "      limit: 1\n");
    REQUIRE(load.ok());
    std::vector<Error> errors;
    resolve_job_params(load.file, {}, PathPolicy(), lookup, unknown, errors);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0].message, StartsWith("jobs.yaml:6:14: jobs[0].params.limit: "));
  }
  SECTION("a bad value given with --set names the command-line value, not the file") {
    auto load = parse("version: 1\njobs:\n  - name: a\n    kind: test.a\n    params:\n"
                      "      limit: 5\n");
    REQUIRE(load.ok());
    std::vector<Error> errors;
    resolve_job_params(load.file, {*parse_param_override("limit=1")}, PathPolicy(), lookup,
                       unknown, errors);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0].message, StartsWith("--set limit=1 (job \"a\"): "));
    CHECK_THAT(errors[0].message, !Contains("jobs.yaml"));
    CHECK(errors[0].get("value") == "limit=1");
  }
  SECTION("a missing required param names the job") {
    auto load = parse("version: 1\njobs:\n  - {name: a, kind: test.a}\n");
    std::vector<Error> errors;
    resolve_job_params(load.file, {}, PathPolicy(), lookup, unknown, errors);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0].message, StartsWith("jobs.yaml:3:5: jobs[0].params") &&
                                      Contains("limit"));
  }
  SECTION("an unknown kind names the kind's line") {
    auto load = parse("version: 1\njobs:\n  - name: a\n    kind: nope.x\n");
    std::vector<Error> errors;
    resolve_job_params(load.file, {}, PathPolicy(), lookup, unknown, errors);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0].message, StartsWith("jobs.yaml:4:11: jobs[0].kind: unknown job kind"));
  }
  SECTION("a default or --set that no job takes is an error") {
    auto load = parse("version: 1\ndefaults: {output_dir: /m}\njobs:\n"
                      "  - {name: a, kind: test.a, params: {limit: 5}}\n");
    std::vector<Error> errors;
    resolve_job_params(load.file, {*parse_param_override("colour=red")}, PathPolicy(), lookup,
                       unknown, errors);
    REQUIRE(errors.size() == 2);
    CHECK_THAT(errors[0].message, StartsWith("jobs.yaml:2:24: defaults.output_dir"));
    CHECK_THAT(errors[1].message, StartsWith("--set colour=red: no job"));
  }
}

TEST_CASE("param overrides given with --set are read as YAML", "[engine][jobfile]") {
  CHECK(parse_param_override("limit=10")->value.as_int() == 10);
  CHECK(parse_param_override("job.flag=true")->job == "job");
  CHECK(parse_param_override("symbols=[A, B]")->value.as_string_array() ==
        std::vector<std::string>{"A", "B"});
  CHECK_FALSE(parse_param_override("novalue").ok());
  CHECK(parse_param_override("novalue").error().code == ErrorCode::kInvalidArgument);
}

TEST_CASE("durations accept seconds and units", "[engine][jobfile]") {
  CHECK(parse_duration(Json::integer(90)) == std::chrono::seconds(90));
  CHECK(parse_duration(Json::string("250ms")) == std::chrono::milliseconds(250));
  CHECK(parse_duration(Json::string("2h")) == std::chrono::hours(2));
  CHECK_FALSE(parse_duration(Json::string("2 days")).has_value());
  // Past a year, and far past what int64 milliseconds hold: refused, not converted.
  CHECK_FALSE(parse_duration(Json::number(1.0e300)).has_value());
  CHECK_FALSE(parse_duration(Json::string("99999999999999999999999m")).has_value());
  CHECK_FALSE(parse_duration(Json::number(-5)).has_value());
  CHECK(parse_duration(Json::string("8760h")) == std::chrono::hours(8760));
}

TEST_CASE("relative paths in a job file are the file's; on the command line and by default, the "
          "working directory's",
          "[engine][jobfile][paths]") {
  const ParamSchema schema = test_schema();
  const SchemaLookup lookup = [&](const std::string&) { return &schema; };
  const auto unknown = [](const std::string& kind) { return kind; };
  const std::filesystem::path cwd = std::filesystem::current_path();
  auto load = parse_job_text("version: 1\ndefaults: {models_dir: ../models}\njobs:\n"
                             "  - {name: a, kind: test.a, params: {limit: 5, data_dir: store}}\n"
                             "  - {name: b, kind: test.a, params: {limit: 5}}\n"
                             "  - {name: c, kind: test.a, params: {limit: 5, data_dir: /abs/d/}}\n",
                             "/proj/jobs/load.yaml");
  REQUIRE(load.ok());
  std::vector<Error> errors;
  resolve_job_params(load.file, {*parse_param_override("c.models_dir=out/m")},
                     PathPolicy::for_job_file("/proj/jobs/load.yaml"), lookup, unknown, errors);
  REQUIRE(errors.empty());
  const auto& jobs = load.file.jobs;
  CHECK(jobs[0].params.get_string("data_dir") == "/proj/jobs/store");
  CHECK(jobs[0].params.get_string("models_dir") == "/proj/models");
  CHECK(jobs[1].params.get_string("data_dir") == (cwd / "data").string());
  CHECK(jobs[2].params.get_string("data_dir") == "/abs/d/");
  CHECK(jobs[2].params.get_string("models_dir") == (cwd / "out/m").string());

  SECTION("a job file named by a relative path is found from the working directory") {
    const auto policy = PathPolicy::for_job_file("jobs/load.yaml");
    CHECK(*policy.resolve("data_dir", "store", true) == (cwd / "jobs/store").string());
    CHECK(*policy.resolve("data_dir", "store", false) == (cwd / "store").string());
  }
}

TEST_CASE("a server's roots confine the paths a request may name, symlinks followed",
          "[engine][jobfile][paths]") {
  ktrdr::test::TempDir root;
  ktrdr::test::TempDir other;
  const auto canonical_root = std::filesystem::canonical(root.path());
  std::filesystem::create_directory(root.path() / "data");
  std::filesystem::create_directory_symlink(other.path(), root.path() / "escape");
  auto policy = PathPolicy::confined_to({root.path(), root.path() / "data"});
  REQUIRE(policy.ok());
  CHECK(policy->roots().size() == 2);

  CHECK(*policy->resolve("data_dir", "data", false) == (canonical_root / "data").string());
  CHECK(*policy->resolve("data_dir", "new/models", true) ==
        (canonical_root / "new/models").string());
  CHECK(*policy->resolve("data_dir", (root.path() / "data/../x").string(), false) ==
        (canonical_root / "x").string());
  const std::vector<std::string> outsides = {"/etc",   "../x",          "data/../../x",
                                             "escape", "escape/deeper", other.path().string(),
                                             root.path().string() + "-sibling"};
  for (const std::string& outside : outsides) {
    INFO(outside);
    auto refused = policy->resolve("data_dir", outside, false);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::kInvalidArgument);
    CHECK(refused.error().get("field") == "data_dir");
    CHECK(refused.error().get("value") == outside);
    CHECK_THAT(refused.error().message,
               StartsWith("param \"data_dir\": " + outside) &&
                   Contains("outside the directories this server may use (" +
                            canonical_root.string()));
  }

  SECTION("a root must be an existing directory") {
    auto missing = PathPolicy::confined_to({root.path() / "nope"});
    REQUIRE_FALSE(missing.ok());
    CHECK_THAT(missing.error().message, StartsWith("--root " + (root.path() / "nope").string()));
    CHECK_FALSE(PathPolicy::confined_to({root.write("file", "x")}).ok());
  }
}
