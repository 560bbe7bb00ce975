// Reads a real series from ../shared/data for the data domain's tests (fails the test if it
// cannot).
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "ktrdr/sdk/csv_bar_store.hpp"

namespace ktrdr::test {

inline BarSeries read_shared(const std::string& file, const std::string& symbol, Timeframe tf) {
  Result<BarSeries> series =
      CsvBarStore::read_file(std::string(KTRDR_SHARED_DATA_DIR) + "/" + file, symbol, tf);
  REQUIRE(series.ok());
  return std::move(series).value();
}

}  // namespace ktrdr::test
