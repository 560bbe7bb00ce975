// Reads the reference CSVs in reference/ that the Python scripts there write: a header row, then
// one row per bar (or feature row) — the first column a key kept as text (a timestamp), every
// other column a number (`nan` for NaN). Shared by the indicator and parity tests.
#pragma once

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace ktrdr::training::testing {

struct ReferenceCsv {
  std::vector<std::string> names;       // the header after the first column, in file order
  std::vector<std::string> timestamps;  // the first column of each row
  std::map<std::string, std::vector<double>> columns;  // by name, one value per row

  std::size_t rows() const noexcept { return timestamps.size(); }
};

// Reads `path` (REQUIREs that it opens and that its first column is `timestamp`).
inline ReferenceCsv read_reference_csv(const std::string& path) {
  std::ifstream in(path);
  INFO("reference file " << path);
  REQUIRE(in);
  std::string line;
  std::getline(in, line);
  std::stringstream header(line);
  std::string field;
  std::getline(header, field, ',');
  REQUIRE(field == "timestamp");
  ReferenceCsv reference;
  while (std::getline(header, field, ',')) reference.names.push_back(field);
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::getline(row, field, ',');
    reference.timestamps.push_back(field);
    for (std::size_t c = 0; std::getline(row, field, ','); ++c) {
      reference.columns[reference.names.at(c)].push_back(std::strtod(field.c_str(), nullptr));
    }
  }
  return reference;
}

}  // namespace ktrdr::training::testing
