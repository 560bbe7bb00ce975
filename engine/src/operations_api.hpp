// OperationsApi: what `ktrdr serve` answers under /api/v1 — submit job files (YAML or JSON),
// start one operation, list / show / cancel operations, stream an operation's changes as NDJSON,
// and a truthful /health — plus the loaded plugins' domain routes. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine.hpp"
#include "ktrdr/sdk/host_service.hpp"
#include "operation_store.hpp"

namespace ktrdr::engine {

// Where the server keeps the operations it acknowledges: POST /operations and POST /jobs answer
// only once `commit` says the new records are stored (a group commit), and while `failure` says
// the store cannot write, new work is refused with 503. `prune` deletes the finished history a
// retention does not keep (POST /operations/prune, by default with `retention`).
struct OperationJournal {
  std::function<Result<void>()> commit;
  std::function<std::optional<Error>()> failure;
  std::function<Result<std::size_t>(const Retention&)> prune;
  Retention retention;
};

class OperationsApi {
 public:
  // Operations started through the API are cancelled (reason shutdown) when `shutdown` is.
  OperationsApi(Engine& engine, CancellationToken shutdown);
  // Waits for the job-file submissions still running (cancel `shutdown` first).
  ~OperationsApi();
  OperationsApi(const OperationsApi&) = delete;
  OperationsApi& operator=(const OperationsApi&) = delete;

  // A dependency /health reports, e.g. the operations database.
  void add_health_check(HealthCheck check);
  // Without a journal (tests), work is acknowledged as soon as it is registered.
  void set_journal(OperationJournal journal) { journal_ = std::move(journal); }
  // Adds every route to `server` (before it starts). /health is also served at the root.
  void mount(HostService& server);

 private:
  struct Submission;

  ServerResponse submit_jobs(const ServerRequest& request);
  ServerResponse start_operation(const ServerRequest& request);
  ServerResponse list_operations(const ServerRequest& request) const;
  ServerResponse get_operation(const ServerRequest& request) const;
  ServerResponse cancel_operation(const ServerRequest& request);
  ServerResponse prune_operations(const ServerRequest& request);
  void stream_events(const ServerRequest& request, StreamWriter& writer) const;
  ServerResponse health(const HostService& server, const ServerRequest& request) const;
  // 503 while the journal cannot store new work.
  std::optional<ServerResponse> refuse_unstorable() const;
  // Waits for the journal; on failure cancels `ids` (their records could not be stored) and
  // returns the 503 to answer instead of an acknowledgement.
  std::optional<ServerResponse> wait_stored(const std::vector<std::string>& ids);

  Engine& engine_;
  CancellationToken shutdown_;
  std::vector<HealthCheck> health_checks_;
  OperationJournal journal_;
  std::mutex submissions_mutex_;
  std::list<std::unique_ptr<Submission>> submissions_;
};

}  // namespace ktrdr::engine
