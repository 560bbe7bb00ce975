#include "ktrdr/sdk/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>
#include <utility>

#include "ktrdr/sdk/error.hpp"

namespace ktrdr {

namespace fs = std::filesystem;

namespace {

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

int fsync_directory(const fs::path& dir) noexcept {
  FileDescriptor fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd.valid()) return errno;
  if (::fsync(fd.get()) != 0) return errno;
  return fd.close();
}

}  // namespace

Result<std::string> read_whole_file(const fs::path& path) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    const int err = errno;
    if (err == ENOENT) {
      return Error::not_found("no such file: " + path.string(), {{"file", path.string()}});
    }
    return io_error("cannot open " + path.string(), path, err);
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return io_error("cannot stat " + path.string(), path, errno);
  if (S_ISDIR(info.st_mode)) {
    return Error::io("cannot read " + path.string() + ": it is a directory",
                     {{"file", path.string()}});
  }
  // One spare byte, so the read that sees end-of-file needs no growth.
  std::string text;
  text.resize(static_cast<std::size_t>(info.st_size) + 1);
  std::size_t got = 0;
  for (;;) {
    if (got == text.size()) text.resize(text.size() * 2);  // the file grew since fstat
    const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot read " + path.string(), path, errno);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  text.resize(got);
  return text;
}

Result<void> replace_file_atomically(const fs::path& target, std::string_view content,
                                     std::optional<std::size_t> fail_after) {
  fs::path temp = target;
  temp += ".tmp." + std::to_string(::getpid());
  const std::string what = "cannot save " + target.string();
  auto fail = [&](std::string step, int err) {
    ::unlink(temp.c_str());
    return io_error(what + ": " + std::move(step) + " " + temp.string(), target, err);
  };

  FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return io_error(what + ": cannot create " + temp.string(), target, errno);
  if (const int err = write_all(fd.get(), content, fail_after); err != 0) {
    return fail("writing", err);
  }
  if (::fsync(fd.get()) != 0) return fail("syncing", errno);
  if (const int err = fd.close(); err != 0) return fail("closing", err);
  if (::rename(temp.c_str(), target.c_str()) != 0) return fail("renaming", errno);
  const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
  if (const int err = fsync_directory(dir); err != 0) {
    return io_error(what + ": saved, but syncing the directory " + dir.string() + " failed",
                    target, err);
  }
  return {};
}

}  // namespace ktrdr
