// CsvReadInfo: what reading a bar CSV file learned beyond its bars — whether it had naive
// timestamps (taken as UTC), and where its rows lie in the file, so that a row can be named by
// its line. A plain value; thread-safe to read.
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace ktrdr {

struct CsvReadInfo {
  // Some timestamps carried no zone (no Z, no offset) and were read as UTC.
  bool naive_timestamps = false;
  // For each blank line the reader skipped, in file order: how many rows came before it.
  std::vector<std::size_t> rows_before_blank_lines;

  // The 1-based line number in the file of row `row` (0-based, in file order): the header is
  // line 1, and blank lines are counted.
  std::size_t line_of(std::size_t row) const noexcept {
    const auto blanks_before = std::upper_bound(rows_before_blank_lines.begin(),
                                                rows_before_blank_lines.end(), row) -
                               rows_before_blank_lines.begin();
    return 2 + row + static_cast<std::size_t>(blanks_before);
  }

  bool operator==(const CsvReadInfo&) const = default;
};

}  // namespace ktrdr
