// SourceReport: what reading a series' source file showed beyond its bars — timestamps without a
// zone (read as UTC) and duplicate timestamps (each with its rows' lines, whether they conflict
// and the row kept) — so that a load never drops a row without saying so.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/csv_read_info.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr::data {

// One timestamp held by more than one row of a source.
struct DuplicateTimestamp {
  std::chrono::sys_seconds timestamp{};
  std::vector<std::size_t> lines;  // 1-based file lines of its rows, in file order
  std::size_t kept_line = 0;       // the row a load keeps: the last one
  bool conflicting = false;        // its rows differ in a price or the volume

  bool operator==(const DuplicateTimestamp&) const = default;
};

struct SourceReport {
  // How many duplicates are listed in full; the counts cover all of them.
  static constexpr std::size_t kMaxListed = 50;

  std::string source;                      // "csv-archive /archive/SPY_1h.csv", "store /data/…"
  std::size_t rows = 0;                    // rows in the file
  bool naive_timestamps = false;           // some timestamps had no zone and were read as UTC
  std::size_t duplicate_timestamps = 0;    // timestamps held by more than one row
  std::size_t conflicting_timestamps = 0;  // of them, those whose rows differ
  std::size_t rows_dropped = 0;            // rows a load drops: all but the last of each duplicate
  std::vector<DuplicateTimestamp> duplicates;  // the first kMaxListed, ascending by timestamp

  // The warnings a load gives for this source (none for a clean one), naming the source.
  std::vector<std::string> warnings() const;

  // {"source", "rows", "naive_timestamps", "duplicate_timestamps", "conflicting_timestamps",
  //  "rows_dropped", "duplicates": [{"timestamp", "lines", "kept_line", "conflicting"}]}
  Json to_json() const;
  // Inverse of to_json; kMalformedResponse naming the bad field.
  static Result<SourceReport> from_json(const Json& json);

  bool operator==(const SourceReport&) const = default;
};

// The report on `rows`, a source's rows as read (file order, duplicates kept), with `info` from
// the same read. O(n) for a sorted file, O(n log n) otherwise.
SourceReport examine_source(std::string source, const BarSeries& rows, const CsvReadInfo& info);

}  // namespace ktrdr::data
