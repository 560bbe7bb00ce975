// OperationStore: keeps the operations registry's records in SQLite, so a server's history
// survives restarts. Changes are queued by a registry listener and written by the store's own
// thread in transactions (WAL journal: a kill at any moment leaves the last committed state,
// never a corrupt file); flush() is the group commit a server waits for before it acknowledges
// work. A write that fails (disk full) keeps its records queued and is retried every second
// until it succeeds; failure() says so meanwhile. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <optional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ktrdr/sdk/operations_registry.hpp"
#include "ktrdr/sdk/result.hpp"

struct sqlite3;

namespace ktrdr::engine {

// How much finished history a server keeps: finished operations created more than `max_age` ago,
// and those past the newest `keep`, go. Operations still pending or running always stay.
struct Retention {
  std::optional<std::chrono::days> max_age;
  std::optional<std::size_t> keep;
  bool any() const { return max_age || keep; }
};

class OperationStore {
 public:
  // Opens (creating it and its directory if needed) the database at `path`. Errors name it.
  static Result<std::unique_ptr<OperationStore>> open(const std::filesystem::path& path);
  // $XDG_DATA_HOME/ktrdr/operations.db, else ~/.local/share/ktrdr/operations.db.
  static std::filesystem::path default_path();

  // Writes what is queued, stops following the registry and closes the database.
  ~OperationStore();
  OperationStore(const OperationStore&) = delete;
  OperationStore& operator=(const OperationStore&) = delete;

  // Loads every stored record into `registry`. Records that were still pending or running
  // (the previous server stopped under them) become failed with reason "interrupted" and are
  // saved so. A row that cannot be read is moved to the table operations_quarantine (with the
  // reason) and reported through `warn`; the others load. Returns how many records were loaded.
  Result<std::size_t> restore_into(OperationRegistry& registry,
                                   const std::function<void(const std::string&)>& warn);
  // From now on, every change of `registry` is saved. `registry` must outlive the store.
  void follow(OperationRegistry& registry);
  // Blocks until everything queued so far is committed; the error when the write failed (the
  // records stay queued and are retried).
  Result<void> flush();
  // Commits what is queued, then deletes the finished operations `retention` does not keep, in
  // one transaction; returns their ids.
  Result<std::vector<std::string>> prune(const Retention& retention);
  // Why the last write failed, while writes fail; nullopt once one succeeds.
  std::optional<Error> failure() const;

  const std::filesystem::path& path() const { return path_; }

 private:
  OperationStore(std::filesystem::path path, sqlite3* db);
  void write_loop();
  Result<void> write(const std::map<std::string, OperationRecord>& records);
  void quarantine(const std::string& id, const std::string& text, const std::string& reason);

  std::filesystem::path path_;
  sqlite3* db_;
  std::mutex db_mutex_;  // one user of db_ at a time: the writer, restore, prune
  OperationRegistry::Subscription subscription_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, OperationRecord> queued_;  // latest record per id
  std::uint64_t queued_batches_ = 0;   // batches handed to the writer
  std::uint64_t written_batches_ = 0;  // batches the writer tried
  std::optional<Error> failure_;       // of the last try, when it failed
  bool stopping_ = false;
  const std::chrono::milliseconds write_delay_;  // test hook (see operation_store.cpp)
  std::thread writer_;
};

}  // namespace ktrdr::engine
