// PrimesProgress: how the example domain reports a count — the context it starts with, its one
// phase, and the update after each chunk. Used by PrimesManager and measured by
// bench/progress_overhead. Thread-safe (the reporter is).
#pragma once

#include <cstdint>

#include "ktrdr/sdk/progress.hpp"

namespace example {

class PrimesProgress {
 public:
  // Sets the context {"operation":"prime_counting","limit",…} and enters the "sieve" phase.
  PrimesProgress(ktrdr::ProgressReporter& reporter, std::uint64_t limit,
                 std::uint64_t total_chunks, unsigned threads);

  // After each chunk: `done` of `total` chunks sieved, `found` primes so far.
  void chunk_done(std::uint64_t done, std::uint64_t total, std::uint64_t found) const;

 private:
  ktrdr::ProgressReporter& reporter_;
  ktrdr::ProgressStep sieve_;
};

}  // namespace example
