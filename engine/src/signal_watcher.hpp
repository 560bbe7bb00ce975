// SignalWatcher: turns SIGINT and SIGTERM into cancellation. It blocks both signals in the
// calling thread — construct it before any other thread starts, so every thread inherits the
// mask — and waits for them on its own thread (sigwait: no handler, no polling). The first
// SIGINT cancels `source` with reason user; a second one exits the process at once with 130.
// SIGTERM cancels with reason shutdown.
#pragma once

#include <atomic>
#include <functional>
#include <string_view>
#include <thread>

#include "ktrdr/sdk/cancellation_token.hpp"

namespace ktrdr::engine {

class SignalWatcher {
 public:
  // `notice` is told what happened ("cancelling…"), e.g. to print it on stderr.
  SignalWatcher(CancellationSource source, std::function<void(std::string_view)> notice);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  void watch();

  CancellationSource source_;
  std::function<void(std::string_view)> notice_;
  std::atomic<bool> stopping_{false};  // set by the destructor before it wakes the thread
  std::thread thread_;
};

}  // namespace ktrdr::engine
