// YAML → Json conversion that remembers where each value came from, so that errors found later
// (schema validation) can name the file, line and column. Stateless; thread-safe.
#pragma once

#include <map>
#include <string>

#include <yaml-cpp/yaml.h>

#include "ktrdr/sdk/json.hpp"

namespace ktrdr::engine {

// 1-based line and column of a value in its source text.
struct SourceMark {
  int line = 0;
  int column = 0;
};
SourceMark mark_of(const YAML::Node& node);

// Key path ("params.symbol", "params.symbols[1]") → where its value is.
using SourceMarks = std::map<std::string, SourceMark>;

// Converts `node`; plain scalars become bool (true/false), integers, numbers, null (~, null,
// empty) or strings; quoted scalars are always strings. Records the mark of every value under
// `path` in `marks`. A key repeated in one mapping is added to `duplicates` (path and mark of the
// repeat); the last value wins.
Json yaml_to_json(const YAML::Node& node, const std::string& path, SourceMarks& marks,
                  SourceMarks& duplicates);

}  // namespace ktrdr::engine
