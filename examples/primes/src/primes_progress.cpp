#include "primes_progress.hpp"

namespace example {
namespace {

ktrdr::ProgressStep start(ktrdr::ProgressReporter& reporter, std::uint64_t limit,
                          std::uint64_t total_chunks, unsigned threads) {
  ktrdr::Json context = ktrdr::Json::object();
  context.set("operation", "prime_counting")
      .set("limit", limit)
      .set("current_chunk", 0)
      .set("total_chunks", total_chunks)
      .set("primes_found", 0)
      .set("threads", threads);
  reporter.set_context(std::move(context));
  return ktrdr::PhasePlan(reporter.root(), {{"sieve", 100}}).enter(0);
}

}  // namespace

PrimesProgress::PrimesProgress(ktrdr::ProgressReporter& reporter, std::uint64_t limit,
                               std::uint64_t total_chunks, unsigned threads)
    : reporter_(reporter), sieve_(start(reporter, limit, total_chunks, threads)) {}

void PrimesProgress::chunk_done(std::uint64_t done, std::uint64_t total,
                                std::uint64_t found) const {
  reporter_.set_context_field("current_chunk", done);
  reporter_.set_context_field("primes_found", found);
  sieve_.set_items(static_cast<std::int64_t>(done), static_cast<std::int64_t>(total), "chunks");
}

}  // namespace example
