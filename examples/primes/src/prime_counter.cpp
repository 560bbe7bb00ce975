#include "prime_counter.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

namespace example {
namespace {

std::vector<std::uint32_t> base_primes(std::uint64_t limit) {
  const auto root = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(limit))) + 1;
  std::vector<bool> composite(root + 1, false);
  std::vector<std::uint32_t> primes;
  for (std::uint64_t i = 2; i <= root; ++i) {
    if (composite[i]) continue;
    primes.push_back(static_cast<std::uint32_t>(i));
    for (std::uint64_t j = i * i; j <= root; j += i) composite[j] = true;
  }
  return primes;
}

}  // namespace

PrimeCounter::PrimeCounter(std::uint64_t limit, std::uint64_t chunk_size, unsigned threads)
    : limit_(limit),
      chunk_size_(chunk_size),
      threads_(std::max(1u, threads)),
      chunks_total_((limit + chunk_size - 1) / chunk_size) {}

void PrimeCounter::sieve_chunk(std::uint64_t index, std::vector<std::uint32_t>& base,
                               std::uint64_t& primes, std::uint64_t& largest) const {
  const std::uint64_t low = index * chunk_size_;
  const std::uint64_t high = std::min(limit_, low + chunk_size_);
  std::vector<std::uint8_t> composite(high - low, 0);
  for (const std::uint32_t p : base) {
    const std::uint64_t square = std::uint64_t{p} * p;
    if (square >= high) break;
    std::uint64_t start = std::max(square, (low + p - 1) / p * p);
    for (std::uint64_t j = start; j < high; j += p) composite[j - low] = 1;
  }
  primes = 0;
  largest = 0;
  for (std::uint64_t n = std::max<std::uint64_t>(low, 2); n < high; ++n) {
    if (composite[n - low] == 0) {
      ++primes;
      largest = n;
    }
  }
}

PrimeCount PrimeCounter::count(const ktrdr::CancellationToken& token,
                               const ChunkCallback& on_chunk) const {
  std::vector<std::uint32_t> base = base_primes(limit_);
  std::vector<std::uint64_t> primes(chunks_total_, 0);
  std::vector<std::uint64_t> largest(chunks_total_, 0);
  std::vector<std::atomic<bool>> done(chunks_total_);
  std::atomic<std::uint64_t> next{0};
  std::atomic<std::uint64_t> finished{0};
  std::atomic<std::uint64_t> found{0};

  auto work = [&] {
    for (;;) {
      if (token.is_cancelled()) return;
      const std::uint64_t index = next.fetch_add(1);
      if (index >= chunks_total_) return;
      sieve_chunk(index, base, primes[index], largest[index]);
      done[index].store(true, std::memory_order_release);
      const std::uint64_t total_found = found.fetch_add(primes[index]) + primes[index];
      on_chunk(finished.fetch_add(1) + 1, chunks_total_, total_found);
    }
  };
  {
    std::vector<std::jthread> workers;
    for (unsigned i = 1; i < threads_; ++i) workers.emplace_back(work);
    work();
  }

  PrimeCount result;
  result.limit = limit_;
  result.chunks_total = chunks_total_;
  for (std::uint64_t i = 0; i < chunks_total_ && done[i].load(std::memory_order_acquire); ++i) {
    result.primes += primes[i];
    if (largest[i] != 0) result.largest = largest[i];
    result.chunks_done = i + 1;
    result.checked_below = std::min(limit_, (i + 1) * chunk_size_);
  }
  return result;
}

}  // namespace example
