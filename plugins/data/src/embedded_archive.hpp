// The embedded sample archive: vendor CSV files (plugins/data/archive, see its ATTRIBUTION.md)
// compiled into the library, so the csv-archive provider serves real bars with no data
// directory. Read-only static data; thread-safe.
#pragma once

#include <span>
#include <string_view>

namespace ktrdr::data {

// One embedded file: its name (`<SYMBOL>_<TF>.csv`) and its bytes, valid for the program's life.
struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

// Every embedded file, in name order.
std::span<const EmbeddedFile> embedded_archive();

}  // namespace ktrdr::data
