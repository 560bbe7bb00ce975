// DataProgressRenderer: the data domain's progress line and result summary, read from the
// progress context of a load ({"operation":"data_loading",…}) or a validation
// ({"operation":"data_validation",…}). Stateless.
#pragma once

#include "ktrdr/sdk/progress_renderer.hpp"

namespace ktrdr::data {

class DataProgressRenderer final : public ProgressRenderer {
 public:
  // "Loading AAPL 1h (backfill) · segment 3/5 · 1,500 bars" (before the fetch: the step's name),
  // "Validating 2/5 series · EURUSD 1h".
  std::string render_message(const ProgressState& state) const override;
  // A load: "AAPL 1h: 3,299 bars (+1,200 fetched in 4 segments, 4 requests) → data/AAPL_1h.csv",
  // then the gaps, failed segments and quality lines, and a line per source file with duplicate
  // or naive timestamps. A validation: one line per series.
  std::string render_result(const Json& result) const override;
};

}  // namespace ktrdr::data
