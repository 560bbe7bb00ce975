#include "yaml_document.hpp"

#include <charconv>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>

namespace ktrdr::training {

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
  auto parsed = parse_yaml(text, source);
  if (!parsed) {
    Error error = std::move(parsed).error();
    const std::string line = error.get("line").value_or("1");
    error.message = source + ":" + line + ": invalid YAML: " +
                    error.message.substr(error.message.find("invalid YAML: ") + 14);
    error.context = {{"file", source}, {"line", line}};
    return error;
  }
  YamlDocument doc;
  doc.source_ = std::move(source);
  doc.root_ = std::move(parsed->value);
  doc.key_marks_ = std::move(parsed->key_marks);
  doc.value_marks_ = std::move(parsed->marks);
  for (const auto& [path, mark] : parsed->duplicates) doc.duplicates_.push_back({path, mark.line});
  return doc;
}

int YamlDocument::line_of(std::string_view path) const {
  std::string_view at = path;
  while (true) {
    if (at.empty()) return 1;
    if (auto it = key_marks_.find(at); it != key_marks_.end()) return it->second.line;
    if (auto it = value_marks_.find(at); it != value_marks_.end()) return it->second.line;
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
