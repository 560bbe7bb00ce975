#include <catch2/catch.hpp>

#include "job_file.hpp"

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
  schema.add({.name = "data_dir", .type = ParamType::kString,
              .default_value = Json::string("./data")});
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
                       lookup, unknown, errors);
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
    resolve_job_params(load.file, {}, lookup, unknown, errors);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0].message, StartsWith("jobs.yaml:6:14: jobs[0].params.limit: "));
  }
  SECTION("a bad value given with --set names the command-line value, not the file") {
    auto load = parse("version: 1\njobs:\n  - name: a\n    kind: test.a\n    params:\n"
                      "      limit: 5\n");
    REQUIRE(load.ok());
    std::vector<Error> errors;
    resolve_job_params(load.file, {*parse_param_override("limit=1")}, lookup, unknown, errors);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0].message, StartsWith("--set limit=1 (job \"a\"): "));
    CHECK_THAT(errors[0].message, !Contains("jobs.yaml"));
    CHECK(errors[0].get("value") == "limit=1");
  }
  SECTION("a missing required param names the job") {
    auto load = parse("version: 1\njobs:\n  - {name: a, kind: test.a}\n");
    std::vector<Error> errors;
    resolve_job_params(load.file, {}, lookup, unknown, errors);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0].message, StartsWith("jobs.yaml:3:5: jobs[0].params") &&
                                      Contains("limit"));
  }
  SECTION("an unknown kind names the kind's line") {
    auto load = parse("version: 1\njobs:\n  - name: a\n    kind: nope.x\n");
    std::vector<Error> errors;
    resolve_job_params(load.file, {}, lookup, unknown, errors);
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0].message, StartsWith("jobs.yaml:4:11: jobs[0].kind: unknown job kind"));
  }
  SECTION("a default or --set that no job takes is an error") {
    auto load = parse("version: 1\ndefaults: {models_dir: /m}\njobs:\n"
                      "  - {name: a, kind: test.a, params: {limit: 5}}\n");
    std::vector<Error> errors;
    resolve_job_params(load.file, {*parse_param_override("colour=red")}, lookup, unknown,
                       errors);
    REQUIRE(errors.size() == 2);
    CHECK_THAT(errors[0].message, StartsWith("jobs.yaml:2:24: defaults.models_dir"));
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
