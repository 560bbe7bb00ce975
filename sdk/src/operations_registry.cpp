// OperationRegistry: live operation records with sticky terminal states and ordered listeners.
//
// Locking: every change takes change_mutex_ (recursive, so listeners may change or unsubscribe),
// then mutex_ for the change itself; listeners run after mutex_ is released but while
// change_mutex_ is still held, which serialises them with the changes. A source is cancelled
// only after both are released, since cancel callbacks may call back into the registry.
#include "ktrdr/sdk/operations_registry.hpp"

#include <algorithm>
#include <chrono>

namespace ktrdr {
namespace {

bool matches(const OperationRecord& record, const OperationFilter& filter) {
  return (!filter.state || record.state == *filter.state) &&
         (!filter.kind || record.kind == *filter.kind);
}

// Listeners must not throw; one that does ends the process here rather than leave the registry
// half-notified.
void call_listener(const OperationRegistry::Listener& listener,
                   const OperationRecord& record) noexcept {
  listener(record);
}

}  // namespace

// --- Subscription ---

OperationRegistry::Subscription::Subscription(Subscription&& other) noexcept
    : registry_(std::exchange(other.registry_, nullptr)), id_(std::exchange(other.id_, 0)) {}

OperationRegistry::Subscription& OperationRegistry::Subscription::operator=(
    Subscription&& other) noexcept {
  if (this != &other) {
    if (registry_) registry_->unsubscribe(id_);
    registry_ = std::exchange(other.registry_, nullptr);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

OperationRegistry::Subscription::~Subscription() {
  if (registry_) registry_->unsubscribe(id_);
}

// --- changes ---

template <class F>
bool OperationRegistry::apply(F&& change) {
  std::lock_guard serial(change_mutex_);
  std::optional<OperationRecord> changed;
  {
    std::lock_guard lock(mutex_);
    if (const OperationRecord* record = change()) changed = *record;
  }
  if (!changed) return false;
  notify(std::move(*changed));
  changed_.notify_all();
  return true;
}

template <class F>
bool OperationRegistry::mutate(const std::string& id, F&& change) {
  return apply([&]() -> const OperationRecord* {
    const auto it = entries_.find(id);
    if (it == entries_.end()) return nullptr;
    tally(it->second.record, -1);
    const bool changed = change(it->second);
    tally(it->second.record, +1);
    if (!changed) return nullptr;
    ++it->second.record.version;
    return &it->second.record;
  });
}

std::string OperationRegistry::create(std::string kind, std::string name, Json params,
                                      CancellationSource source) {
  const auto now = std::chrono::system_clock::now();
  std::string id;
  apply([&]() -> const OperationRecord* {
    do {
      id = make_operation_id(kind, now);
    } while (entries_.contains(id));
    OperationRecord record;
    record.id = id;
    record.kind = std::move(kind);
    record.name = std::move(name);
    record.params = std::move(params);
    record.created_at = now;
    record.progress.started_at = now;
    record.progress.updated_at = now;
    record.version = 1;
    const auto place = order_.emplace(now, id);
    tally(record, +1);
    return &entries_.emplace(id, Entry{std::move(record), std::move(source), place})
                .first->second.record;
  });
  return id;
}

void OperationRegistry::restore(OperationRecord record) {
  apply([&]() -> const OperationRecord* {
    const auto it = entries_.find(record.id);
    if (it == entries_.end()) {
      const std::string id = record.id;
      const auto place = order_.emplace(record.created_at, id);
      tally(record, +1);
      return &entries_.emplace(id, Entry{std::move(record), CancellationSource(), place})
                  .first->second.record;
    }
    OperationRecord& existing = it->second.record;
    if (is_terminal(existing.state)) return nullptr;
    // Versions keep increasing for listeners even when the restored copy is older.
    record.version = std::max(record.version, existing.version + 1);
    if (record.created_at != existing.created_at) {
      order_.erase(it->second.place);
      it->second.place = order_.emplace(record.created_at, record.id);
    }
    tally(existing, -1);
    tally(record, +1);
    existing = std::move(record);
    return &existing;
  });
}

bool OperationRegistry::mark_running(const std::string& id) {
  return mutate(id, [](Entry& entry) {
    if (entry.record.state != OperationState::kPending) return false;
    entry.record.state = OperationState::kRunning;
    entry.record.started_at = std::chrono::system_clock::now();
    return true;
  });
}

bool OperationRegistry::update_progress(const std::string& id, const ProgressState& progress) {
  return mutate(id, [&](Entry& entry) {
    if (is_terminal(entry.record.state)) return false;
    entry.record.progress = progress;
    return true;
  });
}

bool OperationRegistry::set_routing(const std::string& id, Json routing) {
  return mutate(id, [&](Entry& entry) {
    entry.record.routing = std::move(routing);
    return true;
  });
}

bool OperationRegistry::add_warning(const std::string& id, std::string warning) {
  return mutate(id, [&](Entry& entry) {
    entry.record.warnings.push_back(std::move(warning));
    return true;
  });
}

namespace {

// Moves a record to a terminal state; false when it already is in one.
bool finish(OperationRecord& record, OperationState state, Json result) {
  if (is_terminal(record.state)) return false;
  record.state = state;
  record.result = std::move(result);
  record.finished_at = std::chrono::system_clock::now();
  return true;
}

}  // namespace

bool OperationRegistry::complete(const std::string& id, Json result) {
  return mutate(id, [&](Entry& entry) {
    return finish(entry.record, OperationState::kCompleted, std::move(result));
  });
}

bool OperationRegistry::fail(const std::string& id, Error error, Json partial) {
  return mutate(id, [&](Entry& entry) {
    if (!finish(entry.record, OperationState::kFailed, std::move(partial))) return false;
    entry.record.error = std::move(error);
    return true;
  });
}

bool OperationRegistry::finish_cancelled(const std::string& id, Json partial) {
  return mutate(id, [&](Entry& entry) {
    if (!finish(entry.record, OperationState::kCancelled, std::move(partial))) return false;
    // A deadline or a parent cancels without request_cancel(): the token knows why.
    if (entry.record.cancel_reason == CancelReason::kNone) {
      entry.record.cancel_reason = entry.source.token().reason();
    }
    return true;
  });
}

Result<void> OperationRegistry::request_cancel(const std::string& id, CancelReason reason,
                                               std::string text) {
  enum class Outcome { kMissing, kTerminal, kRequested };
  Outcome outcome = Outcome::kMissing;
  std::optional<CancellationSource> source;
  mutate(id, [&](Entry& entry) {
    if (is_terminal(entry.record.state)) {
      outcome = Outcome::kTerminal;
      return false;
    }
    outcome = Outcome::kRequested;
    source = entry.source;
    if (entry.record.cancel_requested) return false;  // asked before: the first reason stays
    entry.record.cancel_requested = true;
    entry.record.cancel_reason = reason;
    return true;
  });
  switch (outcome) {
    case Outcome::kMissing:
      return Error::not_found("no operation " + id, {{"operation", id}});
    case Outcome::kTerminal:
      return Error::conflict("operation " + id + " has already finished", {{"operation", id}});
    case Outcome::kRequested:
      break;
  }
  source->cancel(reason, std::move(text));
  return {};
}

std::size_t OperationRegistry::forget(const std::vector<std::string>& ids) {
  std::lock_guard serial(change_mutex_);
  std::lock_guard lock(mutex_);
  std::size_t dropped = 0;
  for (const std::string& id : ids) {
    const auto it = entries_.find(id);
    if (it == entries_.end() || !is_terminal(it->second.record.state)) continue;
    order_.erase(it->second.place);
    tally(it->second.record, -1);
    entries_.erase(it);
    ++dropped;
  }
  return dropped;
}

// --- reads ---

std::optional<OperationRecord> OperationRegistry::get(const std::string& id) const {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(id);
  if (it == entries_.end()) return std::nullopt;
  return it->second.record;
}

std::vector<OperationRecord> OperationRegistry::list(const OperationFilter& filter) const {
  std::lock_guard lock(mutex_);
  std::vector<OperationRecord> page;
  std::size_t skipped = 0;
  for (auto it = order_.rbegin(); it != order_.rend() && page.size() < filter.limit; ++it) {
    const OperationRecord& record = entries_.at(it->second).record;
    if (!matches(record, filter)) continue;
    if (skipped < filter.offset) {
      ++skipped;
    } else {
      page.push_back(record);
    }
  }
  return page;
}

std::size_t OperationRegistry::count(const OperationFilter& filter) const {
  std::lock_guard lock(mutex_);
  const auto of = [&](const std::array<std::size_t, 5>& by_state) {
    if (filter.state) return by_state[static_cast<std::size_t>(*filter.state)];
    std::size_t sum = 0;
    for (const std::size_t n : by_state) sum += n;
    return sum;
  };
  if (filter.kind) {
    const auto it = tally_.find(*filter.kind);
    return it == tally_.end() ? 0 : of(it->second);
  }
  std::size_t total = 0;
  for (const auto& [kind, by_state] : tally_) total += of(by_state);
  return total;
}

void OperationRegistry::tally(const OperationRecord& record, int delta) {
  auto it = tally_.find(record.kind);
  if (it == tally_.end()) it = tally_.emplace(record.kind, std::array<std::size_t, 5>{}).first;
  std::size_t& n = it->second[static_cast<std::size_t>(record.state)];
  n = delta > 0 ? n + 1 : n - 1;
}

std::optional<OperationRecord> OperationRegistry::wait_terminal(
    const std::string& id, const CancellationToken& token) const {
  const auto wake = token.on_cancel([this] {
    { std::lock_guard lock(mutex_); }  // a waiter is either before its check or already waiting
    changed_.notify_all();
  });
  std::unique_lock lock(mutex_);
  const Entry* entry = nullptr;
  changed_.wait(lock, [&] {
    const auto it = entries_.find(id);
    entry = it == entries_.end() ? nullptr : &it->second;
    return !entry || is_terminal(entry->record.state) || token.is_cancelled();
  });
  if (!entry) return std::nullopt;
  return entry->record;
}

// --- listeners ---

OperationRegistry::Subscription OperationRegistry::subscribe(Listener listener) {
  std::lock_guard lock(listeners_mutex_);
  const std::uint64_t id = next_listener_++;
  listeners_.emplace(id, std::make_shared<Listener>(std::move(listener)));
  return Subscription(this, id);
}

void OperationRegistry::unsubscribe(std::uint64_t id) {
  // Waits for a notification running on another thread; re-entrant from a listener.
  std::lock_guard serial(change_mutex_);
  std::shared_ptr<Listener> removed;  // destroyed after unlocking: it may own anything
  std::lock_guard lock(listeners_mutex_);
  if (const auto it = listeners_.find(id); it != listeners_.end()) {
    removed = std::move(it->second);
    listeners_.erase(it);
  }
}

void OperationRegistry::notify(OperationRecord record) {
  undelivered_.push_back(std::move(record));
  if (notifying_) return;  // a listener's own change: the loop below delivers it next
  notifying_ = true;
  while (!undelivered_.empty()) {
    const OperationRecord current = std::move(undelivered_.front());
    undelivered_.pop_front();
    // Walk by id rather than over a copy, so a listener removed meanwhile is not called.
    std::uint64_t last = 0;
    for (;;) {
      std::shared_ptr<Listener> listener;
      {
        std::lock_guard lock(listeners_mutex_);
        const auto it = listeners_.upper_bound(last);
        if (it == listeners_.end()) break;
        last = it->first;
        listener = it->second;
      }
      call_listener(*listener, current);
    }
  }
  notifying_ = false;
}

}  // namespace ktrdr
