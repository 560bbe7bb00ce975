#include "ktrdr/sdk/json.hpp"

#include <bit>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

using ktrdr::Json;

TEST_CASE("a default Json is null and set() makes it an object", "[sdk][json]") {
  Json json;
  CHECK(json.is_null());
  json.set("symbol", "AAPL");
  CHECK(json.is_object());
  CHECK(json.get_string("symbol") == "AAPL");
  CHECK(json.dump() == R"({"symbol":"AAPL"})");
}

TEST_CASE("set() stores each value type and replaces existing keys", "[sdk][json]") {
  Json json = Json::object();
  json.set("s", std::string("text"))
      .set("b", true)
      .set("d", 1.5)
      .set("i", 42)
      .set("u", std::uint64_t{7})
      .set("list", std::vector<std::string>{"a", "b"})
      .set("child", Json::object().set("x", 1));
  json.set("i", -3);
  CHECK(json.get_int("i") == -3);
  CHECK(json.get_bool("b") == true);
  CHECK(json.get_number("d") == 1.5);
  CHECK(json.get_number("i") == -3.0);
  CHECK(json.get_int("u") == 7);
  CHECK(json.at("list").as_string_array() == std::vector<std::string>{"a", "b"});
  CHECK(json.at("child").get_int("x") == 1);
  CHECK(json.keys() == std::vector<std::string>{"s", "b", "d", "i", "u", "list", "child"});
  CHECK(json.size() == 7);
  CHECK_FALSE(json.get_string("i").has_value());
  CHECK_FALSE(json.get_int("s").has_value());
  CHECK(json.at("missing").is_null());
  CHECK_FALSE(json.has("missing"));
}

TEST_CASE("copies are deep", "[sdk][json]") {
  Json original = Json::object().set("nested", Json::object().set("n", 1));
  Json copy = original;
  copy.set("nested", Json::object().set("n", 2));
  CHECK(original.at("nested").get_int("n") == 1);
  Json assigned;
  assigned = original;
  original.set("extra", true);
  CHECK_FALSE(assigned.has("extra"));
  Json moved = std::move(copy);
  CHECK(moved.at("nested").get_int("n") == 2);
  copy.set("reused", true);  // a moved-from Json stays usable
  CHECK(copy.get_bool("reused") == true);
  copy = original;
  CHECK(copy == original);
}

TEST_CASE("erase and merge edit objects in place", "[sdk][json]") {
  Json json = Json::object().set("a", 1).set("b", 2).set("c", 3);
  CHECK(json.erase("b"));
  CHECK_FALSE(json.erase("b"));
  CHECK(json.keys() == std::vector<std::string>{"a", "c"});
  json.merge(Json::object().set("c", 30).set("d", 4));
  CHECK(json.dump() == R"({"a":1,"c":30,"d":4})");
}

TEST_CASE("arrays grow with push_back and index safely", "[sdk][json]") {
  Json list;
  list.push_back(Json::integer(1)).push_back(Json::string("two")).push_back(Json::boolean(false));
  CHECK(list.is_array());
  CHECK(list.size() == 3);
  CHECK(list[1].as_string() == "two");
  CHECK(list[5].is_null());
  CHECK(list.dump() == R"([1,"two",false])");
  CHECK(Json::string_array({"x", "y"}).as_string_array() == std::vector<std::string>{"x", "y"});
}

TEST_CASE("scalar accessors fall back to neutral values", "[sdk][json]") {
  CHECK(Json::number(2.9).as_int() == 2);
  CHECK(Json::number(1e300).as_int() == std::numeric_limits<std::int64_t>::max());
  CHECK(Json::integer(5).as_number() == 5.0);
  CHECK(Json::string("x").as_int() == 0);
  CHECK(Json::integer(1).as_string().empty());
  CHECK_FALSE(Json::integer(1).as_bool());
  CHECK(Json::number(3.0).is_number());
  CHECK_FALSE(Json::number(3.5).is_integer());
  CHECK(Json::integer(3).is_integer());
  CHECK(Json::number(std::numeric_limits<double>::quiet_NaN()).is_null());
  CHECK(Json::object().set("n", 4.0).get_int("n") == 4);
  CHECK_FALSE(Json::object().set("n", 4.5).get_int("n").has_value());
}

TEST_CASE("parse reads JSON text and dump writes it back", "[sdk][json]") {
  auto parsed = Json::parse(R"({"a": [1, 2.5, "x", null], "b": {"c": true}})");
  REQUIRE(parsed.ok());
  CHECK(parsed->dump() == R"({"a":[1,2.5,"x",null],"b":{"c":true}})");
  auto again = Json::parse(parsed->dump_pretty());
  REQUIRE(again.ok());
  CHECK(*again == *parsed);
  CHECK(parsed->dump_pretty().find('\n') != std::string::npos);
}

TEST_CASE("a parse error names the offset and the reason", "[sdk][json]") {
  auto parsed = Json::parse(R"({"a": 1,})");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == ktrdr::ErrorCode::kParse);
  CHECK(parsed.error().get("offset") == "8");
  CHECK_THAT(parsed.error().message, Catch::Contains("offset 8") && Catch::Contains("name"));
}

TEST_CASE("from_value copies a RapidJSON value", "[sdk][json]") {
  Json source = Json::object().set("k", "v");
  const Json copy = Json::from_value(source.doc()["k"]);
  CHECK(copy.as_string() == "v");
}

TEST_CASE("parse refuses nesting deeper than kMaxDepth before recursing into it", "[sdk][json]") {
  const auto nested = [](std::size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
  };
  CHECK(Json::parse(nested(Json::kMaxDepth)).ok());

  auto deep = Json::parse(nested(Json::kMaxDepth + 1));
  REQUIRE_FALSE(deep.ok());
  CHECK(deep.error().code == ktrdr::ErrorCode::kParse);
  CHECK(deep.error().get("offset") == std::to_string(Json::kMaxDepth));
  CHECK_THAT(deep.error().message, Catch::Contains("nested deeper than 256 levels"));

  // The body that used to overflow the parser's stack: 140,000 unclosed brackets.
  auto bomb = Json::parse(std::string(140'000, '['));
  REQUIRE_FALSE(bomb.ok());
  CHECK_THAT(bomb.error().message, Catch::Contains("nested deeper"));

  // Brackets inside strings (escaped quotes included) are text, not nesting.
  const std::string brackets(1000, '[');
  auto in_string = Json::parse(R"({"a\"[": ")" + brackets + R"("})");
  REQUIRE(in_string.ok());
  CHECK(in_string->get_string("a\"[") == brackets);
}

TEST_CASE("parse refuses numbers that overflow a double instead of keeping infinity",
          "[sdk][json]") {
  for (const char* text : {"[1.8e308]", "{\"a\": -2.8e308}"}) {
    auto parsed = Json::parse(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.error().message, Catch::Contains("too large for a double"));
  }
  CHECK(Json::parse("[1.7e308, 0e308]").ok());
  for (const char* text : {"[200e306]", "[1e99999999999999999999]", "[-12345678901234567890e300]"}) {
    auto parsed = Json::parse(text);
    REQUIRE_FALSE(parsed.ok());
    CHECK_THAT(parsed.error().message, Catch::Contains("too large for a double"));
  }
}

TEST_CASE("parse reads zeros with any exponent and tiny numbers as zero", "[sdk][json]") {
  auto parsed = Json::parse(
      "[0e308, -0.0e-999, 0.000e300, 1e-400, -0.00001e-99999999999999999999, 4.9e-324]");
  REQUIRE(parsed.ok());
  REQUIRE(parsed->size() == 6);
  for (std::size_t i = 0; i < 5; ++i) {
    CHECK((*parsed)[i].is_number());
    CHECK((*parsed)[i].as_number() == 0.0);
  }
  CHECK((*parsed)[5].as_number() == std::numeric_limits<double>::denorm_min());
}

TEST_CASE("parse keeps integers exact and reads every double back to the same bits",
          "[sdk][json]") {
  auto integers = Json::parse(R"({"min": -9223372036854775808, "max": 9223372036854775807,
                                 "umax": 18446744073709551615, "beyond": 18446744073709551616})");
  REQUIRE(integers.ok());
  CHECK(integers->get_int("min") == std::numeric_limits<std::int64_t>::min());
  CHECK(integers->get_int("max") == std::numeric_limits<std::int64_t>::max());
  CHECK(integers->at("umax").doc().GetUint64() == std::numeric_limits<std::uint64_t>::max());
  CHECK_FALSE(integers->at("beyond").is_integer());
  CHECK(integers->get_number("beyond") == 18446744073709551616.0);

  std::mt19937_64 bits(7);
  for (int i = 0; i < 20000; ++i) {
    const double value = std::bit_cast<double>(bits());
    if (!std::isfinite(value)) continue;
    char text[40];
    std::snprintf(text, sizeof text, "[%.17g]", value);
    auto parsed = Json::parse(text);
    REQUIRE(parsed.ok());
    INFO(text);
    REQUIRE(std::bit_cast<std::uint64_t>((*parsed)[0].as_number()) ==
            std::bit_cast<std::uint64_t>(value));
  }
}
