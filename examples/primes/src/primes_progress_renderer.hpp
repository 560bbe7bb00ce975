// PrimesProgressRenderer: the example domain's progress line and result summary, read from the
// progress context {"operation":"prime_counting","limit",…}. Stateless.
#pragma once

#include "ktrdr/sdk/progress_renderer.hpp"

namespace example {

class PrimesProgressRenderer final : public ktrdr::ProgressRenderer {
 public:
  // "Counting primes below 10,000,000 · chunk 12/100 · 664,579 found"
  std::string render_message(const ktrdr::ProgressState& state) const override;
  // "664,579 primes below 10,000,000 (largest 9,999,991) in 0.21 s on 2 threads"
  std::string render_result(const ktrdr::Json& result) const override;
};

}  // namespace example
