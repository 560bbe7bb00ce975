// OperationsApi: what `ktrdr serve` answers under /api/v1 — submit job files (YAML or JSON),
// start one operation, list / show / cancel operations, stream an operation's changes as NDJSON,
// and a truthful /health — plus the loaded plugins' domain routes. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine.hpp"
#include "ktrdr/sdk/host_service.hpp"

namespace ktrdr::engine {

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
  // Adds every route to `server` (before it starts). /health is also served at the root.
  void mount(HostService& server);

 private:
  struct Submission;

  ServerResponse submit_jobs(const ServerRequest& request);
  ServerResponse start_operation(const ServerRequest& request);
  ServerResponse list_operations(const ServerRequest& request) const;
  ServerResponse get_operation(const ServerRequest& request) const;
  ServerResponse cancel_operation(const ServerRequest& request);
  void stream_events(const ServerRequest& request, StreamWriter& writer) const;
  ServerResponse health(const HostService& server) const;

  Engine& engine_;
  CancellationToken shutdown_;
  std::vector<HealthCheck> health_checks_;
  std::mutex submissions_mutex_;
  std::list<std::unique_ptr<Submission>> submissions_;
};

}  // namespace ktrdr::engine
