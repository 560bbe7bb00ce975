#include "yaml_json.hpp"

#include <charconv>
#include <cstdint>
#include <system_error>

namespace ktrdr::engine {
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

}  // namespace

SourceMark mark_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return {mark.line + 1, mark.column + 1};
}

Json yaml_to_json(const YAML::Node& node, const std::string& path, SourceMarks& marks,
                  SourceMarks& duplicates) {
  marks[path] = mark_of(node);
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      Json object = Json::object();
      for (const auto& item : node) {
        const std::string key = item.first.Scalar();
        const std::string child = path.empty() ? key : path + "." + key;
        if (object.has(key)) duplicates[child] = mark_of(item.first);
        object.set(key, yaml_to_json(item.second, child, marks, duplicates));
      }
      return object;
    }
    case YAML::NodeType::Sequence: {
      Json array = Json::array();
      std::size_t index = 0;
      for (const auto& item : node) {
        array.push_back(
            yaml_to_json(item, path + "[" + std::to_string(index++) + "]", marks, duplicates));
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

}  // namespace ktrdr::engine
