// Running a baseline program (the Python scripts the benchmarks compare against) and reading
// the `key=value` words it prints. Plain functions; no state.
#pragma once

#include <cstdio>
#include <optional>
#include <string>

namespace ktrdr::bench {

// `text` as one shell word.
inline std::string shell_quoted(const std::string& text) {
  std::string out = "'";
  for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a shell command; its stdout, or nullopt when it fails.
inline std::optional<std::string> run_command(const std::string& command) {
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return std::nullopt;
  std::string out;
  char buffer[4096];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) out.append(buffer, n);
  return ::pclose(pipe) == 0 ? std::optional(out) : std::nullopt;
}

// The value of `key=` in a line of `key=value` words (up to the next space or line end).
inline std::optional<std::string> field(const std::string& line, const std::string& key) {
  const std::size_t at = line.find(key + "=");
  if (at == std::string::npos || (at > 0 && line[at - 1] != ' ')) return std::nullopt;
  const std::size_t begin = at + key.size() + 1;
  return line.substr(begin, line.find_first_of(" \n", begin) - begin);
}

}  // namespace ktrdr::bench
