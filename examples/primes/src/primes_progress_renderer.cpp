#include "primes_progress_renderer.hpp"

#include <cstdio>

namespace example {

std::string PrimesProgressRenderer::render_message(const ktrdr::ProgressState& state) const {
  const ktrdr::Json& c = state.context;
  std::string line = "Counting primes below " + ktrdr::format_count(c.get_int("limit").value_or(0));
  if (auto total = c.get_int("total_chunks"); total && *total > 0) {
    line += " · chunk " + ktrdr::format_count(c.get_int("current_chunk").value_or(0)) + "/" +
            ktrdr::format_count(*total);
  }
  if (auto found = c.get_int("primes_found")) {
    line += " · " + ktrdr::format_count(*found) + " found";
  }
  return line;
}

std::string PrimesProgressRenderer::render_result(const ktrdr::Json& result) const {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", result.get_number("seconds").value_or(0.0));
  const auto limit = result.get_int("limit").value_or(0);
  const auto checked = result.get_int("checked_below").value_or(limit);
  std::string text = "  " + ktrdr::format_count(result.get_int("primes").value_or(0)) +
                     " primes below " + ktrdr::format_count(checked);
  if (checked < limit) text += " (of " + ktrdr::format_count(limit) + " asked)";
  text += ", largest " + ktrdr::format_count(result.get_int("largest_prime").value_or(0)) +
          ", in " + seconds + " s on " +
          std::to_string(result.get_int("threads").value_or(1)) + " thread(s)";
  return text;
}

}  // namespace example
