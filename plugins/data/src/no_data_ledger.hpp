// NoDataLedger: the ranges a provider answered with no bars for one series — a hole in the
// vendor's data, the time before a listing, the end of an archive — kept beside the store
// (`<data_dir>/.ktrdr/<SYMBOL>_<TF>.nodata.json`, per provider) so that a load does not ask for
// them again and a repeated load makes no request. Only ranges that had closed when asked are
// kept (bars still to come are never written off). Value type; load and save are atomic on disk.
#pragma once

#include <chrono>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"
#include "segment_planner.hpp"

namespace ktrdr::data {

class NoDataLedger {
 public:
  // The ledger of `symbol`/`timeframe` for `provider` in `data_dir`; empty when there is no file.
  // A file that cannot be parsed is a kParse error naming it (it is never silently replaced).
  static Result<NoDataLedger> load(const std::filesystem::path& data_dir, std::string symbol,
                                   Timeframe timeframe, std::string provider);

  // The known empty ranges, ascending, disjoint.
  const std::vector<FetchRange>& ranges() const noexcept { return ranges_; }

  // Adds ranges found empty when asked at `asked_at`: each is cut to end before
  // asked_at − one bar (bars that may still be forming), then joined with the ranges known.
  void add(std::span<const FetchRange> ranges, std::chrono::sys_seconds asked_at);

  // `ranges` minus the known empty ranges (pieces left, ascending).
  std::vector<FetchRange> subtract_from(std::span<const FetchRange> ranges) const;

  // Writes the file atomically (temp file, rename); creates `.ktrdr/` when needed.
  Result<void> save() const;

 private:
  std::filesystem::path path_;
  std::string provider_;
  Timeframe timeframe_ = Timeframe::k1h;
  std::vector<FetchRange> ranges_;
};

}  // namespace ktrdr::data
