#include "yaml_document.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace ktrdr::training {
namespace {

Json scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() == "!") return Json::string(text);  // quoted: always a string
  if (text == "true" || text == "True" || text == "TRUE") return Json::boolean(true);
  if (text == "false" || text == "False" || text == "FALSE") return Json::boolean(false);
  if (text == "~" || text == "null" || text == "Null" || text == "NULL" || text.empty()) {
    return Json();
  }
  std::int64_t integer = 0;
  const char* end = text.data() + text.size();
  const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
  if (auto [ptr, ec] = std::from_chars(begin, end, integer); ec == std::errc() && ptr == end) {
    return Json::integer(integer);
  }
  double number = 0;
  if (auto [ptr, ec] = std::from_chars(begin, end, number);
      ec == std::errc() && ptr == end && text.find_first_of("0123456789") != std::string::npos) {
    return Json::number(number);
  }
  return Json::string(text);
}

int line_of_mark(const YAML::Mark& mark) { return mark.line < 0 ? 0 : mark.line + 1; }

// Converts `node`, recording the line of `path` and of everything under it.
Json to_json(const YAML::Node& node, const std::string& path, int line,
             std::map<std::string, int, std::less<>>& lines,
             std::vector<YamlDocument::DuplicateKey>& duplicates) {
  if (line > 0) lines[path] = line;
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Json object = Json::object();
      for (const auto& item : node) {
        const std::string key = item.first.Scalar();
        const std::string child = path.empty() ? key : path + "." + key;
        const int key_line = line_of_mark(item.first.Mark());
        if (object.has(key)) duplicates.push_back({child, key_line});
        object.set(key, to_json(item.second, child, key_line, lines, duplicates));
      }
      return object;
    }
    case YAML::NodeType::Sequence: {
      Json array = Json::array();
      std::size_t index = 0;
      for (const auto& item : node) {
        array.push_back(to_json(item, path + "[" + std::to_string(index++) + "]",
                                line_of_mark(item.Mark()), lines, duplicates));
      }
      return array;
    }
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
      return Json();
  }
  return Json();
}

}  // namespace

Result<YamlDocument> YamlDocument::read(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::error_code ec;
  if (!in || std::filesystem::is_directory(file, ec)) {
    return Error::io(file.string() + ": cannot read the file", {{"file", file.string()}});
  }
  std::stringstream text;
  text << in.rdbuf();
  return parse(text.str(), file.string());
}

Result<YamlDocument> YamlDocument::parse(std::string_view text, std::string source) {
  YamlDocument doc;
  doc.source_ = std::move(source);
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    const std::string line = std::to_string(line_of_mark(e.mark) > 0 ? line_of_mark(e.mark) : 1);
    return Error::parse(doc.source_ + ":" + line + ": invalid YAML: " + e.msg,
                        {{"file", doc.source_}, {"line", line}});
  }
  doc.root_ = to_json(root, "", 1, doc.lines_, doc.duplicates_);
  return doc;
}

int YamlDocument::line_of(std::string_view path) const {
  std::string_view at = path;
  while (true) {
    if (auto it = lines_.find(at); it != lines_.end()) return it->second;
    if (at.empty()) return 1;
    const auto cut = at.find_last_of(".[");
    at = cut == std::string_view::npos ? std::string_view() : at.substr(0, cut);
  }
}

Error YamlDocument::error_at(const std::string& path, const std::string& problem, int line) const {
  const std::string where = std::to_string(line > 0 ? line : line_of(path));
  const std::string key = path.empty() ? "" : "`" + path + "` ";
  return Error::invalid_argument(source_ + ":" + where + ": " + key + problem,
                                 {{"file", source_}, {"line", where}, {"field", path}});
}

}  // namespace ktrdr::training
