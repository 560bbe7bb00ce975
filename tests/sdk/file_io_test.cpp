// Whole-file I/O on real files: atomic replacement safe against planted symlinks, stale temp
// files removed, and reads that refuse FIFOs, devices, directories and files over a bound.
#include "ktrdr/sdk/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <future>
#include <iterator>
#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace fs = std::filesystem;
using ktrdr::ErrorCode;
using ktrdr::read_whole_file;
using ktrdr::remove_stale_temp_files;
using ktrdr::replace_file_atomically;
using ktrdr::test::TempDir;

namespace {

// Long enough for a refused read on a loaded machine; a read that blocks never returns at all.
constexpr std::chrono::seconds kHangBound{10};

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string read_bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The pid of a child that has exited and been reaped: no live process has it.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  REQUIRE(child > 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  return child;
}

fs::path temp_name(const fs::path& target, pid_t pid, const std::string& suffix = "") {
  fs::path temp = target;
  temp += ".tmp." + std::to_string(pid) + suffix;
  return temp;
}

// Reads `path` on another thread and fails, instead of hanging, if the read does not return
// within kHangBound; a read stuck on the FIFO is then released by opening it for writing.
ktrdr::Result<std::string> read_without_hanging(const fs::path& path) {
  auto reading = std::async(std::launch::async, [path] { return read_whole_file(path); });
  if (reading.wait_for(kHangBound) != std::future_status::ready) {
    FAIL_CHECK("read_whole_file(" << path << ") did not return within " << kHangBound.count()
                                  << " s");
    const int writer = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (writer >= 0) ::close(writer);
  }
  return reading.get();
}

}  // namespace

TEST_CASE("a saved file reads back byte for byte", "[sdk][file_io]") {
  TempDir dir;
  const fs::path file = dir.path() / "data.bin";
  const std::string content = GENERATE(std::string(), std::string("a,b\n1,2\n"),
                                       std::string("nul\0inside\n", 11), std::string(100000, 'x'));
  REQUIRE(replace_file_atomically(file, content).ok());
  CHECK(read_bytes(file) == content);
  auto read = read_whole_file(file);
  REQUIRE(read.ok());
  CHECK(*read == content);
}

TEST_CASE("a file is read into one buffer of its size, never copied into a bigger one",
          "[sdk][file_io]") {
  TempDir dir;
  const fs::path file = dir.path() / "EURUSD_1m.csv";
  // Sizes at, below and past the 1 MiB read chunk, and a multiple of it (the read that meets
  // the end of the file must fit in what was reserved).
  const std::size_t size = GENERATE(std::size_t{1}, std::size_t{1} << 20,
                                    (std::size_t{8} << 20) + 3, std::size_t{12} << 20);
  write_file(file, std::string(size, 'x'));
  auto read = read_whole_file(file);
  REQUIRE(read.ok());
  CHECK(read->size() == size);
  CHECK(read->capacity() <= size + 16);
}

TEST_CASE("reading a missing file is kNotFound naming the path", "[sdk][file_io]") {
  TempDir dir;
  const fs::path missing = dir.path() / "absent.csv";
  auto read = read_whole_file(missing);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == ErrorCode::kNotFound);
  CHECK(read.error().get("file") == missing.string());
}

TEST_CASE("a symlink planted at the predictable temp name does not redirect a save",
          "[sdk][file_io]") {
  TempDir dir;
  const fs::path target = dir.path() / "AAPL_1h.csv";
  const fs::path planted = temp_name(target, ::getpid());
  write_file(target, "old\n");

  SECTION("the symlink's existing target keeps its content") {
    const fs::path victim = dir.path() / "victim.txt";
    write_file(victim, "precious\n");
    fs::create_symlink(victim, planted);
    REQUIRE(replace_file_atomically(target, "new\n").ok());
    CHECK(read_bytes(victim) == "precious\n");
    CHECK(fs::is_symlink(planted));
  }
  SECTION("the symlink's missing target is not created") {
    const fs::path victim = dir.path() / "created_by_attacker.txt";
    fs::create_symlink(victim, planted);
    REQUIRE(replace_file_atomically(target, "new\n").ok());
    CHECK_FALSE(fs::exists(victim));
  }
  CHECK_FALSE(fs::is_symlink(target));
  CHECK(read_bytes(target) == "new\n");
}

TEST_CASE("two saves leave no temp file beside the target", "[sdk][file_io]") {
  TempDir dir;
  const fs::path target = dir.path() / "ledger.json";
  REQUIRE(replace_file_atomically(target, "{}\n").ok());
  REQUIRE(replace_file_atomically(target, "{\"a\": 1}\n").ok());
  CHECK(names_in(dir.path()) == std::vector<std::string>{"ledger.json"});
  CHECK(read_bytes(target) == "{\"a\": 1}\n");
}

TEST_CASE("a failed save leaves the old file and no temp file", "[sdk][file_io]") {
  TempDir dir;
  const fs::path target = dir.path() / "ledger.json";
  REQUIRE(replace_file_atomically(target, "old\n").ok());
  auto saved = replace_file_atomically(target, "a much longer new content\n", std::size_t{3});
  REQUIRE_FALSE(saved.ok());
  CHECK(saved.error().code == ErrorCode::kIo);
  CHECK(saved.error().get("file") == target.string());
  CHECK(read_bytes(target) == "old\n");
  CHECK(names_in(dir.path()) == std::vector<std::string>{"ledger.json"});
}

TEST_CASE("stale temp files of dead processes are removed, others kept", "[sdk][file_io]") {
  TempDir dir;
  const fs::path target = dir.path() / "AAPL_1h.csv";
  const pid_t dead = dead_pid();
  const fs::path stale_old_style = temp_name(target, dead);
  const fs::path stale = temp_name(target, dead, ".0123456789abcdef");
  const std::vector<fs::path> kept = {
      temp_name(target, ::getpid()),                // this process: maybe mid-save
      temp_name(target, ::getpid(), ".fedcba98"),   // same, current naming
      temp_name(dir.path() / "MSFT_1h.csv", dead),  // another target's
      temp_name(target, dead, ".notes"),            // not a temp name: a user's file
      dir.path() / "AAPL_1h.csv.tmp",               // idem
  };
  for (const fs::path& file : kept) write_file(file, "keep\n");
  write_file(stale_old_style, "half a save");
  write_file(stale, "half a save");

  SECTION("by the next save of the target") {
    REQUIRE(replace_file_atomically(target, "new\n").ok());
    CHECK(read_bytes(target) == "new\n");
  }
  SECTION("by remove_stale_temp_files, which counts them") {
    CHECK(remove_stale_temp_files(target) == 2);
    CHECK(remove_stale_temp_files(target) == 0);
  }
  CHECK_FALSE(fs::exists(stale_old_style));
  CHECK_FALSE(fs::exists(stale));
  for (const fs::path& file : kept) {
    INFO(file);
    CHECK(read_bytes(file) == "keep\n");
  }
}

TEST_CASE("removing stale temp files of a target in a missing directory removes nothing",
          "[sdk][file_io]") {
  TempDir dir;
  CHECK(remove_stale_temp_files(dir.path() / "absent" / "AAPL_1h.csv") == 0);
}

TEST_CASE("reading a FIFO is refused without blocking", "[sdk][file_io]") {
  TempDir dir;
  const fs::path fifo = dir.path() / "bars.csv";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  auto read = read_without_hanging(fifo);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == ErrorCode::kIo);
  CHECK(read.error().get("file") == fifo.string());
  CHECK_THAT(read.error().message, Catch::Contains("FIFO") && Catch::Contains(fifo.string()));
}

TEST_CASE("reading a device is refused", "[sdk][file_io]") {
  const fs::path device = GENERATE(fs::path("/dev/zero"), fs::path("/dev/null"));
  auto read = read_without_hanging(device);
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == ErrorCode::kIo);
  CHECK(read.error().get("file") == device.string());
  CHECK_THAT(read.error().message,
             Catch::Contains("character device") && Catch::Contains(device.string()));
}

TEST_CASE("reading a directory is refused", "[sdk][file_io]") {
  TempDir dir;
  auto read = read_whole_file(dir.path());
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == ErrorCode::kIo);
  CHECK_THAT(read.error().message, Catch::Contains("directory"));
}

TEST_CASE("max_bytes accepts a file at the limit and refuses a bigger one", "[sdk][file_io]") {
  TempDir dir;
  const fs::path file = dir.path() / "features.json";
  write_file(file, std::string(64, 'x'));

  SECTION("at the limit") {
    auto read = read_whole_file(file, 64);
    REQUIRE(read.ok());
    CHECK(read->size() == 64);
  }
  SECTION("over the limit") {
    auto read = read_whole_file(file, 63);
    REQUIRE_FALSE(read.ok());
    CHECK(read.error().code == ErrorCode::kIo);
    CHECK(read.error().get("file") == file.string());
    CHECK(read.error().get("max_bytes") == "63");
    CHECK_THAT(read.error().message, Catch::Contains(file.string()) && Catch::Contains("63"));
  }
  SECTION("an empty file with a zero limit") {
    write_file(file, "");
    auto read = read_whole_file(file, 0);
    REQUIRE(read.ok());
    CHECK(read->empty());
  }
}

TEST_CASE("a cancelled token stops a whole-file read with kCancelled", "[sdk][file_io][cancel]") {
  TempDir dir;
  const fs::path file = dir.path() / "AAPL_1m.csv";
  write_file(file, std::string(std::size_t{9} << 20, 'x'));  // nine 1 MiB reads
  ktrdr::CancellationSource cancel;
  cancel.cancel();
  auto read = read_whole_file(file, std::nullopt, cancel.token());
  REQUIRE_FALSE(read.ok());
  CHECK(read.error().code == ErrorCode::kCancelled);
  CHECK(read.error().get("file") == file.string());
  // The same file reads whole with a token that is never cancelled.
  CHECK(read_whole_file(file, std::nullopt, ktrdr::CancellationToken{})->size() == std::size_t{9}
                                                                                         << 20);
}
