// Executor: where operations run. ThreadPoolExecutor is the engine's: a fixed pool of worker
// threads draining a FIFO queue. post() is thread-safe.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ktrdr {

class Executor {
 public:
  virtual ~Executor() = default;
  // Queues `task`; it runs later on some worker thread. Tasks must not throw.
  virtual void post(std::function<void()> task) = 0;
};

class ThreadPoolExecutor final : public Executor {
 public:
  explicit ThreadPoolExecutor(std::size_t threads);  // at least one worker
  // Runs every queued task, then joins the workers.
  ~ThreadPoolExecutor() override;
  ThreadPoolExecutor(const ThreadPoolExecutor&) = delete;
  ThreadPoolExecutor& operator=(const ThreadPoolExecutor&) = delete;

  void post(std::function<void()> task) override;

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace ktrdr
