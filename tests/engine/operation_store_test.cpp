#include "operation_store.hpp"

#include <catch2/catch.hpp>

#include <algorithm>

#include "temp_dir.hpp"

using namespace ktrdr;
using namespace ktrdr::engine;

namespace {

OperationRecord record_from(const std::string& id, OperationState state, int days_ago) {
  OperationRecord record;
  record.id = id;
  record.kind = "test.a";
  record.state = state;
  record.created_at = std::chrono::system_clock::now() - std::chrono::days(days_ago);
  record.version = 1;
  return record;
}

std::vector<std::string> sorted(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

TEST_CASE("pruning deletes the finished history a retention does not keep, never live work",
          "[engine][store]") {
  test::TempDir dir;
  const auto path = dir.path() / "ops.db";
  {
    OperationRegistry registry;
    auto store = OperationStore::open(path);
    REQUIRE(store.ok());
    (*store)->follow(registry);
    registry.restore(record_from("running_50", OperationState::kRunning, 50));
    registry.restore(record_from("failed_40", OperationState::kFailed, 40));
    registry.restore(record_from("done_30", OperationState::kCompleted, 30));
    registry.restore(record_from("cancelled_20", OperationState::kCancelled, 20));
    registry.restore(record_from("done_10", OperationState::kCompleted, 10));
    registry.restore(record_from("done_1", OperationState::kCompleted, 1));

    auto by_age = (*store)->prune({.max_age = std::chrono::days(15)});
    REQUIRE(by_age.ok());
    CHECK(sorted(*by_age) == std::vector<std::string>{"cancelled_20", "done_30", "failed_40"});
    auto by_count = (*store)->prune({.keep = 1});
    REQUIRE(by_count.ok());
    CHECK(*by_count == std::vector<std::string>{"done_10"});
    auto again = (*store)->prune({.max_age = std::chrono::days(15), .keep = 1});
    REQUIRE(again.ok());
    CHECK(again->empty());
  }
  OperationRegistry reopened;
  auto store = OperationStore::open(path);
  REQUIRE(store.ok());
  auto restored = (*store)->restore_into(reopened, [](const std::string& warning) {
    FAIL(warning);
  });
  REQUIRE(restored.ok());
  CHECK(*restored == 2);
  CHECK(reopened.get("done_1"));
  CHECK(reopened.get("running_50"));
}
