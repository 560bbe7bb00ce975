// TempDir: a fresh directory under the system temp dir for one test, removed with everything in
// it when the test ends.
#pragma once

#include <filesystem>
#include <string_view>

namespace ktrdr::test {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to `name` inside the directory and returns the file's path.
  std::filesystem::path write(std::string_view name, std::string_view text) const;
  // Copies `file` into the directory (same name) and returns the copy's path.
  std::filesystem::path copy_in(const std::filesystem::path& file) const;

 private:
  std::filesystem::path path_;
};

}  // namespace ktrdr::test
