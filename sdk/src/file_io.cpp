#include "ktrdr/sdk/file_io.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <limits>
#include <random>
#include <system_error>
#include <utility>

#include "huge_pages.hpp"
#include "ktrdr/sdk/error.hpp"

namespace ktrdr {

namespace fs = std::filesystem;

namespace {

// A whole-file read asks for at most this much at a time, checking its token in between: a
// cancel reaches a 200 MB read within one chunk (milliseconds).
constexpr std::size_t kReadChunk = 1u << 20;

// Temp files are `<target>.tmp.<pid>.<random hex>`; stores ignore names of this shape.
constexpr std::string_view kTempInfix = ".tmp.";
constexpr std::string_view kHexDigits = "0123456789abcdef";
// Fresh random names tried when one is taken (a planted file, or a one-in-2^64 collision).
constexpr int kTempNameAttempts = 8;

std::string errno_text(int err) { return std::generic_category().message(err); }

// Closes a file descriptor on scope exit unless released.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) noexcept : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  // Closes now; returns the errno of a failed close, 0 on success.
  int close() noexcept {
    const int rc = ::close(std::exchange(fd_, -1));
    return rc == 0 ? 0 : errno;
  }

 private:
  int fd_;
};

Error io_error(std::string what, const fs::path& path, int err) {
  return Error::io(std::move(what) + ": " + errno_text(err),
                   {{"file", path.string()}, {"errno", std::to_string(err)}});
}

// Why `path` could not be stat-ed or opened for reading.
Error open_error(const fs::path& path, int err) {
  if (err == ENOENT) {
    return Error::not_found("no such file: " + path.string(), {{"file", path.string()}});
  }
  return io_error("cannot open " + path.string(), path, err);
}

// What a file that is not regular is ("a FIFO"); nullopt for a regular file.
std::optional<std::string_view> irregular_kind(mode_t mode) noexcept {
  if (S_ISREG(mode)) return std::nullopt;
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  if (S_ISSOCK(mode)) return "a socket";
  return "not a regular file";
}

Error not_regular(const fs::path& path, std::string_view kind) {
  return Error::io("cannot read " + path.string() + ": it is " + std::string(kind),
                   {{"file", path.string()}});
}

Error too_big(const fs::path& path, std::size_t max_bytes) {
  return Error::io("cannot read " + path.string() + ": it is larger than " +
                       std::to_string(max_bytes) + " bytes",
                   {{"file", path.string()}, {"max_bytes", std::to_string(max_bytes)}});
}

// Writes all of `data`; with a `limit` (the test hook) writes at most that many bytes, then fails
// with EIO.
int write_all(int fd, std::string_view data, std::optional<std::size_t> limit) noexcept {
  const std::size_t allowed = limit ? std::min(*limit, data.size()) : data.size();
  std::size_t done = 0;
  while (done < allowed) {
    const ssize_t n = ::write(fd, data.data() + done, allowed - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<std::size_t>(n);
  }
  return limit ? EIO : 0;
}

fs::path directory_of(const fs::path& target) {
  return target.has_parent_path() ? target.parent_path() : fs::path(".");
}

int fsync_directory(const fs::path& dir) noexcept {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return errno;
  if (::fsync(fd.get()) != 0) return errno;
  return fd.close();
}

// `<target>.tmp.<pid>.<16 hex digits from std::random_device>`: no other process can predict it.
fs::path random_temp_name(const fs::path& target) {
  std::random_device entropy;
  std::uint64_t bits = (std::uint64_t{entropy()} << 32) | std::uint64_t{entropy()};
  std::string random(16, '0');
  for (char& digit : random) {
    digit = kHexDigits[bits & 0xf];
    bits >>= 4;
  }
  fs::path temp = target;
  temp += std::string(kTempInfix) + std::to_string(::getpid()) + "." + random;
  return temp;
}

// The pid a temp file name names, given what follows `<target>.tmp.`: `<pid>` (the older naming)
// or `<pid>.<hex>`; nullopt when the name is not a temp file's.
std::optional<pid_t> temp_file_pid(std::string_view tail) noexcept {
  pid_t pid = 0;
  const auto [next, err] = std::from_chars(tail.data(), tail.data() + tail.size(), pid);
  if (err != std::errc() || pid <= 0) return std::nullopt;
  const std::string_view rest = tail.substr(static_cast<std::size_t>(next - tail.data()));
  if (rest.empty()) return pid;
  const std::string_view random = rest.substr(1);
  if (rest.front() != '.' || random.empty() ||
      random.find_first_not_of(kHexDigits) != std::string_view::npos) {
    return std::nullopt;
  }
  return pid;
}

// False only when no process has `pid`; a process of another user (EPERM) is alive.
bool process_is_alive(pid_t pid) noexcept { return ::kill(pid, 0) == 0 || errno != ESRCH; }

}  // namespace

Result<std::string> read_whole_file(const fs::path& path, std::optional<std::size_t> max_bytes,
                                    const CancellationToken& token) {
  // stat first, so a device is never opened (opening some has effects of its own); the fstat
  // after opening refuses one swapped in meanwhile, and O_NONBLOCK keeps a FIFO swapped in from
  // blocking the open (it changes nothing for a regular file).
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return open_error(path, errno);
  if (auto kind = irregular_kind(info.st_mode)) return not_regular(path, *kind);
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd.valid()) return open_error(path, errno);
  if (::fstat(fd.get(), &info) != 0) return io_error("cannot stat " + path.string(), path, errno);
  if (auto kind = irregular_kind(info.st_mode)) return not_regular(path, *kind);

  // Without a bound, the largest that still leaves room for the byte that proves overflow.
  const std::size_t limit = max_bytes.value_or(std::numeric_limits<std::size_t>::max() - 1);
  const auto size = static_cast<std::uintmax_t>(info.st_size);
  if (size > limit) return too_big(path, limit);
  // Reserved at once (one spare byte for the read that sees end-of-file), but filled a chunk at
  // a time: zeroing and faulting in a big file's pages is part of each chunk's step, so a
  // cancel never waits for more than one. No read asks for more room than was reserved (growing
  // the string would copy all of it into a buffer twice the size); only a file that grew since
  // fstat makes it grow.
  std::string text;
  text.reserve(static_cast<std::size_t>(size) + 1);
  detail::advise_huge_pages(text.data(), text.capacity());
  std::size_t got = 0;
  for (;;) {
    if (token.is_cancelled()) {
      return Error::cancelled("reading " + path.string() + " was cancelled",
                              {{"file", path.string()}});
    }
    const std::size_t reserved = text.capacity() > got ? text.capacity() - got : kReadChunk;
    const std::size_t room = std::min({kReadChunk, limit + 1 - got, reserved});
    text.resize(got + room);
    const ssize_t n = ::read(fd.get(), text.data() + got, room);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("cannot read " + path.string(), path, errno);
    got += static_cast<std::size_t>(n);
    text.resize(got);
    if (n == 0) return text;
    if (got > limit) return too_big(path, limit);  // the file grew since fstat
  }
}

Result<void> replace_file_atomically(const fs::path& target, std::string_view content,
                                     std::optional<std::size_t> fail_after) {
  remove_stale_temp_files(target);
  const std::string what = "cannot save " + target.string();
  // O_EXCL | O_NOFOLLOW: a file or symlink planted at the name is never written through.
  fs::path temp;
  int created = -1;
  int create_error = EEXIST;
  for (int attempt = 0; created < 0 && create_error == EEXIST && attempt < kTempNameAttempts;
       ++attempt) {
    temp = random_temp_name(target);
    created = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    create_error = errno;
  }
  FileDescriptor fd(created);
  if (!fd.valid()) return io_error(what + ": cannot create " + temp.string(), target, create_error);

  auto fail = [&](std::string step, int err) {
    ::unlink(temp.c_str());
    return io_error(what + ": " + std::move(step) + " " + temp.string(), target, err);
  };
  if (const int err = write_all(fd.get(), content, fail_after); err != 0) {
    return fail("writing", err);
  }
  if (::fsync(fd.get()) != 0) return fail("syncing", errno);
  if (const int err = fd.close(); err != 0) return fail("closing", err);
  if (::rename(temp.c_str(), target.c_str()) != 0) return fail("renaming", errno);
  const fs::path dir = directory_of(target);
  if (const int err = fsync_directory(dir); err != 0) {
    return io_error(what + ": saved, but syncing the directory " + dir.string() + " failed",
                    target, err);
  }
  return {};
}

std::size_t remove_stale_temp_files(const fs::path& target) {
  if (!target.has_filename()) return 0;
  const std::string prefix = target.filename().string() + std::string(kTempInfix);
  std::size_t removed = 0;
  std::error_code ec;
  for (fs::directory_iterator it(directory_of(target), ec), end; !ec && it != end;
       it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(prefix)) continue;
    const std::optional<pid_t> pid = temp_file_pid(std::string_view(name).substr(prefix.size()));
    if (!pid || process_is_alive(*pid)) continue;
    std::error_code type_ec;
    if (it->symlink_status(type_ec).type() != fs::file_type::regular) continue;
    if (::unlink(it->path().c_str()) == 0) ++removed;
  }
  return removed;
}

}  // namespace ktrdr
