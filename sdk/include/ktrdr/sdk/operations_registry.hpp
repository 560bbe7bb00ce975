// OperationRegistry: the live records of all operations of a process. Thread-safe. Terminal
// states are sticky: once completed/failed/cancelled, later transitions are refused and change
// nothing. Listeners see every change, in the order the changes happened.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/operation.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

struct OperationFilter {
  std::optional<OperationState> state;
  std::optional<std::string> kind;
  std::size_t limit = 100;
  std::size_t offset = 0;
};

class OperationRegistry {
 public:
  using Listener = std::function<void(const OperationRecord&)>;

  // Unsubscribes on destruction; after it returns the listener is never called again (it waits
  // for a call running on another thread). Must not outlive its registry.
  class Subscription {
   public:
    Subscription() = default;
    Subscription(Subscription&& other) noexcept;
    Subscription& operator=(Subscription&& other) noexcept;
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    ~Subscription();

   private:
    friend class OperationRegistry;
    Subscription(OperationRegistry* registry, std::uint64_t id) : registry_(registry), id_(id) {}
    OperationRegistry* registry_ = nullptr;
    std::uint64_t id_ = 0;
  };

  OperationRegistry() = default;
  OperationRegistry(const OperationRegistry&) = delete;
  OperationRegistry& operator=(const OperationRegistry&) = delete;

  // Creates a pending record and returns its id. `source` is cancelled by request_cancel().
  std::string create(std::string kind, std::string name, Json params, CancellationSource source);
  // Adds an existing record as it is (restored history, mirrored remote operations). A record
  // with the same id is replaced unless it is terminal (then nothing changes).
  void restore(OperationRecord record);

  // pending → running. False when the record is missing or not pending.
  bool mark_running(const std::string& id);
  // False when missing or terminal.
  bool update_progress(const std::string& id, const ProgressState& progress);
  bool set_routing(const std::string& id, Json routing);
  bool add_warning(const std::string& id, std::string warning);

  // → completed / failed / cancelled. False (and nothing changes) when missing or already
  // terminal. `partial` is stored as the result of a failed or cancelled run.
  bool complete(const std::string& id, Json result);
  bool fail(const std::string& id, Error error, Json partial = {});
  bool finish_cancelled(const std::string& id, Json partial = {});

  // Sets cancel_requested and cancels the operation's token. not_found when missing, conflict
  // when already terminal.
  Result<void> request_cancel(const std::string& id, CancelReason reason = CancelReason::kUser,
                              std::string text = {});

  // Drops the records of `ids` that are terminal (history pruned from the store); others stay.
  // Listeners are not called. Returns how many were dropped.
  std::size_t forget(const std::vector<std::string>& ids);

  std::optional<OperationRecord> get(const std::string& id) const;
  // Newest first (by creation time, then the latest added), filtered and paged; reads only as
  // many records as the page needs when unfiltered.
  std::vector<OperationRecord> list(const OperationFilter& filter = {}) const;
  // Kept per kind and state as records change: never a scan.
  std::size_t count(const OperationFilter& filter = {}) const;

  // Blocks until the operation is terminal or `token` is cancelled (no polling). Returns the
  // record as it is then, or nullopt when the id is unknown.
  std::optional<OperationRecord> wait_terminal(const std::string& id,
                                               const CancellationToken& token = {}) const;

  // `listener` is called after every change with the record as changed, serialised with the
  // change itself. It may read the registry and unsubscribe; it must be quick and must not
  // throw. A change it makes itself is delivered after the current one.
  [[nodiscard]] Subscription subscribe(Listener listener);

 private:
  using Order = std::multimap<std::chrono::system_clock::time_point, std::string>;
  struct Entry {
    OperationRecord record;
    CancellationSource source;
    Order::iterator place;  // in order_
  };
  // Runs `change` under both locks; when it returns a record, publishes a copy of it to waiters
  // and listeners (still under change_mutex_). Returns whether there was a change.
  template <class F>
  bool apply(F&& change);
  // apply() for one entry: `change(entry)` returns whether it changed it; bumps the version.
  template <class F>
  bool mutate(const std::string& id, F&& change);
  void unsubscribe(std::uint64_t id);
  // Adds `delta` to the tally of `record`'s kind and state; called with mutex_ held.
  void tally(const OperationRecord& record, int delta);
  // Hands `record` to every listener; called with change_mutex_ held. A change a listener makes
  // is queued and delivered after the current one, so listeners see the versions in order.
  void notify(OperationRecord record);

  std::recursive_mutex change_mutex_;  // serialises changes with their notifications
  mutable std::mutex mutex_;           // guards entries_ and order_
  mutable std::condition_variable changed_;
  std::map<std::string, Entry> entries_;
  Order order_;  // by creation time; equal times in the order added
  // Records per kind, per state (indexed by OperationState).
  std::map<std::string, std::array<std::size_t, 5>, std::less<>> tally_;
  std::mutex listeners_mutex_;
  std::map<std::uint64_t, std::shared_ptr<Listener>> listeners_;
  std::uint64_t next_listener_ = 1;
  std::deque<OperationRecord> undelivered_;  // guarded by change_mutex_
  bool notifying_ = false;                   // guarded by change_mutex_
};

}  // namespace ktrdr
