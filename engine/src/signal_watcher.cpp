#include "signal_watcher.hpp"

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <utility>

namespace ktrdr::engine {
namespace {

// SIGUSR2 is how the destructor wakes the watcher thread to stop it; one sent from outside is
// consumed and ignored.
sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR2);
  return set;
}

}  // namespace

SignalWatcher::SignalWatcher(CancellationSource source,
                             std::function<void(std::string_view)> notice)
    : source_(std::move(source)), notice_(std::move(notice)) {
  const sigset_t set = watched_signals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  thread_ = std::thread([this] { watch(); });
}

SignalWatcher::~SignalWatcher() {
  stopping_.store(true, std::memory_order_release);
  pthread_kill(thread_.native_handle(), SIGUSR2);
  thread_.join();
}

void SignalWatcher::watch() {
  const sigset_t set = watched_signals();
  int interrupts = 0;
  for (;;) {
    int signal = 0;
    if (sigwait(&set, &signal) != 0) continue;
    if (signal == SIGUSR2) {
      if (stopping_.load(std::memory_order_acquire)) return;
      continue;
    }
    if (signal == SIGTERM) {
      notice_("SIGTERM: cancelling (reason: shutdown)");
      source_.cancel(CancelReason::kShutdown, "SIGTERM");
      continue;
    }
    if (++interrupts == 1) {
      notice_("cancelling… (press Ctrl-C again to exit now)");
      source_.cancel(CancelReason::kUser, "Ctrl-C");
    } else {
      notice_("exiting now");
      std::_Exit(130);
    }
  }
}

}  // namespace ktrdr::engine
