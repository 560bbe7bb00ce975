#include "primes_manager.hpp"

#include <charconv>
#include <chrono>

#include "ktrdr/sdk/progress_renderer.hpp"
#include "prime_counter.hpp"
#include "primes_progress.hpp"
#include "primes_progress_renderer.hpp"

namespace example {
namespace {

ktrdr::Json to_json(const PrimeCount& count, unsigned threads, double seconds) {
  ktrdr::Json json = ktrdr::Json::object();
  json.set("limit", count.limit)
      .set("primes", count.primes)
      .set("checked_below", count.checked_below)
      .set("largest_prime", count.largest)
      .set("chunks_done", count.chunks_done)
      .set("chunks_total", count.chunks_total)
      .set("threads", threads)
      .set("seconds", seconds);
  return json;
}

}  // namespace

PrimesManager::PrimesManager(ktrdr::HostServices services)
    : ServiceOrchestrator(services, "EXAMPLE", kDefaultHostServiceUrl,
                          std::make_shared<PrimesProgressRenderer>()) {}

ktrdr::ParamSchema PrimesManager::schema() {
  ktrdr::ParamSchema schema;
  schema.add({.name = "limit",
              .type = ktrdr::ParamType::kInteger,
              .required = true,
              .description = "count the primes below this number",
              .minimum = 2,
              .maximum = 1e13});
  schema.add({.name = "chunk_size",
              .type = ktrdr::ParamType::kInteger,
              .default_value = ktrdr::Json::integer(1'000'000),
              .description = "numbers sieved per chunk (the cancellation and progress grain)",
              .minimum = 1000,
              .maximum = 1e9});
  schema.add({.name = "threads",
              .type = ktrdr::ParamType::kInteger,
              .default_value = ktrdr::Json::integer(1),
              .description = "worker threads sieving chunks in parallel",
              .minimum = 1,
              .maximum = 64});
  return schema;
}

ktrdr::Result<std::string> PrimesManager::start(const ktrdr::OperationRequest& request) {
  return start_managed_operation(request, &PrimesManager::count);
}

ktrdr::ServerResponse PrimesManager::prime_count_route(const ktrdr::ServerRequest& request) {
  constexpr std::uint64_t kMaxBelow = 100'000'000;
  const auto below = request.query.find("below");
  std::uint64_t limit = 0;
  if (below != request.query.end()) {
    std::from_chars(below->second.data(), below->second.data() + below->second.size(), limit);
  }
  if (limit < 2 || limit > kMaxBelow) {
    return ktrdr::ServerResponse::error(ktrdr::Error::invalid_argument(
        "`below` must be a number from 2 to " + ktrdr::format_count(kMaxBelow),
        {{"field", "below"}}));
  }
  const PrimeCount count =
      PrimeCounter(limit, 1'000'000, 1)
          .count(ktrdr::CancellationToken{}, [](std::uint64_t, std::uint64_t, std::uint64_t) {});
  ktrdr::Json body = ktrdr::Json::object();
  body.set("below", limit).set("primes", count.primes);
  return ktrdr::ServerResponse::json(body);
}

ktrdr::Json PrimesManager::count(ktrdr::OperationContext& context) {
  const auto started = std::chrono::steady_clock::now();
  const auto limit = static_cast<std::uint64_t>(*context.params().get_int("limit"));
  const auto chunk = static_cast<std::uint64_t>(*context.params().get_int("chunk_size"));
  const auto threads = static_cast<unsigned>(*context.params().get_int("threads"));
  const PrimeCounter counter(limit, chunk, threads);

  const PrimesProgress progress(context.reporter(), limit, counter.chunks_total(), threads);
  const PrimeCount result = counter.count(
      context.token(), [&progress](std::uint64_t done, std::uint64_t total, std::uint64_t found) {
        progress.chunk_done(done, total, found);
      });
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  ktrdr::Json json = to_json(result, threads, seconds);
  if (result.chunks_done < result.chunks_total) {
    context.set_partial_result(json);
    context.token().throw_if_cancelled("example.primes chunk loop");
  }
  return json;
}

}  // namespace example
