#include "ktrdr/sdk/executor.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <latch>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

TEST_CASE("a thread pool runs every posted task on its workers", "[sdk][executor]") {
  constexpr int kTasks = 200;
  std::atomic<int> ran{0};
  std::atomic<int> on_caller{0};
  std::latch done(kTasks);
  const auto caller = std::this_thread::get_id();
  ktrdr::ThreadPoolExecutor executor(3);
  for (int i = 0; i < kTasks; ++i) {
    executor.post([&] {
      ran.fetch_add(1);
      if (std::this_thread::get_id() == caller) on_caller.fetch_add(1);
      done.count_down();
    });
  }
  done.wait();
  CHECK(ran.load() == kTasks);
  CHECK(on_caller.load() == 0);
}

TEST_CASE("one worker runs tasks in the order they were posted", "[sdk][executor]") {
  std::vector<int> order;
  {
    ktrdr::ThreadPoolExecutor executor(1);
    for (int i = 0; i < 50; ++i) executor.post([&order, i] { order.push_back(i); });
  }
  REQUIRE(order.size() == 50);
  for (int i = 0; i < 50; ++i) CHECK(order[static_cast<std::size_t>(i)] == i);
}

TEST_CASE("destroying the pool runs every queued task first", "[sdk][executor]") {
  std::latch release(1);
  std::atomic<int> ran{0};
  std::optional<std::thread> releaser;
  {
    ktrdr::ThreadPoolExecutor executor(2);
    for (int i = 0; i < 2; ++i) {
      executor.post([&] {
        release.wait();
        ran.fetch_add(1);
      });
    }
    for (int i = 0; i < 100; ++i) executor.post([&] { ran.fetch_add(1); });
    releaser.emplace([&] { release.count_down(); });
  }
  releaser->join();
  CHECK(ran.load() == 102);
}

TEST_CASE("tasks may post more tasks while the pool drains", "[sdk][executor]") {
  std::atomic<int> ran{0};
  {
    ktrdr::ThreadPoolExecutor executor(2);
    executor.post([&] {
      for (int i = 0; i < 10; ++i) executor.post([&] { ran.fetch_add(1); });
      ran.fetch_add(1);
    });
  }
  CHECK(ran.load() == 11);
}
