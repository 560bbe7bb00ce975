// Fuzz target: JSON text (ktrdr/sdk/json.hpp). The input is parsed by Json::parse; what parses
// must also survive a round trip: dump() and dump_pretty() parse again, to a value that dumps the
// same. Invalid text must come back as a kParse error: a crash, hang, leak, undefined behaviour or
// a failed round trip is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ktrdr/sdk/json.hpp"

namespace {

// Aborts (a crash libFuzzer records) unless `text` parses to a value whose dump() is `expected`.
void require_round_trip(const std::string& text, const std::string& expected, const char* what) {
  auto again = ktrdr::Json::parse(text);
  if (!again.ok()) {
    std::fprintf(stderr, "json fuzzer: %s does not parse again: %s\n%s\n", what,
                 again.error().message.c_str(), text.c_str());
    std::abort();
  }
  const std::string dumped = again->dump();
  if (dumped != expected) {
    std::fprintf(stderr, "json fuzzer: %s changes the value:\n%s\nbecame\n%s\n", what,
                 expected.c_str(), dumped.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto json = ktrdr::Json::parse(text);
  if (!json.ok()) return 0;
  const std::string compact = json->dump();
  require_round_trip(compact, compact, "dump()");
  require_round_trip(json->dump_pretty(), compact, "dump_pretty()");
  return 0;
}
