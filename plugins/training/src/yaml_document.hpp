// YamlDocument: a YAML file read into Json, remembering the line of every key path
// ("model.architecture", "indicators[1].period"), so that checks made on the Json can name the
// file, line and key of what is wrong. Plain value; thread-compatible.
// The conversion is the SDK's (ktrdr/sdk/yaml_json.hpp); this adds lines per key and the
// strategy checks' error form.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/yaml_json.hpp"

namespace ktrdr::training {

class YamlDocument {
 public:
  // A key that appears twice in one mapping: its path and the line of the repeat.
  struct DuplicateKey {
    std::string path;
    int line = 0;
  };

  // Reads `file`. Plain scalars become bool (true/false), integers, numbers, null (~, null,
  // empty) or strings; quoted scalars are always strings; a repeated key keeps its last value
  // and is listed in duplicate_keys(). Errors: kIo "<file>: cannot read …" (context {"file"}),
  // kParse "<file>:<line>: invalid YAML: …" (context {"file", "line"}).
  static Result<YamlDocument> read(const std::filesystem::path& file);
  // The same from text; `source` names it in messages.
  static Result<YamlDocument> parse(std::string_view text, std::string source);

  const std::string& source() const noexcept { return source_; }
  const Json& root() const noexcept { return root_; }
  const std::vector<DuplicateKey>& duplicate_keys() const noexcept { return duplicates_; }

  // The 1-based line of `path` (of the key, for a mapping member; of the element, for a list
  // element), else of its nearest ancestor that has one; 1 for the top level.
  int line_of(std::string_view path) const;

  // kInvalidArgument "<source>:<line>: `<path>` <problem>" ("<source>:<line>: <problem>" for
  // the top level, path "") at line_of(path), or at `line` when given; context {"file",
  // "line", "field": path}.
  Error error_at(const std::string& path, const std::string& problem, int line = 0) const;

 private:
  std::string source_;
  Json root_;
  SourceMarks key_marks_;    // mapping members: where the key is
  SourceMarks value_marks_;  // everything: where the value starts
  std::vector<DuplicateKey> duplicates_;
};

}  // namespace ktrdr::training
