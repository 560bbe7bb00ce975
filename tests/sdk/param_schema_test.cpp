#include "ktrdr/sdk/param_schema.hpp"

#include <catch2/catch.hpp>

using ktrdr::Json;
using ktrdr::ParamSchema;
using ktrdr::ParamSpec;
using ktrdr::ParamType;

namespace {

ParamSchema bars_schema() {
  ParamSchema schema;
  ParamSpec symbol{.name = "symbol", .type = ParamType::kString, .required = true};
  symbol.pattern = "[A-Z]+";
  schema.add(symbol);
  ParamSpec bars{.name = "n", .type = ParamType::kInteger};
  bars.default_value = Json::integer(10);
  bars.minimum = 2;
  bars.maximum = 1000;
  schema.add(bars);
  ParamSpec mode{.name = "mode", .type = ParamType::kString};
  mode.choices = {"tail", "backfill", "full"};
  schema.add(mode);
  schema.add({.name = "ratio", .type = ParamType::kNumber});
  schema.add({.name = "dry_run", .type = ParamType::kBoolean});
  ParamSpec timeframes{.name = "timeframes", .type = ParamType::kStringList};
  timeframes.choices = {"1h", "1d"};
  schema.add(timeframes);
  return schema;
}

Json params(const char* text) {
  auto parsed = Json::parse(text);
  REQUIRE(parsed.ok());
  return *parsed;
}

}  // namespace

TEST_CASE("valid params pass and receive their defaults", "[sdk][params]") {
  Json p = params(R"({"symbol": "AAPL", "ratio": 1, "timeframes": ["1h"]})");
  CHECK(bars_schema().validate(p).empty());
  CHECK(p.get_int("n") == 10);
  CHECK_FALSE(p.has("mode"));
}

TEST_CASE("a whole number is accepted where an integer is expected", "[sdk][params]") {
  Json p = params(R"({"symbol": "AAPL", "n": 20.0})");
  CHECK(bars_schema().validate(p).empty());
  CHECK(p.at("n").is_integer());
  CHECK(p.get_int("n") == 20);
}

TEST_CASE("each problem is reported with the field and the value", "[sdk][params]") {
  const ParamSchema schema = bars_schema();

  SECTION("a wrong type") {
    Json p = params(R"({"symbol": "AAPL", "n": "abc"})");
    const auto errors = schema.validate(p);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].code == ktrdr::ErrorCode::kInvalidArgument);
    CHECK(errors[0].message == R"(param "n": expected integer, got "abc")");
    CHECK(errors[0].get("field") == "n");
    CHECK(errors[0].get("value") == R"("abc")");
  }
  SECTION("a number with a fraction where an integer is expected") {
    Json p = params(R"({"symbol": "AAPL", "n": 2.5})");
    const auto errors = schema.validate(p);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == R"(param "n": expected integer, got 2.5)");
  }
  SECTION("values out of range") {
    Json low = params(R"({"symbol": "AAPL", "n": 1})");
    auto errors = schema.validate(low);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == R"(param "n": 1 is below the minimum 2)");
    CHECK(errors[0].get("value") == "1");
    Json high = params(R"({"symbol": "AAPL", "n": 1001})");
    errors = schema.validate(high);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == R"(param "n": 1001 is above the maximum 1000)");
  }
  SECTION("an unknown param names the known ones") {
    Json p = params(R"({"symbol": "AAPL", "foo": 1})");
    const auto errors = schema.validate(p);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message ==
          R"(unknown param "foo" (known: symbol, n, mode, ratio, dry_run, timeframes))");
    CHECK(errors[0].get("field") == "foo");
  }
  SECTION("a missing required param") {
    Json p = Json::object();
    const auto errors = schema.validate(p);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == R"(missing required param "symbol")");
    CHECK(errors[0].get("field") == "symbol");
  }
  SECTION("a value outside the choices, also inside a list") {
    Json p = params(R"({"symbol": "AAPL", "mode": "sideways", "timeframes": ["1h", "5m"]})");
    const auto errors = schema.validate(p);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].message == R"(param "mode": "sideways" is not one of tail, backfill, full)");
    CHECK(errors[1].get("field") == "timeframes");
    CHECK(errors[1].get("value") == "5m");
  }
  SECTION("a string that does not match the pattern") {
    Json p = params(R"({"symbol": "aapl"})");
    const auto errors = schema.validate(p);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == R"(param "symbol": "aapl" does not match the pattern [A-Z]+)");
  }
  SECTION("a pattern with a description is explained in words, not as a regex") {
    ParamSchema symbols;
    symbols.add({.name = "symbol",
                 .pattern = ktrdr::kSymbolPattern,
                 .pattern_description = ktrdr::kSymbolDescription});
    Json p = params(R"({"symbol": "AAPL/../x"})");
    const auto errors = symbols.validate(p);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message ==
          R"(param "symbol": "AAPL/../x" is not a symbol: 1 to 20 letters, digits, '.' or '-')");
  }
  SECTION("integer bounds read as integers, however large") {
    ParamSchema big;
    big.add({.name = "limit", .type = ParamType::kInteger, .minimum = 2, .maximum = 1e13});
    Json p = params(R"({"limit": 20000000000000})");
    const auto errors = big.validate(p);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == R"(param "limit": 20000000000000 is above the maximum 10000000000000)");
    CHECK(big.to_json()[0].at("maximum").is_integer());
  }
  SECTION("several problems at once") {
    Json p = params(R"({"n": true, "dry_run": "no", "ratio": "x", "timeframes": [1]})");
    CHECK(schema.validate(p).size() == 5);
  }
}

TEST_CASE("cross-field checks run only once every field passed", "[sdk][params]") {
  ParamSchema schema;
  schema.add({.name = "start", .type = ParamType::kInteger, .required = true});
  schema.add({.name = "end", .type = ParamType::kInteger, .required = true});
  int checks = 0;
  schema.check([&checks](const Json& p) -> std::optional<ktrdr::Error> {
    ++checks;
    if (p.get_int("end") <= p.get_int("start")) {
      return ktrdr::Error::invalid_argument("end must be after start", {{"field", "end"}});
    }
    return std::nullopt;
  });
  Json bad_type = params(R"({"start": "x", "end": 1})");
  CHECK(schema.validate(bad_type).size() == 1);
  CHECK(checks == 0);
  Json reversed = params(R"({"start": 5, "end": 1})");
  const auto errors = schema.validate(reversed);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].get("field") == "end");
  Json good = params(R"({"start": 1, "end": 5})");
  CHECK(schema.validate(good).empty());
  CHECK(checks == 2);
}

TEST_CASE("time params outside the supported range are refused naming the field and the range",
          "[sdk][params][time]") {
  ParamSchema schema;
  schema.add({.name = "start"});
  schema.add({.name = "end"});
  schema.check(ktrdr::time_range_check());
  for (const char* text : {R"({"start": "2300-01-01"})", R"({"end": "1600-01-01T00:00:00Z"})",
                           R"({"start": "2020-01-01", "end": "2262-06-01"})"}) {
    INFO(text);
    Json given = params(text);
    const auto errors = schema.validate(given);
    REQUIRE(errors.size() == 1);
    const std::string field = given.has("end") ? "end" : "start";
    CHECK(errors[0].code == ktrdr::ErrorCode::kInvalidArgument);
    CHECK(errors[0].get("field") == field);
    CHECK(errors[0].get("value") == given.get_string(field));
    CHECK_THAT(errors[0].message,
               Catch::Contains("`" + field + "`") && Catch::Contains(*given.get_string(field)) &&
                   Catch::Contains("supported range 1678-01-01T00:00:00Z to 2261-12-31T23:59:59Z"));
  }
  auto start = ktrdr::time_param(params(R"({"start": "2300-01-01"})"), "start");
  REQUIRE_FALSE(start.ok());
  CHECK(start.error().get("field") == "start");
  Json edges = params(R"({"start": "1678-01-01", "end": "2261-12-31T23:59:59Z"})");
  CHECK(schema.validate(edges).empty());
}

TEST_CASE("null params count as empty and non-objects are refused", "[sdk][params]") {
  ParamSchema schema;
  schema.add({.name = "x", .type = ParamType::kAny});
  Json none;
  CHECK(schema.validate(none).empty());
  CHECK(none.is_object());
  Json list = Json::array();
  CHECK(schema.validate(list).size() == 1);
}

TEST_CASE("a schema describes itself as JSON", "[sdk][params]") {
  const ParamSchema schema = bars_schema();
  REQUIRE(schema.find("n") != nullptr);
  CHECK(schema.find("nope") == nullptr);
  const Json json = schema.to_json();
  REQUIRE(json.size() == 6);
  const Json n = json[1];
  CHECK(n.get_string("name") == "n");
  CHECK(n.get_string("type") == "integer");
  CHECK(n.get_bool("required") == false);
  CHECK(n.get_int("default") == 10);
  CHECK(n.get_number("minimum") == 2.0);
  CHECK(json[2].at("choices").as_string_array().size() == 3);
  CHECK(json[0].get_string("pattern") == "[A-Z]+");
  CHECK(ktrdr::to_string(ParamType::kStringList) == "string_list");
}

TEST_CASE("path params, defaults included, are resolved before the cross-field checks read them",
          "[sdk][params][paths]") {
  ParamSchema schema;
  schema.add({.name = "strategy", .type = ParamType::kPath, .required = true});
  schema.add({.name = "data_dir", .type = ParamType::kPath, .default_value = Json::string("data")});
  schema.add({.name = "label"});
  std::string seen_by_check;
  schema.check([&](const Json& p) -> std::optional<ktrdr::Error> {
    seen_by_check = p.get_string("strategy").value_or("");
    return std::nullopt;
  });
  std::vector<std::string> asked;
  const ParamSchema::PathResolver under_base = [&](const std::string& field,
                                                   const std::string& value) {
    asked.push_back(field);
    return ktrdr::Result<std::string>("/base/" + value);
  };

  Json given = params(R"({"strategy": "s.yaml", "label": "x"})");
  REQUIRE(schema.validate(given, under_base).empty());
  CHECK(given.get_string("strategy") == "/base/s.yaml");
  CHECK(given.get_string("data_dir") == "/base/data");
  CHECK(given.get_string("label") == "x");
  CHECK(seen_by_check == "/base/s.yaml");
  CHECK(asked == std::vector<std::string>{"strategy", "data_dir"});

  SECTION("without a resolver they are kept as given") {
    Json kept = params(R"({"strategy": "s.yaml"})");
    REQUIRE(schema.validate(kept).empty());
    CHECK(kept.get_string("strategy") == "s.yaml");
  }
  SECTION("a refusal is the param's error and the checks do not run") {
    seen_by_check.clear();
    const ParamSchema::PathResolver refuse = [](const std::string& field, const std::string&) {
      return ktrdr::Result<std::string>(
          ktrdr::Error::invalid_argument("outside", {{"field", field}}));
    };
    Json refused = params(R"({"strategy": "s.yaml"})");
    const auto errors = schema.validate(refused, refuse);
    REQUIRE(errors.size() == 2);
    CHECK(errors[0].get("field") == "strategy");
    CHECK(errors[1].get("field") == "data_dir");
    CHECK(seen_by_check.empty());
  }
  SECTION("a path is a non-empty string") {
    for (const char* text : {R"({"strategy": ""})", R"({"strategy": 3})"}) {
      Json bad = params(text);
      const auto errors = schema.validate(bad, under_base);
      REQUIRE(errors.size() == 1);
      CHECK_THAT(errors[0].message, Catch::Contains("expected path"));
    }
  }
  CHECK(schema.to_json()[0].get_string("type") == "path");
}
