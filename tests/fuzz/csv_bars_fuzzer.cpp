// Fuzz target: the CSV bar codec (ktrdr/sdk/csv_bar_store.hpp). The first byte of the input picks
// the timeframe (daily and weekly series accept date-only timestamps); the rest is the text of a
// bar file, parsed by CsvBarStore::parse. Malformed text must come back as a kParse error: a
// crash, hang, leak or undefined behaviour is a bug.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ktrdr/sdk/csv_bar_store.hpp"
#include "ktrdr/sdk/timeframe.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto timeframe = ktrdr::kAllTimeframes[data[0] % ktrdr::kAllTimeframes.size()];
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  (void)ktrdr::CsvBarStore::parse(text, "fuzz.csv", "AAPL", timeframe);
  return 0;
}
