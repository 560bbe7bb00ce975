// OperationStore: keeps the operations registry's records in SQLite, so a server's history
// survives restarts. Changes are queued by a registry listener and written by the store's own
// thread in transactions (WAL journal: a kill at any moment leaves the last committed state,
// never a corrupt file). Thread-safe.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "ktrdr/sdk/operations_registry.hpp"
#include "ktrdr/sdk/result.hpp"

struct sqlite3;

namespace ktrdr::engine {

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
  // saved so. Returns how many records were loaded.
  Result<std::size_t> restore_into(OperationRegistry& registry);
  // From now on, every change of `registry` is saved. `registry` must outlive the store.
  void follow(OperationRegistry& registry);
  // Blocks until everything queued so far is written (for tests and shutdown).
  void flush();

  const std::filesystem::path& path() const { return path_; }

 private:
  OperationStore(std::filesystem::path path, sqlite3* db);
  void write_loop();
  Result<void> write(const std::map<std::string, OperationRecord>& records);

  std::filesystem::path path_;
  sqlite3* db_;
  OperationRegistry::Subscription subscription_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::map<std::string, OperationRecord> queued_;  // latest record per id
  std::uint64_t queued_batches_ = 0;   // batches handed to the writer
  std::uint64_t written_batches_ = 0;  // batches written
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace ktrdr::engine
