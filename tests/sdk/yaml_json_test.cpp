#include "ktrdr/sdk/yaml_json.hpp"

#include <catch2/catch.hpp>

#include <string>

using ktrdr::ErrorCode;
using ktrdr::parse_yaml;

namespace {

// Nine levels of anchors, each a list of ten aliases of the one before: under 1 KiB that stand for
// 10^10 scalars once expanded.
std::string alias_bomb() {
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 9; ++level) {
    const std::string prev = "*a" + std::to_string(level - 1);
    text += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", " : "") + prev;
    text += "]\n";
  }
  return text;
}

}  // namespace

TEST_CASE("parse_yaml converts scalars and remembers where keys are", "[sdk][yaml]") {
  auto parsed = parse_yaml("a: 1\nb: [x, 'true', true, 2.5, ~]\n", "f.yaml");
  REQUIRE(parsed.ok());
  CHECK(parsed->value.get_int("a") == 1);
  const ktrdr::Json b = parsed->value.at("b");
  CHECK(b[0].as_string() == "x");
  CHECK(b[1].as_string() == "true");
  CHECK(b[2].as_bool());
  CHECK(b[3].as_number() == 2.5);
  CHECK(b[4].is_null());
  CHECK(parsed->key_marks.at("b").line == 2);
  CHECK(parsed->marks.at("b[1]").line == 2);
}

TEST_CASE("an alias bomb is refused at the limit, naming the file and place", "[sdk][yaml]") {
  const std::string bomb = alias_bomb();
  CHECK(bomb.size() < 1024);
  auto parsed = parse_yaml(bomb, "bomb.yaml");
  REQUIRE_FALSE(parsed.ok());
  CHECK(parsed.error().code == ErrorCode::kParse);
  CHECK_THAT(parsed.error().message,
             Catch::StartsWith("bomb.yaml:") && Catch::Contains("more than 100000 values"));
  CHECK(parsed.error().get("file") == "bomb.yaml");
}

TEST_CASE("aliases within the limit still expand", "[sdk][yaml]") {
  auto parsed = parse_yaml("base: &b {period: 14}\nrsi: *b\nmacd: *b\n", "ok.yaml");
  REQUIRE(parsed.ok());
  CHECK(parsed->value.at("macd").get_int("period") == 14);
}

TEST_CASE("documents over the size or depth limit are refused", "[sdk][yaml]") {
  const std::string big = "k: \"" + std::string(ktrdr::kMaxYamlBytes, 'x') + "\"\n";
  auto too_big = parse_yaml(big, "big.yaml");
  REQUIRE_FALSE(too_big.ok());
  CHECK_THAT(too_big.error().message, Catch::StartsWith("big.yaml: ") &&
                                          Catch::Contains("more than a YAML file may hold"));

  const std::size_t depth = ktrdr::Json::kMaxDepth + 10;
  auto too_deep = parse_yaml(std::string(depth, '[') + std::string(depth, ']'), "deep.yaml");
  REQUIRE_FALSE(too_deep.ok());
  CHECK_THAT(too_deep.error().message, Catch::Contains("nested deeper than 256 levels"));
}
