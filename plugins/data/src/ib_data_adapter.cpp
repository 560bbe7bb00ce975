#include "ib_data_adapter.hpp"

#include <algorithm>

namespace ktrdr::data {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::sys_seconds;

namespace {

milliseconds widen(milliseconds span, double margin) {
  return std::chrono::round<milliseconds>(std::chrono::duration<double, std::milli>(span) *
                                          (1.0 + margin));
}

double seconds_of(nanoseconds span) { return std::chrono::duration<double>(span).count(); }

}  // namespace

PacingLimits with_safety_margin(const PacingLimits& limits, double margin) {
  const double m = std::max(margin, 0.0);
  PacingLimits widened = limits;
  widened.window = widen(limits.window, m);
  widened.identical_interval = widen(limits.identical_interval, m);
  widened.contract_window = widen(limits.contract_window, m);
  return widened;
}

FetchCounters& FetchCounters::operator+=(const FetchCounters& other) {
  requests += other.requests;
  pacing_waits += other.pacing_waits;
  pacing_waited += other.pacing_waited;
  return *this;
}

Json IbDataAdapterStats::to_json() const {
  Json json = Json::object();
  json.set("provider", provider)
      .set("mode", mode)
      .set("requests", requests)
      .set("pacing_waits", pacing_waits)
      .set("pacing_waited_seconds", seconds_of(pacing_waited));
  return json;
}

IbDataAdapter::IbDataAdapter(std::shared_ptr<BarProvider> provider, std::string mode,
                             std::unique_ptr<PacingClock> clock, IbDataAdapterOptions options)
    : provider_(std::move(provider)),
      provider_name_(provider_->name()),
      mode_(std::move(mode)),
      options_(options),
      clock_(std::move(clock)) {}

Result<IbPacer*> IbDataAdapter::pacer(const CancellationToken& token) {
  std::lock_guard lock(pacer_mutex_);
  if (pacer_) return pacer_.get();
  Result<PacingLimits> limits = provider_->pacing_limits(token);
  if (!limits) {
    Error error = std::move(limits).error();
    error.message = "cannot learn the pacing limits of " + provider_name_ + ": " + error.message;
    return error;
  }
  pacer_ = std::make_unique<IbPacer>(with_safety_margin(*limits, options_.pacing_safety_margin),
                                     std::move(clock_));
  return pacer_.get();
}

Result<PacingLimits> IbDataAdapter::pacing_limits(const CancellationToken& token) {
  Result<IbPacer*> paced = pacer(token);
  if (!paced) return std::move(paced).error();
  return (*paced)->limits();
}

Result<ContractInfo> IbDataAdapter::validate(std::string_view symbol,
                                             const CancellationToken& token) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = contracts_.find(symbol); it != contracts_.end()) return it->second;
  }
  Result<ContractInfo> info = provider_->contract(symbol, token);
  if (info) {
    std::lock_guard lock(mutex_);
    contracts_.insert_or_assign(std::string(symbol), *info);
  }
  return info;
}

Result<sys_seconds> IbDataAdapter::head_timestamp(std::string_view symbol, Timeframe timeframe,
                                                  const CancellationToken& token) {
  auto key = std::make_pair(std::string(symbol), timeframe);
  {
    std::lock_guard lock(mutex_);
    if (auto it = head_timestamps_.find(key); it != head_timestamps_.end()) return it->second;
  }
  Result<sys_seconds> head = provider_->head_timestamp(symbol, timeframe, token);
  if (head) {
    std::lock_guard lock(mutex_);
    head_timestamps_.insert_or_assign(std::move(key), *head);
  }
  return head;
}

Result<std::optional<SourceReport>> IbDataAdapter::source_report(std::string_view symbol,
                                                                 Timeframe timeframe,
                                                                 const CancellationToken& token) {
  return provider_->source_report(symbol, timeframe, token);
}

Result<BarSeries> IbDataAdapter::fetch(const HistoricalRequest& request,
                                       const CancellationToken& token, FetchCounters* counters) {
  Result<IbPacer*> paced = pacer(token);
  if (!paced) return std::move(paced).error();
  const PacingKey key{request.symbol, request.timeframe, request.from, request.to};
  Result<nanoseconds> waited = (*paced)->acquire(key, token);
  if (!waited) return std::move(waited).error();

  const FetchCounters cost{
      .requests = 1, .pacing_waits = *waited > nanoseconds(0) ? 1U : 0U, .pacing_waited = *waited};
  {
    std::lock_guard lock(mutex_);
    totals_ += cost;
  }
  if (counters != nullptr) *counters += cost;
  return provider_->historical(request, token);
}

IbDataAdapterStats IbDataAdapter::stats() const {
  IbDataAdapterStats stats;
  {
    std::lock_guard lock(mutex_);
    static_cast<FetchCounters&>(stats) = totals_;
  }
  stats.provider = provider_name_;
  stats.mode = mode_;
  return stats;
}

}  // namespace ktrdr::data
