// CsvBarStore: whole-file reads through the bar CSV codec, atomic saves with POSIX calls.
#include "ktrdr/sdk/csv_bar_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <system_error>
#include <utility>

#include "bar_csv_codec.hpp"

namespace ktrdr {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kExtension = ".csv";

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

// Reads the whole file into memory.
Result<std::string> read_all(const fs::path& path) {
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

CsvBarStore::CsvBarStore(fs::path data_dir) : data_dir_(std::move(data_dir)) {}

Result<fs::path> CsvBarStore::path_for(std::string_view symbol, Timeframe timeframe) const {
  if (auto valid = validate_symbol(symbol); !valid) return std::move(valid).error();
  std::string name(symbol);
  name += '_';
  name += to_string(timeframe);
  name += kExtension;
  return data_dir_ / name;
}

bool CsvBarStore::exists(std::string_view symbol, Timeframe timeframe) const {
  auto path = path_for(symbol, timeframe);
  if (!path) return false;
  std::error_code ec;
  return fs::is_regular_file(*path, ec);
}

Result<BarSeries> CsvBarStore::read(std::string_view symbol, Timeframe timeframe) const {
  auto path = path_for(symbol, timeframe);
  if (!path) return std::move(path).error();
  auto series = read_file(*path, symbol, timeframe);
  if (!series && series.error().code == ErrorCode::kNotFound) {
    return Error::not_found("no stored " + std::string(symbol) + " " +
                                std::string(to_string(timeframe)) + " bars: " + path->string() +
                                " does not exist",
                            {{"file", path->string()}, {"symbol", std::string(symbol)}});
  }
  return series;
}

Result<BarSeries> CsvBarStore::read_file(const fs::path& path, std::string_view symbol,
                                         Timeframe timeframe) {
  if (auto valid = validate_symbol(symbol); !valid) return std::move(valid).error();
  auto text = read_all(path);
  if (!text) return std::move(text).error();
  return detail::parse_bar_csv(*text, path.string(), std::string(symbol), timeframe);
}

Result<std::vector<StoredSeries>> CsvBarStore::list() const {
  std::vector<StoredSeries> found;
  std::error_code ec;
  fs::directory_iterator it(data_dir_, ec);
  if (ec == std::errc::no_such_file_or_directory) return found;
  if (ec) return io_error("cannot list " + data_dir_.string(), data_dir_, ec.value());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.ends_with(kExtension)) continue;
    const std::string_view stem(name.data(), name.size() - kExtension.size());
    const auto underscore = stem.rfind('_');
    if (underscore == std::string_view::npos) continue;
    const std::string_view symbol = stem.substr(0, underscore);
    const auto timeframe = parse_timeframe(stem.substr(underscore + 1));
    if (!timeframe || !validate_symbol(symbol) || !it->is_regular_file(ec)) continue;
    found.push_back({std::string(symbol), *timeframe, it->path()});
  }
  if (ec) return io_error("cannot list " + data_dir_.string(), data_dir_, ec.value());
  std::sort(found.begin(), found.end(), [](const StoredSeries& a, const StoredSeries& b) {
    return a.symbol != b.symbol ? a.symbol < b.symbol : a.timeframe < b.timeframe;
  });
  return found;
}

Result<void> CsvBarStore::save(const BarSeries& series) const {
  auto target = path_for(series.symbol(), series.timeframe());
  if (!target) return std::move(target).error();
  auto text = detail::format_bar_csv(series);
  if (!text) return std::move(text).error();

  std::error_code ec;
  fs::create_directories(data_dir_, ec);
  if (ec) return io_error("cannot create " + data_dir_.string(), data_dir_, ec.value());

  fs::path temp = *target;
  temp += ".tmp." + std::to_string(::getpid());
  const std::string what = "cannot save " + target->string();
  auto fail = [&](std::string step, int err) {
    ::unlink(temp.c_str());
    return io_error(what + ": " + std::move(step) + " " + temp.string(), *target, err);
  };

  FileDescriptor fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return io_error(what + ": cannot create " + temp.string(), *target, errno);
  if (const int err = write_all(fd.get(), *text, fail_writes_after_); err != 0) {
    return fail("writing", err);
  }
  if (::fsync(fd.get()) != 0) return fail("syncing", errno);
  if (const int err = fd.close(); err != 0) return fail("closing", err);
  if (::rename(temp.c_str(), target->c_str()) != 0) return fail("renaming", errno);
  if (const int err = fsync_directory(data_dir_); err != 0) {
    return io_error(what + ": saved, but syncing the directory " + data_dir_.string() + " failed",
                    *target, err);
  }
  return {};
}

}  // namespace ktrdr
