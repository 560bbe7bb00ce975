#include "plugin_probe.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

extern char** environ;

namespace ktrdr::engine {
namespace {

// Waits for `pid` to end, at most `timeout` (a pidfd: no polling); kills it when it does not.
// Returns the wait status, or nullopt after a timeout.
std::optional<int> wait_for_child(pid_t pid, std::chrono::milliseconds timeout) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  bool ended = true;
  if (pidfd >= 0) {
    pollfd fd{pidfd, POLLIN, 0};
    int ready = 0;
    do {
      ready = ::poll(&fd, 1, static_cast<int>(timeout.count()));
    } while (ready < 0 && errno == EINTR);
    ended = ready > 0;
    ::close(pidfd);
  }
  if (!ended) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!ended) return std::nullopt;
  return status;
}

}  // namespace

std::optional<std::string> probe_plugin(const std::filesystem::path& program,
                                        const std::filesystem::path& plugin,
                                        std::chrono::milliseconds timeout) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  for (int fd : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY, 0);
  }
  const std::string program_text = program.string();
  const std::string plugin_text = plugin.string();
  std::vector<char*> argv = {const_cast<char*>(program_text.c_str()),
                             const_cast<char*>(kProbeCommand),
                             const_cast<char*>(plugin_text.c_str()), nullptr};
  pid_t pid = 0;
  const int spawned = ::posix_spawn(&pid, program_text.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) return std::nullopt;

  const auto status = wait_for_child(pid, timeout);
  if (!status) {
    return "did not finish registering within " + std::to_string(timeout.count() / 1000) +
           " s (probed in a child process)";
  }
  if (WIFSIGNALED(*status)) {
    const int signal = WTERMSIG(*status);
    return "crashed while registering (signal " + std::to_string(signal) + ", " +
           ::strsignal(signal) + "; probed in a child process)";
  }
  if (WIFEXITED(*status) && WEXITSTATUS(*status) != 0) {
    return "exited with status " + std::to_string(WEXITSTATUS(*status)) +
           " while registering (probed in a child process)";
  }
  return std::nullopt;
}

}  // namespace ktrdr::engine
