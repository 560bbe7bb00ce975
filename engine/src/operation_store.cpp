#include "operation_store.hpp"

#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <tuple>
#include <iostream>
#include <vector>

namespace ktrdr::engine {
namespace {

constexpr const char* kSchema = R"sql(
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS operations (
  id         TEXT PRIMARY KEY,
  kind       TEXT NOT NULL,
  name       TEXT NOT NULL,
  state      TEXT NOT NULL,
  created_at TEXT NOT NULL,
  version    INTEGER NOT NULL,
  record     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS operations_created ON operations (created_at);
CREATE INDEX IF NOT EXISTS operations_state_created ON operations (state, created_at);
CREATE TABLE IF NOT EXISTS operations_quarantine (
  id     TEXT NOT NULL,
  record TEXT NOT NULL,
  reason TEXT NOT NULL
);
)sql";

// After a failed write (e.g. the disk is full), how long before the writer tries again.
constexpr std::chrono::seconds kRetryDelay{1};

constexpr const char* kUpsert =
    "INSERT INTO operations (id, kind, name, state, created_at, version, record) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (id) DO UPDATE SET state = excluded.state, version = excluded.version, "
    "record = excluded.record WHERE excluded.version >= operations.version";

Error sqlite_error(sqlite3* db, const std::filesystem::path& path, const std::string& what) {
  return Error::io(path.string() + ": " + what + ": " + sqlite3_errmsg(db),
                   {{"file", path.string()}});
}

// Commits the open transaction, or rolls it back and says why.
Result<void> commit(sqlite3* db, const std::filesystem::path& path) {
  if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK) return {};
  Error error = sqlite_error(db, path, "cannot commit");
  sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
  return error;
}

// A prepared statement, finalized on destruction.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &statement_, nullptr); }
  ~Statement() { sqlite3_finalize(statement_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  sqlite3_stmt* get() const { return statement_; }

 private:
  sqlite3_stmt* statement_ = nullptr;
};

void bind_text(sqlite3_stmt* statement, int index, const std::string& text) {
  sqlite3_bind_text(statement, index, text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
}

}  // namespace

Result<std::unique_ptr<OperationStore>> OperationStore::open(const std::filesystem::path& path) {
  std::error_code ec;
  if (path.has_parent_path()) std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) {
    return Error::io(path.parent_path().string() + ": cannot create the directory: " + ec.message(),
                     {{"file", path.string()}});
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    Error error = sqlite_error(db, path, "cannot open the operations database");
    sqlite3_close(db);
    return error;
  }
  sqlite3_busy_timeout(db, 5000);
  char* message = nullptr;
  if (sqlite3_exec(db, kSchema, nullptr, nullptr, &message) != SQLITE_OK) {
    Error error = Error::io(path.string() + ": not a usable operations database: " +
                                (message != nullptr ? message : "unknown error"),
                            {{"file", path.string()}});
    sqlite3_free(message);
    sqlite3_close(db);
    return error;
  }
  return std::unique_ptr<OperationStore>(new OperationStore(path, db));
}

std::filesystem::path OperationStore::default_path() {
  if (const char* data = std::getenv("XDG_DATA_HOME"); data != nullptr && *data != '\0') {
    return std::filesystem::path(data) / "ktrdr" / "operations.db";
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : ".") / ".local" / "share" / "ktrdr" /
         "operations.db";
}

// Test hook: KTRDR_TEST_STORE_WRITE_DELAY_MS holds every write back that long, so tests can
// kill a server between a change and its commit.
std::chrono::milliseconds write_delay_for_testing() {
  const char* text = std::getenv("KTRDR_TEST_STORE_WRITE_DELAY_MS");
  return std::chrono::milliseconds(text != nullptr ? std::atoi(text) : 0);
}

OperationStore::OperationStore(std::filesystem::path path, sqlite3* db)
    : path_(std::move(path)),
      db_(db),
      write_delay_(write_delay_for_testing()),
      writer_([this] { write_loop(); }) {}

OperationStore::~OperationStore() {
  subscription_ = {};
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  writer_.join();
  sqlite3_close(db_);
}

Result<std::size_t> OperationStore::restore_into(
    OperationRegistry& registry, const std::function<void(const std::string&)>& warn) {
  std::vector<OperationRecord> records;
  std::vector<std::tuple<std::string, std::string, std::string>> unreadable;  // id, text, why
  {
    std::lock_guard db(db_mutex_);
    Statement select(db_, "SELECT id, record FROM operations ORDER BY created_at, id");
    if (select.get() == nullptr) return sqlite_error(db_, path_, "cannot read operations");
    while (sqlite3_step(select.get()) == SQLITE_ROW) {
      const auto* id = reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 0));
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 1));
      auto json = Json::parse(text != nullptr ? text : "");
      auto record = json.ok() ? OperationRecord::from_json(*json)
                              : Result<OperationRecord>(std::move(json).error());
      if (!record.ok()) {
        unreadable.emplace_back(id != nullptr ? id : "", text != nullptr ? text : "",
                                record.error().message);
        continue;
      }
      records.push_back(std::move(*record));
    }
  }
  for (const auto& [id, text, why] : unreadable) {
    quarantine(id, text, why);
    warn(path_.string() + ": operation " + id +
         " cannot be read and was moved to the table operations_quarantine: " + why);
  }
  std::map<std::string, OperationRecord> interrupted;
  const auto now = std::chrono::system_clock::now();
  for (OperationRecord& record : records) {
    if (!is_terminal(record.state)) {
      record.state = OperationState::kFailed;
      record.finished_at = now;
      record.error = Error::unavailable(
          "interrupted: the server stopped while the operation was " +
              std::string(record.started_at ? "running" : "pending"),
          {{"reason", "interrupted"}});
      ++record.version;
      interrupted.emplace(record.id, record);
    }
    registry.restore(std::move(record));
  }
  if (auto written = write(interrupted); !written.ok()) {
    // Not fatal (the disk may be full): the writer keeps trying.
    warn(written.error().message + " (marking interrupted operations; retried in the background)");
    std::lock_guard lock(mutex_);
    queued_.merge(interrupted);
    changed_.notify_all();
  }
  return records.size();
}

void OperationStore::quarantine(const std::string& id, const std::string& text,
                                const std::string& reason) {
  std::lock_guard db(db_mutex_);
  Statement insert(db_, "INSERT INTO operations_quarantine (id, record, reason) VALUES (?1, ?2, ?3)");
  bind_text(insert.get(), 1, id);
  bind_text(insert.get(), 2, text);
  bind_text(insert.get(), 3, reason);
  Statement remove(db_, "DELETE FROM operations WHERE id = ?1");
  bind_text(remove.get(), 1, id);
  sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
  const bool moved = sqlite3_step(insert.get()) == SQLITE_DONE &&
                     sqlite3_step(remove.get()) == SQLITE_DONE;
  sqlite3_exec(db_, moved ? "COMMIT" : "ROLLBACK", nullptr, nullptr, nullptr);
}

void OperationStore::follow(OperationRegistry& registry) {
  subscription_ = registry.subscribe([this](const OperationRecord& record) {
    {
      std::lock_guard lock(mutex_);
      queued_[record.id] = record;
    }
    changed_.notify_all();
  });
}

Result<void> OperationStore::flush() {
  std::unique_lock lock(mutex_);
  const std::uint64_t target = queued_batches_ + (queued_.empty() ? 0 : 1);
  changed_.wait(lock, [&] { return written_batches_ >= target; });
  if (failure_) return *failure_;
  return {};
}

Result<std::vector<std::string>> OperationStore::prune(const Retention& retention) {
  if (auto flushed = flush(); !flushed.ok()) return flushed.error();
  std::lock_guard db(db_mutex_);
  // Finished operations created before the cutoff, or not among the newest `keep` of them.
  Statement select(db_,
                   "SELECT id FROM operations WHERE state IN ('completed', 'failed', 'cancelled') "
                   "AND (created_at < ?1 OR id NOT IN (SELECT id FROM operations WHERE state IN "
                   "('completed', 'failed', 'cancelled') ORDER BY created_at DESC, id DESC "
                   "LIMIT ?2))");
  Statement remove(db_, "DELETE FROM operations WHERE id = ?1");
  if (select.get() == nullptr || remove.get() == nullptr) {
    return sqlite_error(db_, path_, "cannot prune operations");
  }
  const std::string cutoff =
      retention.max_age ? to_iso8601(std::chrono::system_clock::now() - *retention.max_age, true)
                        : std::string();
  bind_text(select.get(), 1, cutoff);
  sqlite3_bind_int64(select.get(), 2,
                     retention.keep ? static_cast<sqlite3_int64>(*retention.keep) : -1);
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return sqlite_error(db_, path_, "cannot start a transaction");
  }
  std::vector<std::string> ids;
  while (sqlite3_step(select.get()) == SQLITE_ROW) {
    ids.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(select.get(), 0)));
  }
  for (const std::string& id : ids) {
    sqlite3_reset(remove.get());
    bind_text(remove.get(), 1, id);
    if (sqlite3_step(remove.get()) != SQLITE_DONE) {
      Error error = sqlite_error(db_, path_, "cannot delete operation " + id);
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return error;
    }
  }
  if (auto committed = commit(db_, path_); !committed.ok()) return committed.error();
  return ids;
}

std::optional<Error> OperationStore::failure() const {
  std::lock_guard lock(mutex_);
  return failure_;
}

void OperationStore::write_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || !queued_.empty(); });
    if (queued_.empty()) return;  // stopping with nothing left
    std::map<std::string, OperationRecord> batch;
    batch.swap(queued_);
    ++queued_batches_;
    if (write_delay_.count() > 0) changed_.wait_for(lock, write_delay_, [&] { return stopping_; });
    lock.unlock();
    auto written = write(batch);
    lock.lock();
    ++written_batches_;
    if (written.ok()) {
      failure_.reset();
    } else {
      if (!failure_) std::cerr << "ktrdr: warning: " << written.error().message << "\n";
      failure_ = std::move(written).error();
      // Keep what was not stored; a newer record of an id queued meanwhile wins.
      queued_.merge(batch);
    }
    changed_.notify_all();
    if (failure_) {
      changed_.wait_for(lock, kRetryDelay, [&] { return stopping_; });
      if (stopping_) return;  // nothing more can be stored; what was committed is kept
    }
  }
}

Result<void> OperationStore::write(const std::map<std::string, OperationRecord>& records) {
  if (records.empty()) return {};
  std::lock_guard db(db_mutex_);
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return sqlite_error(db_, path_, "cannot start a transaction");
  }
  Statement upsert(db_, kUpsert);
  for (const auto& [id, record] : records) {
    sqlite3_reset(upsert.get());
    bind_text(upsert.get(), 1, record.id);
    bind_text(upsert.get(), 2, record.kind);
    bind_text(upsert.get(), 3, record.name);
    bind_text(upsert.get(), 4, std::string(to_string(record.state)));
    bind_text(upsert.get(), 5, to_iso8601(record.created_at, true));
    sqlite3_bind_int64(upsert.get(), 6, static_cast<sqlite3_int64>(record.version));
    bind_text(upsert.get(), 7, record.to_json().dump());
    if (sqlite3_step(upsert.get()) != SQLITE_DONE) {
      Error error = sqlite_error(db_, path_, "cannot save operation " + record.id);
      sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
      return error;
    }
  }
  return commit(db_, path_);
}

}  // namespace ktrdr::engine
