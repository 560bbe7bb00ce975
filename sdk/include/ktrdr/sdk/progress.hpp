// Progress: the structured state every operation reports (percentage, nested steps, items, rate,
// ETA, message, domain context) and the ProgressReporter that produces it. A reporter is
// thread-safe; its percentage never decreases; emissions to the callback are throttled.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr {

struct ProgressState {
  double percentage = 0.0;  // 0–100, never decreasing over an operation
  std::string step;         // name of the innermost step being worked on
  int step_index = 0;       // top-level step k of n (1-based; 0 before the first step)
  int step_count = 0;
  std::int64_t items_done = 0;  // items of the innermost step that counts items
  std::int64_t items_total = 0;
  std::string items_unit;              // what the items are ("bars", "batches"); "" for items
  double items_per_second = 0.0;       // smoothed
  std::optional<double> eta_seconds;   // smoothed estimate of the time left
  std::string message;                 // one line for people (a domain renderer writes it)
  Json context = Json::object();       // domain fields, e.g. {"operation":"data_loading",…}
  SystemTime started_at{};
  SystemTime updated_at{};

  Json to_json() const;
  static ProgressState from_json(const Json& json);  // missing fields keep their defaults
};

using ProgressCallback = std::function<void(const ProgressState&)>;

struct ProgressOptions {
  // At most one emission per interval, except on step changes, flush() and reaching 100 %.
  std::chrono::milliseconds min_interval{100};
  // Weight of the newest sample in the rate/ETA moving averages (0 < alpha <= 1).
  double smoothing = 0.3;
};

class ProgressReporter;

// A range [begin, end] of the overall percentage. Sub-steps interpolate inside it. Cheap to copy;
// must not outlive its reporter.
class ProgressStep {
 public:
  // Enters a named sub-step spanning [begin_pct, end_pct] of this step's range (0–100 each).
  // Entering a step is a phase change: it is emitted at once. `index`/`count` (1-based) set the
  // "step k of n" shown to people when this step is top-level.
  ProgressStep sub(std::string_view name, double begin_pct, double end_pct, int index = 0,
                   int count = 0) const;
  // Progress inside this step, 0–1. Values that would lower the percentage are ignored.
  void set_fraction(double fraction) const;
  // Items done of total inside this step (fraction = done / total); also feeds the rate.
  // `unit` names the items for people ("bars": "1,200 bars/s"); "" says just items.
  void set_items(std::int64_t done, std::int64_t total, std::string_view unit = {}) const;
  void finish() const { set_fraction(1.0); }

  ProgressReporter& reporter() const { return *reporter_; }
  double begin() const { return begin_; }
  double end() const { return end_; }

 private:
  friend class ProgressReporter;
  ProgressStep(ProgressReporter* reporter, double begin, double end, int depth)
      : reporter_(reporter), begin_(begin), end_(end), depth_(depth) {}
  ProgressReporter* reporter_;
  double begin_;
  double end_;
  int depth_;
};

// Splits a step into consecutive named phases sized by weight, numbered 1..n:
//   PhasePlan phases(root, {{"validate", 5}, {"fetch", 80}, {"save", 15}});
//   auto fetch = phases.enter(1);
class PhasePlan {
 public:
  PhasePlan(ProgressStep parent, std::vector<std::pair<std::string, double>> weights);
  ProgressStep enter(std::size_t index) const;
  std::size_t size() const { return names_.size(); }

 private:
  ProgressStep parent_;
  std::vector<std::string> names_;
  std::vector<double> bounds_;  // size()+1 cumulative percentages of the parent
};

// The callback runs on the thread whose update triggered the emission, after the reporter's lock
// is released, never concurrently with itself and never with an older state than it has seen.
// It may read the reporter (snapshot()) but must not update it.
class ProgressReporter {
 public:
  explicit ProgressReporter(ProgressCallback callback, ProgressOptions options = {});
  // Waits for a trailing emission that is running on the timer thread.
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  // The whole operation: 0–100 %.
  ProgressStep root() { return ProgressStep(this, 0.0, 100.0, 0); }

  void set_message(std::string message);
  // Replaces the context.
  void set_context(Json context);
  // Sets one context field (any type Json::set accepts). Emission follows the throttle.
  template <class V>
  void set_context_field(std::string_view key, V&& value) {
    std::unique_lock lock(mutex_);
    state_.context.set(key, std::forward<V>(value));
    publish(std::move(lock), /*force=*/false, Clock::now());
  }

  // Takes over another reporter's state (a remote operation's): percentage (never lowered),
  // step, items, rate, ETA and context. Emission follows the throttle.
  void mirror(const ProgressState& remote);

  // Emits the current state now, ignoring the throttle.
  void flush();
  ProgressState snapshot() const;

 private:
  friend class ProgressStep;
  using Clock = std::chrono::steady_clock;

  void enter_step(std::string_view name, double begin, int index, int count, int depth);
  void advance(double percentage, const std::int64_t* done, const std::int64_t* total,
               std::string_view unit = {});
  // Records a change made under `lock` and emits it when `force`d or when the throttle allows.
  // Releases `lock` before the callback runs.
  void publish(std::unique_lock<std::mutex> lock, bool force, Clock::time_point now);
  // Takes a snapshot under `lock`, releases it, then hands the snapshot to the callback unless
  // a newer one got there first (so callbacks never run concurrently or out of order).
  void emit(std::unique_lock<std::mutex> lock, Clock::time_point now);
  void update_rates_locked(Clock::time_point now);
  // Emits what the throttle held back (called from the timer thread).
  void emit_trailing();

  // Shared with a scheduled trailing emission, which must not touch a destroyed reporter.
  struct Trailing;
  std::shared_ptr<Trailing> trailing_;

  ProgressCallback callback_;
  ProgressOptions options_;
  mutable std::mutex mutex_;  // guards everything below up to emit_mutex_
  ProgressState state_;
  Clock::time_point last_emit_;
  Clock::time_point last_sample_;
  double last_sample_percentage_ = 0.0;
  std::int64_t last_sample_items_ = 0;
  double percent_per_second_ = 0.0;
  bool held_back_ = false;              // a change is waiting for the throttle
  std::uint64_t trailing_ticket_ = 0;   // the scheduled trailing emission, 0 when none
  std::uint64_t snapshots_ = 0;  // snapshots taken for the callback, numbered from 1
  std::mutex emit_mutex_;        // held while the callback runs
  std::uint64_t delivered_ = 0;  // number of the newest snapshot delivered (emit_mutex_)
};

}  // namespace ktrdr
