// Fuzz target: training strategy files (plugins/training/src/strategy.hpp). The input is the text
// of a strategy YAML file. Strategy::load reads only from a file, so each input is written to an
// in-memory file (memfd, no disk: rewriting a file on disk costs more than the parse) and loaded
// through its /proc/self/fd path. Problems must come back as errors: a crash, hang, leak or
// undefined behaviour is a bug.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "strategy.hpp"

namespace {

class MemoryFile {
 public:
  MemoryFile() : fd_(::memfd_create("strategy.yaml", MFD_CLOEXEC)) {
    if (fd_ < 0) fail("memfd_create");
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  ~MemoryFile() { ::close(fd_); }

  // Replaces the file's contents with `text`; the path that opens it.
  const std::filesystem::path& write(std::string_view text) {
    if (::ftruncate(fd_, 0) != 0) fail("ftruncate");
    if (::pwrite(fd_, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
      fail("pwrite");
    }
    return path_;
  }

 private:
  [[noreturn]] static void fail(const char* call) {
    std::perror(("strategy fuzzer: " + std::string(call)).c_str());
    std::abort();
  }

  int fd_;
  std::filesystem::path path_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static MemoryFile file;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)ktrdr::training::Strategy::load(file.write(text));
  return 0;
}
