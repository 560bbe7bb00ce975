#include "crash_notice.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace ktrdr::engine {
namespace {

// Written by the constructor before the handlers are installed, read only by the handler.
char g_line[512];
std::size_t g_length = 0;

void on_fatal_signal(int signal) {
  (void)!::write(STDERR_FILENO, g_line, g_length);
  // SA_RESETHAND restored the default action: raising again ends the process as the signal
  // would have.
  ::raise(signal);
}

}  // namespace

CrashNotice::CrashNotice(std::string_view line) {
  g_length = std::min(line.size(), sizeof g_line - 1);
  std::memcpy(g_line, line.data(), g_length);
  g_line[g_length++] = '\n';
  struct sigaction action {};
  action.sa_handler = on_fatal_signal;
  action.sa_flags = SA_RESETHAND | SA_NODEFER;
  sigemptyset(&action.sa_mask);
  for (std::size_t i = 0; i < kSignals.size(); ++i) {
    sigaction(kSignals[i], &action, &previous_[i]);
  }
}

CrashNotice::~CrashNotice() {
  for (std::size_t i = 0; i < kSignals.size(); ++i) sigaction(kSignals[i], &previous_[i], nullptr);
}

}  // namespace ktrdr::engine
