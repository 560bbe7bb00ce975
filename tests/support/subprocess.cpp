#include "subprocess.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace ktrdr::test {

Subprocess::Subprocess(std::vector<std::string> argv, std::map<std::string, std::string> env) {
  int out_pipe[2];
  int err_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err_pipe[1], STDERR_FILENO);
  // The child inherits nothing else: a socket the test listens on (a fake server) must close
  // when the test closes it, not live on in every process it started.
  posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // The child starts with no blocked signals, whatever the test runner blocks.
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);

  std::map<std::string, std::string> environment;
  for (char** item = environ; *item != nullptr; ++item) {
    const std::string entry(*item);
    const auto equals = entry.find('=');
    if (equals != std::string::npos) environment[entry.substr(0, equals)] = entry.substr(equals + 1);
  }
  for (const auto& [key, value] : env) {
    if (value.empty()) {
      environment.erase(key);
    } else {
      environment[key] = value;
    }
  }
  std::vector<std::string> env_strings;
  for (const auto& [key, value] : environment) env_strings.push_back(key + "=" + value);
  std::vector<char*> env_ptrs;
  for (auto& s : env_strings) env_ptrs.push_back(s.data());
  env_ptrs.push_back(nullptr);
  std::vector<char*> arg_ptrs;
  for (auto& s : argv) arg_ptrs.push_back(s.data());
  arg_ptrs.push_back(nullptr);

  const int rc = posix_spawnp(&pid_, arg_ptrs[0], &actions, &attributes, arg_ptrs.data(),
                             env_ptrs.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  close(out_pipe[1]);
  close(err_pipe[1]);
  if (rc != 0) {
    close(out_pipe[0]);
    close(err_pipe[0]);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  out_reader_ = std::thread([this, fd = out_pipe[0]] { read_into(fd, out_); });
  err_reader_ = std::thread([this, fd = err_pipe[0]] { read_into(fd, err_); });
  waiter_ = std::thread([this] {
    int status = 0;
    while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    std::lock_guard lock(mutex_);
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    changed_.notify_all();
  });
}

Subprocess::~Subprocess() {
  {
    std::lock_guard lock(mutex_);
    if (!exit_code_) kill(pid_, SIGKILL);
  }
  waiter_.join();
  out_reader_.join();
  err_reader_.join();
}

void Subprocess::read_into(int fd, std::string& buffer) {
  char chunk[4096];
  for (;;) {
    const ssize_t n = read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    std::lock_guard lock(mutex_);
    if (n <= 0) {
      --open_streams_;
      changed_.notify_all();
      break;
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
  close(fd);
}

void Subprocess::signal(int signal_number) const { kill(pid_, signal_number); }

bool Subprocess::wait_for_line(const std::function<bool(const std::string&)>& match,
                               std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  std::size_t scanned = 0;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    for (auto end = out_.find('\n', scanned); end != std::string::npos;
         end = out_.find('\n', scanned)) {
      if (match(out_.substr(scanned, end - scanned))) return true;
      scanned = end + 1;
    }
    if (open_streams_ == 0 && exit_code_) return false;
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) return false;
  }
}

std::optional<int> Subprocess::wait(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, timeout, [&] { return exit_code_ && open_streams_ == 0; })) {
    return std::nullopt;
  }
  return exit_code_;
}

std::string Subprocess::out() const {
  std::lock_guard lock(mutex_);
  return out_;
}

std::string Subprocess::err() const {
  std::lock_guard lock(mutex_);
  return err_;
}

std::vector<std::string> Subprocess::out_lines() const {
  std::vector<std::string> lines;
  std::stringstream stream(out());
  for (std::string line; std::getline(stream, line);) lines.push_back(line);
  return lines;
}

Completed run_program(std::vector<std::string> argv, std::map<std::string, std::string> env,
                      std::chrono::milliseconds timeout) {
  Subprocess process(std::move(argv), std::move(env));
  Completed done;
  done.exit_code = process.wait(timeout).value_or(-1);
  done.out = process.out();
  done.err = process.err();
  return done;
}

}  // namespace ktrdr::test
