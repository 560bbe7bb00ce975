// CrashNotice: while alive, a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) first
// writes a prepared line to stderr — e.g. which plugin was registering — and then takes its
// default action (the exit status and core dump are unchanged). Not reentrant: one at a time.
#pragma once

#include <signal.h>

#include <array>
#include <string_view>

namespace ktrdr::engine {

class CrashNotice {
 public:
  explicit CrashNotice(std::string_view line);
  ~CrashNotice();
  CrashNotice(const CrashNotice&) = delete;
  CrashNotice& operator=(const CrashNotice&) = delete;

 private:
  static constexpr std::array<int, 5> kSignals{SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
  std::array<struct sigaction, kSignals.size()> previous_{};
};

}  // namespace ktrdr::engine
