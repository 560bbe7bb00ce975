// Subprocess: runs a real program for end-to-end tests — captures stdout and stderr, waits for
// a line to appear (no polling: reader threads notify), sends signals, waits for the exit.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ktrdr::test {

class Subprocess {
 public:
  // Starts `argv` with the current environment plus `env` (an empty value unsets the variable).
  explicit Subprocess(std::vector<std::string> argv, std::map<std::string, std::string> env = {});
  ~Subprocess();  // kills the process if it still runs
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int signal_number) const;

  // Waits until a stdout line satisfies `match`; false on timeout or when the process ended.
  bool wait_for_line(const std::function<bool(const std::string&)>& match,
                     std::chrono::milliseconds timeout);
  // The exit code (128 + n for a signal), or nullopt on timeout.
  std::optional<int> wait(std::chrono::milliseconds timeout);

  std::string out() const;
  std::string err() const;
  std::vector<std::string> out_lines() const;

 private:
  void read_into(int fd, std::string& buffer);

  pid_t pid_ = -1;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string out_;
  std::string err_;
  std::optional<int> exit_code_;
  int open_streams_ = 2;
  std::thread out_reader_;
  std::thread err_reader_;
  std::thread waiter_;
};

// Runs `argv` to completion (at most `timeout`) and returns {exit code, stdout, stderr}.
struct Completed {
  int exit_code = -1;
  std::string out;
  std::string err;
};
Completed run_program(std::vector<std::string> argv, std::map<std::string, std::string> env = {},
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace ktrdr::test
