#include "data_progress.hpp"

#include <algorithm>

namespace ktrdr::data {
namespace {

Json base_context(std::string_view symbol, Timeframe timeframe, LoadMode mode,
                  std::string_view provider) {
  Json context = Json::object();
  context.set("operation", "data_loading")
      .set("symbol", symbol)
      .set("timeframe", to_string(timeframe))
      .set("mode", to_string(mode))
      .set("current_segment", 0)
      .set("total_segments", 0)
      .set("bars_processed", 0)
      .set("requests", 0)
      .set("pacing_waits", 0)
      .set("provider", provider);
  return context;
}

PhasePlan load_plan(ProgressReporter& reporter, const Json& context) {
  reporter.set_context(context);
  return PhasePlan(reporter.root(), {{"validate", 2},
                                     {"head_timestamp", 2},
                                     {"read_store", 4},
                                     {"resolve_range", 1},
                                     {"find_gaps", 3},
                                     {"plan_segments", 1},
                                     {"fetch", 78},
                                     {"save", 5},
                                     {"quality", 4}});
}

}  // namespace

DataProgress::DataProgress(ProgressReporter& reporter, std::string_view symbol,
                           Timeframe timeframe, LoadMode mode, std::string_view provider)
    : reporter_(reporter),
      context_(base_context(symbol, timeframe, mode, provider)),
      plan_(load_plan(reporter, context_)) {}

ProgressStep DataProgress::enter(LoadStep step) const {
  return plan_.enter(static_cast<std::size_t>(step));
}

void DataProgress::fetching(const ProgressStep& fetch, std::size_t current, std::size_t total,
                            std::size_t bars_processed, std::uint64_t requests,
                            std::uint64_t pacing_waits, double segment_fraction) const {
  Json context = context_;
  context.set("current_segment", current)
      .set("total_segments", total)
      .set("bars_processed", bars_processed)
      .set("requests", requests)
      .set("pacing_waits", pacing_waits);
  reporter_.set_context(std::move(context));
  if (total == 0) return;
  const double done = static_cast<double>(current > 0 ? current - 1 : 0) +
                      std::clamp(segment_fraction, 0.0, 1.0);
  fetch.set_fraction(done / static_cast<double>(total));
}

}  // namespace ktrdr::data
