// CancellationToken / CancellationSource / CancellationRegistration over one shared state.
#include "ktrdr/sdk/cancellation_token.hpp"

#include <array>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include "deadline_scheduler.hpp"

namespace ktrdr {
namespace detail {

struct CancellationState {
  CancellationState() = default;
  CancellationState(const CancellationState&) = delete;
  CancellationState& operator=(const CancellationState&) = delete;
  ~CancellationState() {
    if (deadline != 0) DeadlineScheduler::instance().cancel(deadline);
  }

  std::mutex mutex;
  std::condition_variable cancelled_cv;       // wakes wait_until()
  std::condition_variable callback_finished;  // wakes a registration waiting for its callback
  // Set once, after reason and text, which are immutable from then on.
  std::atomic<bool> cancelled{false};
  CancelReason reason = CancelReason::kNone;
  std::string text;
  std::map<std::uint64_t, std::function<void()>> callbacks;  // not yet run, by registration id
  std::uint64_t next_id = 1;
  std::uint64_t running_id = 0;  // the callback cancel() is running now, 0 when none
  std::thread::id running_thread;
  DeadlineScheduler::Ticket deadline = 0;
  CancellationRegistration parent;  // a linked source's hook on its parent
};

}  // namespace detail

namespace {

using detail::CancellationState;

struct ReasonName {
  CancelReason reason;
  std::string_view name;
};

constexpr std::array<ReasonName, 5> kReasonNames{{
    {CancelReason::kNone, "none"},
    {CancelReason::kUser, "user"},
    {CancelReason::kTimeout, "timeout"},
    {CancelReason::kShutdown, "shutdown"},
    {CancelReason::kParent, "parent"},
}};

// Callbacks must not throw; one that does ends the process here rather than leave the state
// with a callback marked running forever.
void run_callback(const std::function<void()>& callback) noexcept { callback(); }

bool cancel_state(CancellationState& state, CancelReason reason, std::string text) {
  std::unique_lock lock(state.mutex);
  if (state.cancelled.load(std::memory_order_relaxed)) return false;
  state.reason = reason;
  state.text = std::move(text);
  state.cancelled.store(true, std::memory_order_release);
  state.cancelled_cv.notify_all();
  const auto deadline = std::exchange(state.deadline, 0);
  state.running_thread = std::this_thread::get_id();
  while (!state.callbacks.empty()) {
    auto node = state.callbacks.extract(state.callbacks.begin());
    state.running_id = node.key();
    lock.unlock();
    run_callback(node.mapped());
    node = {};
    lock.lock();
    state.running_id = 0;
    state.callback_finished.notify_all();
  }
  state.running_thread = {};
  lock.unlock();
  if (deadline != 0) detail::DeadlineScheduler::instance().cancel(deadline);
  return true;
}

// `now + duration`, saturating instead of overflowing for huge durations.
std::chrono::steady_clock::time_point steady_after(std::chrono::nanoseconds duration) {
  const auto now = std::chrono::steady_clock::now();
  const auto room = std::chrono::steady_clock::time_point::max() - now;
  return duration >= room ? std::chrono::steady_clock::time_point::max() : now + duration;
}

// Arms (or re-arms) the one deadline of `state`: kTimeout with `text` once `deadline` passes.
void schedule_deadline(const std::shared_ptr<CancellationState>& state,
                       std::chrono::steady_clock::time_point deadline, std::string text) {
  if (state->cancelled.load(std::memory_order_acquire)) return;
  auto& scheduler = detail::DeadlineScheduler::instance();
  const auto ticket =
      scheduler.schedule(deadline, [weak = std::weak_ptr(state), text = std::move(text)] {
        if (auto locked = weak.lock()) cancel_state(*locked, CancelReason::kTimeout, text);
      });
  detail::DeadlineScheduler::Ticket previous;
  {
    std::lock_guard lock(state->mutex);
    // Cancelled meanwhile: cancel_state() has already forgotten the deadline it knew of.
    previous = state->cancelled.load(std::memory_order_relaxed)
                   ? ticket
                   : std::exchange(state->deadline, ticket);
  }
  scheduler.cancel(previous);
}

}  // namespace

std::string_view to_string(CancelReason reason) noexcept {
  for (const auto& entry : kReasonNames) {
    if (entry.reason == reason) return entry.name;
  }
  return "none";
}

CancelReason cancel_reason_from_string(std::string_view name) noexcept {
  for (const auto& entry : kReasonNames) {
    if (entry.name == name) return entry.reason;
  }
  return CancelReason::kNone;
}

namespace {

std::string cancelled_message(CancelReason reason, std::string_view text, std::string_view where) {
  std::string message = "cancelled (";
  message += to_string(reason);
  if (!text.empty()) {
    message += ": ";
    message += text;
  }
  message += ")";
  if (!where.empty()) {
    message += " at ";
    message += where;
  }
  return message;
}

}  // namespace

CancelledError::CancelledError(CancelReason reason, std::string_view text, std::string_view where)
    : ErrorException(Error::cancelled(
          cancelled_message(reason, text, where),
          {{"reason", std::string(to_string(reason))}, {"where", std::string(where)}})),
      reason_(reason) {}

// --- CancellationRegistration ---

CancellationRegistration::CancellationRegistration(std::shared_ptr<CancellationState> state,
                                                   std::uint64_t id)
    : state_(std::move(state)), id_(id) {}

CancellationRegistration::CancellationRegistration(CancellationRegistration&& other) noexcept
    : state_(std::move(other.state_)), id_(std::exchange(other.id_, 0)) {}

CancellationRegistration& CancellationRegistration::operator=(
    CancellationRegistration&& other) noexcept {
  if (this != &other) {
    reset();
    state_ = std::move(other.state_);
    id_ = std::exchange(other.id_, 0);
  }
  return *this;
}

CancellationRegistration::~CancellationRegistration() { reset(); }

void CancellationRegistration::reset() {
  if (!state_) return;
  std::function<void()> unregistered;  // destroyed after unlocking: it may own anything
  {
    std::unique_lock lock(state_->mutex);
    if (auto it = state_->callbacks.find(id_); it != state_->callbacks.end()) {
      unregistered = std::move(it->second);
      state_->callbacks.erase(it);
    } else if (state_->running_id == id_ && state_->running_thread != std::this_thread::get_id()) {
      state_->callback_finished.wait(lock, [this] { return state_->running_id != id_; });
    }
  }
  state_.reset();
  id_ = 0;
}

// --- CancellationToken ---

CancellationToken::CancellationToken() = default;

CancellationToken::CancellationToken(std::shared_ptr<CancellationState> state)
    : state_(std::move(state)) {}

bool CancellationToken::is_cancelled() const noexcept {
  return state_ && state_->cancelled.load(std::memory_order_acquire);
}

CancelReason CancellationToken::reason() const {
  return is_cancelled() ? state_->reason : CancelReason::kNone;
}

std::string CancellationToken::reason_text() const {
  return is_cancelled() ? state_->text : std::string();
}

void CancellationToken::throw_if_cancelled(std::string_view where) const {
  if (is_cancelled()) throw CancelledError(state_->reason, state_->text, where);
}

CancellationRegistration CancellationToken::on_cancel(std::function<void()> callback) const {
  if (!state_) return {};
  {
    std::lock_guard lock(state_->mutex);
    if (!state_->cancelled.load(std::memory_order_relaxed)) {
      const auto id = state_->next_id++;
      state_->callbacks.emplace(id, std::move(callback));
      return CancellationRegistration(state_, id);
    }
  }
  run_callback(callback);
  return {};
}

bool CancellationToken::wait_for(std::chrono::nanoseconds duration) const {
  return wait_until(steady_after(duration));
}

bool CancellationToken::wait_until(std::chrono::steady_clock::time_point deadline) const {
  if (!state_) {
    // Never cancelled: block until the deadline on a private condition variable.
    std::mutex mutex;
    std::condition_variable never;
    std::unique_lock lock(mutex);
    never.wait_until(lock, deadline, [] { return false; });
    return false;
  }
  std::unique_lock lock(state_->mutex);
  return state_->cancelled_cv.wait_until(
      lock, deadline, [this] { return state_->cancelled.load(std::memory_order_relaxed); });
}

// --- CancellationSource ---

CancellationSource::CancellationSource() : state_(std::make_shared<CancellationState>()) {}

CancellationSource CancellationSource::linked_to(const CancellationToken& parent) {
  CancellationSource child;
  if (!parent.state_) return child;
  // The parent holds only a weak reference to the child, so a child that is dropped first is
  // freed, and its hook (kept in the child's state) unregisters from the parent.
  const CancellationState* parent_state = parent.state_.get();
  auto hook = parent.on_cancel([weak = std::weak_ptr(child.state_), parent_state] {
    if (auto state = weak.lock()) cancel_state(*state, CancelReason::kParent, parent_state->text);
  });
  std::lock_guard lock(child.state_->mutex);
  child.state_->parent = std::move(hook);
  return child;
}

CancellationToken CancellationSource::token() const { return CancellationToken(state_); }

bool CancellationSource::cancel(CancelReason reason, std::string text) const {
  return cancel_state(*state_, reason, std::move(text));
}

void CancellationSource::cancel_at(std::chrono::steady_clock::time_point deadline) const {
  schedule_deadline(state_, deadline, "deadline passed");
}

void CancellationSource::cancel_after(std::chrono::nanoseconds duration) const {
  const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(duration).count();
  schedule_deadline(state_, steady_after(duration),
                    "timed out after " + std::to_string(millis) + " ms");
}

bool CancellationSource::is_cancelled() const noexcept {
  return state_->cancelled.load(std::memory_order_acquire);
}

}  // namespace ktrdr
