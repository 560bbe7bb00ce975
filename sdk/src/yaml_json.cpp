#include "ktrdr/sdk/yaml_json.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdint>
#include <system_error>

namespace ktrdr {
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

SourceMark mark_of(const YAML::Mark& mark) { return {mark.line + 1, mark.column + 1}; }

// Thrown when the document breaks a limit: what was exceeded, and where.
struct LimitExceeded {
  std::string what;
  YAML::Mark mark;
};

// The conversion, counting the values it makes: an alias is expanded where it is used, so a
// small file whose anchors nest can stand for millions of values.
class Converter {
 public:
  explicit Converter(YamlJson& out) : out_(out) {}

  Json to_json(const YAML::Node& node, const std::string& path, std::size_t depth) {
    if (++values_ > kMaxYamlValues) {
      throw LimitExceeded{"expands to more than " + std::to_string(kMaxYamlValues) +
                              " values (anchors and aliases repeated inside each other?)",
                          node.Mark()};
    }
    if (depth > Json::kMaxDepth) {
      throw LimitExceeded{"is nested deeper than " + std::to_string(Json::kMaxDepth) + " levels",
                          node.Mark()};
    }
    out_.marks[path] = mark_of(node.Mark());
    switch (node.Type()) {
      case YAML::NodeType::Map: {
        Json object = Json::object();
        for (const auto& item : node) {
          const std::string key = item.first.Scalar();
          const std::string child = path.empty() ? key : path + "." + key;
          out_.key_marks[child] = mark_of(item.first.Mark());
          if (object.has(key)) out_.duplicates[child] = mark_of(item.first.Mark());
          object.set(key, to_json(item.second, child, depth + 1));
        }
        return object;
      }
      case YAML::NodeType::Sequence: {
        Json array = Json::array();
        std::size_t index = 0;
        for (const auto& item : node) {
          array.push_back(to_json(item, path + "[" + std::to_string(index++) + "]", depth + 1));
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

 private:
  YamlJson& out_;
  std::size_t values_ = 0;
};

Error parse_error(std::string_view source, const YAML::Mark& mark, const std::string& reason) {
  const SourceMark at{mark.line < 0 ? 1 : mark.line + 1, mark.column < 0 ? 1 : mark.column + 1};
  const std::string line = std::to_string(at.line);
  const std::string column = std::to_string(at.column);
  return Error::parse(std::string(source) + ":" + line + ":" + column + ": " + reason,
                      {{"file", std::string(source)}, {"line", line}, {"column", column}});
}

}  // namespace

Result<YamlJson> parse_yaml(std::string_view text, std::string_view source) {
  if (text.size() > kMaxYamlBytes) {
    return Error::parse(std::string(source) + ": " + std::to_string(text.size()) +
                            " bytes is more than a YAML file may hold (" +
                            std::to_string(kMaxYamlBytes) + ")",
                        {{"file", std::string(source)}});
  }
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return parse_error(source, e.mark, "invalid YAML: " + e.msg);
  }
  YamlJson out;
  try {
    out.value = Converter(out).to_json(root, "", 0);
  } catch (const LimitExceeded& e) {
    return parse_error(source, e.mark, "YAML " + e.what);
  }
  return out;
}

}  // namespace ktrdr
