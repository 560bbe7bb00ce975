// YAML → Json that remembers where each value and key came from, so that errors found later
// (schema checks, strategy checks) can name the file, line, column and key. Used by the engine
// for job files and by plugins for their own YAML files. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

// 1-based line and column in the source text.
struct SourceMark {
  int line = 0;
  int column = 0;
};

// Key path ("params.symbol", "params.symbols[1]"; "" for the top level) → a mark.
using SourceMarks = std::map<std::string, SourceMark, std::less<>>;

struct YamlJson {
  Json value;
  SourceMarks marks;       // where each value starts (a list element: where the element starts)
  SourceMarks key_marks;   // where each mapping member's key is
  SourceMarks duplicates;  // keys repeated in one mapping: where the repeat is (the last wins)
};

// Limits of a YAML document (job files, strategies, configs): its size, and the values it stands
// for once aliases are expanded (a few hundred bytes of nested anchors can stand for millions).
// Nesting is bounded by Json::kMaxDepth.
inline constexpr std::size_t kMaxYamlBytes = 1u << 20;
inline constexpr std::size_t kMaxYamlValues = 100'000;

// Parses `text`: plain scalars become bool (true/false), integers, numbers, null (~, null,
// empty) or strings; quoted scalars are always strings. Errors: kParse
// "<source>:<line>:<column>: invalid YAML: <reason>", context {"file", "line", "column"}; a
// document past a limit is kParse "<source>:<line>:<column>: YAML expands to more than …".
Result<YamlJson> parse_yaml(std::string_view text, std::string_view source);

}  // namespace ktrdr
