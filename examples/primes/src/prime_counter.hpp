// PrimeCounter: counts primes below a limit with a segmented sieve, chunk by chunk, on several
// worker threads. Each worker checks the cancellation token before every chunk. Thread-safe
// within one count() call; one call at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "ktrdr/sdk/cancellation_token.hpp"

namespace example {

struct PrimeCount {
  std::uint64_t limit = 0;
  std::uint64_t primes = 0;         // primes below `checked_below`
  std::uint64_t checked_below = 0;  // every number below this was sieved (== limit when done)
  std::uint64_t largest = 0;        // largest prime below `checked_below`
  std::uint64_t chunks_done = 0;
  std::uint64_t chunks_total = 0;
};

class PrimeCounter {
 public:
  // `on_chunk(chunks_done, chunks_total, primes_found)` runs after each chunk, on a worker thread.
  using ChunkCallback = std::function<void(std::uint64_t, std::uint64_t, std::uint64_t)>;

  PrimeCounter(std::uint64_t limit, std::uint64_t chunk_size, unsigned threads);

  std::uint64_t chunks_total() const { return chunks_total_; }

  // Sieves every chunk (or stops early when `token` is cancelled) and returns what is known:
  // the contiguous prefix of finished chunks. Never throws on cancellation.
  PrimeCount count(const ktrdr::CancellationToken& token, const ChunkCallback& on_chunk) const;

 private:
  void sieve_chunk(std::uint64_t index, std::vector<std::uint32_t>& base, std::uint64_t& primes,
                   std::uint64_t& largest) const;

  std::uint64_t limit_;
  std::uint64_t chunk_size_;
  unsigned threads_;
  std::uint64_t chunks_total_;
};

}  // namespace example
