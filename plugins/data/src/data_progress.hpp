// DataProgress: how a data load reports itself — the spec's context {"operation":"data_loading",
// "symbol","timeframe","mode","current_segment","total_segments","bars_processed"} plus requests
// and pacing waits, and the pipeline's steps, each with its own share of the percentage so it
// never goes backwards. Thread-safe (the reporter is).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ktrdr/sdk/progress.hpp"
#include "segment_planner.hpp"

namespace ktrdr::data {

// The load pipeline's steps, in order.
enum class LoadStep : std::size_t {
  kValidate,
  kHeadTimestamp,
  kReadStore,
  kResolveRange,
  kFindGaps,
  kPlanSegments,
  kFetch,
  kSave,
  kQuality,
};

class DataProgress {
 public:
  DataProgress(ProgressReporter& reporter, std::string_view symbol, Timeframe timeframe,
               LoadMode mode, std::string_view provider);

  // Enters `step` (its range of the percentage); returns it for finer updates.
  ProgressStep enter(LoadStep step) const;
  // The fetch step's state: segment `current` (1-based) of `total`, bars so far, requests made,
  // pacing waits; moves `fetch` (the step enter(kFetch) returned) by segments done plus
  // `segment_fraction` of the current one.
  void fetching(const ProgressStep& fetch, std::size_t current, std::size_t total,
                std::size_t bars_processed, std::uint64_t requests, std::uint64_t pacing_waits,
                double segment_fraction) const;

 private:
  ProgressReporter& reporter_;
  Json context_;  // the fixed fields
  PhasePlan plan_;
};

}  // namespace ktrdr::data
