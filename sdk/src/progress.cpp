// ProgressReporter, ProgressStep and PhasePlan: monotonic nested progress with throttled,
// ordered emission, smoothed rates and ETA; ProgressState's JSON form.
#include "ktrdr/sdk/progress.hpp"

#include <algorithm>
#include <stdexcept>

#include "deadline_scheduler.hpp"

namespace ktrdr {
namespace {

// Rates are sampled at most this often, so hot loops do not feed the averages with noise.
constexpr std::chrono::milliseconds kRateSampleInterval{50};
constexpr double kComplete = 100.0;

double clamp_percentage(double value) { return std::clamp(value, 0.0, kComplete); }

double smooth(double average, double sample, double alpha) {
  return average > 0.0 ? alpha * sample + (1.0 - alpha) * average : sample;
}

}  // namespace

// --- ProgressState ---

Json ProgressState::to_json() const {
  Json json = Json::object();
  json.set("percentage", percentage);
  json.set("step", step);
  json.set("step_index", step_index);
  json.set("step_count", step_count);
  json.set("items_done", items_done);
  json.set("items_total", items_total);
  if (!items_unit.empty()) json.set("items_unit", items_unit);
  json.set("items_per_second", items_per_second);
  json.set("eta_seconds", eta_seconds ? Json::number(*eta_seconds) : Json());
  json.set("message", message);
  json.set("context", context);
  json.set("started_at", to_iso8601(started_at, /*millis=*/true));
  json.set("updated_at", to_iso8601(updated_at, /*millis=*/true));
  return json;
}

ProgressState ProgressState::from_json(const Json& json) {
  ProgressState state;
  state.percentage = json.get_number("percentage").value_or(state.percentage);
  state.step = json.get_string("step").value_or(state.step);
  state.step_index = static_cast<int>(json.get_int("step_index").value_or(state.step_index));
  state.step_count = static_cast<int>(json.get_int("step_count").value_or(state.step_count));
  state.items_done = json.get_int("items_done").value_or(state.items_done);
  state.items_total = json.get_int("items_total").value_or(state.items_total);
  state.items_unit = json.get_string("items_unit").value_or(state.items_unit);
  state.items_per_second = json.get_number("items_per_second").value_or(state.items_per_second);
  state.eta_seconds = json.get_number("eta_seconds");
  state.message = json.get_string("message").value_or(state.message);
  if (json.at("context").is_object()) state.context = json.at("context");
  for (auto [key, field] :
       {std::pair{"started_at", &state.started_at}, std::pair{"updated_at", &state.updated_at}}) {
    if (auto text = json.get_string(key)) {
      if (auto parsed = parse_iso8601(*text)) *field = *parsed;
    }
  }
  return state;
}

// --- ProgressStep ---

ProgressStep ProgressStep::sub(std::string_view name, double begin_pct, double end_pct, int index,
                               int count) const {
  const double span = (end_ - begin_) / kComplete;
  const double begin = begin_ + span * clamp_percentage(begin_pct);
  const double end = begin_ + span * clamp_percentage(std::max(begin_pct, end_pct));
  reporter_->enter_step(name, begin, index, count, depth_);
  return ProgressStep(reporter_, begin, end, depth_ + 1);
}

void ProgressStep::set_fraction(double fraction) const {
  reporter_->advance(begin_ + (end_ - begin_) * std::clamp(fraction, 0.0, 1.0), nullptr, nullptr);
}

void ProgressStep::set_items(std::int64_t done, std::int64_t total, std::string_view unit) const {
  const double fraction =
      total > 0 ? std::clamp(static_cast<double>(done) / static_cast<double>(total), 0.0, 1.0)
                : 0.0;
  reporter_->advance(begin_ + (end_ - begin_) * fraction, &done, &total, unit);
}

// --- PhasePlan ---

PhasePlan::PhasePlan(ProgressStep parent, std::vector<std::pair<std::string, double>> weights)
    : parent_(parent) {
  double total = 0.0;
  for (const auto& [name, weight] : weights) total += std::max(weight, 0.0);
  const bool equal = total <= 0.0;  // no usable weights: equal phases
  bounds_.push_back(0.0);
  for (auto& [name, weight] : weights) {
    const double share =
        equal ? 1.0 / static_cast<double>(weights.size()) : std::max(weight, 0.0) / total;
    bounds_.push_back(std::min(bounds_.back() + share * kComplete, kComplete));
    names_.push_back(std::move(name));
  }
  if (!names_.empty()) bounds_.back() = kComplete;
}

ProgressStep PhasePlan::enter(std::size_t index) const {
  if (index >= names_.size()) {
    throw std::out_of_range("PhasePlan::enter: phase " + std::to_string(index) + " of " +
                            std::to_string(names_.size()));
  }
  return parent_.sub(names_[index], bounds_[index], bounds_[index + 1], static_cast<int>(index + 1),
                     static_cast<int>(names_.size()));
}

// --- ProgressReporter ---

struct ProgressReporter::Trailing {
  explicit Trailing(ProgressReporter* owner) : reporter(owner) {}
  std::mutex mutex;
  ProgressReporter* reporter;  // null once the reporter is gone
};

ProgressReporter::ProgressReporter(ProgressCallback callback, ProgressOptions options)
    : trailing_(std::make_shared<Trailing>(this)),
      callback_(std::move(callback)),
      options_(options),
      last_emit_(Clock::now()),
      last_sample_(last_emit_) {
  state_.started_at = std::chrono::system_clock::now();
  state_.updated_at = state_.started_at;
}

ProgressReporter::~ProgressReporter() {
  std::uint64_t ticket = 0;
  {
    std::lock_guard lock(mutex_);
    ticket = trailing_ticket_;
  }
  detail::DeadlineScheduler::instance().cancel(ticket);
  std::lock_guard lock(trailing_->mutex);  // waits for a trailing emission in progress
  trailing_->reporter = nullptr;
}

void ProgressReporter::emit_trailing() {
  std::unique_lock lock(mutex_);
  trailing_ticket_ = 0;
  if (held_back_) emit(std::move(lock), Clock::now());
}

void ProgressReporter::set_message(std::string message) {
  std::unique_lock lock(mutex_);
  state_.message = std::move(message);
  publish(std::move(lock), /*force=*/false, Clock::now());
}

void ProgressReporter::set_context(Json context) {
  std::unique_lock lock(mutex_);
  state_.context = std::move(context);
  publish(std::move(lock), /*force=*/false, Clock::now());
}

void ProgressReporter::mirror(const ProgressState& remote) {
  std::unique_lock lock(mutex_);
  const bool phase_changed =
      remote.step != state_.step || remote.step_index != state_.step_index;
  state_.percentage = std::max(state_.percentage, clamp_percentage(remote.percentage));
  state_.step = remote.step;
  state_.step_index = remote.step_index;
  state_.step_count = remote.step_count;
  state_.items_done = remote.items_done;
  state_.items_total = remote.items_total;
  state_.items_unit = remote.items_unit;
  state_.items_per_second = remote.items_per_second;
  state_.eta_seconds = remote.eta_seconds;
  state_.context = remote.context;
  publish(std::move(lock), phase_changed, Clock::now());
}

void ProgressReporter::flush() { emit(std::unique_lock(mutex_), Clock::now()); }

ProgressState ProgressReporter::snapshot() const {
  std::lock_guard lock(mutex_);
  return state_;
}

void ProgressReporter::enter_step(std::string_view name, double begin, int index, int count,
                                  int depth) {
  std::unique_lock lock(mutex_);
  state_.step = name;
  if (depth == 0 && index > 0) {
    state_.step_index = index;
    state_.step_count = count;
  }
  state_.items_done = 0;
  state_.items_total = 0;
  state_.items_unit.clear();
  last_sample_items_ = 0;
  state_.percentage = std::max(state_.percentage, clamp_percentage(begin));
  publish(std::move(lock), /*force=*/true, Clock::now());
}

void ProgressReporter::advance(double percentage, const std::int64_t* done,
                               const std::int64_t* total, std::string_view unit) {
  const auto now = Clock::now();
  std::unique_lock lock(mutex_);
  const double before = state_.percentage;
  state_.percentage = std::max(before, clamp_percentage(percentage));
  const bool items_changed =
      done && total && (*done != state_.items_done || *total != state_.items_total);
  if (items_changed) {
    state_.items_done = *done;
    state_.items_total = *total;
    if (unit != state_.items_unit) state_.items_unit = unit;
  }
  if (state_.percentage == before && !items_changed) return;
  update_rates_locked(now);
  const bool reached_end = before < kComplete && state_.percentage >= kComplete;
  publish(std::move(lock), reached_end, now);
}

void ProgressReporter::update_rates_locked(Clock::time_point now) {
  if (state_.percentage >= kComplete) state_.eta_seconds = 0.0;
  const std::chrono::duration<double> elapsed = now - last_sample_;
  if (elapsed < kRateSampleInterval) return;
  const double seconds = elapsed.count();
  const double alpha = std::clamp(options_.smoothing, 1e-6, 1.0);
  percent_per_second_ =
      smooth(percent_per_second_, (state_.percentage - last_sample_percentage_) / seconds, alpha);
  if (state_.items_done >= last_sample_items_) {
    state_.items_per_second =
        smooth(state_.items_per_second,
               static_cast<double>(state_.items_done - last_sample_items_) / seconds, alpha);
  }
  if (percent_per_second_ > 0.0) {
    state_.eta_seconds = (kComplete - state_.percentage) / percent_per_second_;
  }
  last_sample_ = now;
  last_sample_percentage_ = state_.percentage;
  last_sample_items_ = state_.items_done;
}

void ProgressReporter::publish(std::unique_lock<std::mutex> lock, bool force,
                               Clock::time_point now) {
  state_.updated_at = std::chrono::system_clock::now();
  if (force || now - last_emit_ >= options_.min_interval) {
    emit(std::move(lock), now);
    return;
  }
  held_back_ = true;
  if (trailing_ticket_ == 0) {
    trailing_ticket_ = detail::DeadlineScheduler::instance().schedule(
        last_emit_ + options_.min_interval, [trailing = trailing_] {
          std::lock_guard guard(trailing->mutex);
          if (trailing->reporter != nullptr) trailing->reporter->emit_trailing();
        });
  }
}

void ProgressReporter::emit(std::unique_lock<std::mutex> lock, Clock::time_point now) {
  last_emit_ = now;
  held_back_ = false;
  const std::uint64_t number = ++snapshots_;
  ProgressState snapshot = state_;
  lock.unlock();
  std::lock_guard emitting(emit_mutex_);
  if (number <= delivered_) return;  // a newer state has already been delivered
  delivered_ = number;
  if (callback_) callback_(snapshot);
}

}  // namespace ktrdr
