// CsvBarStore: one CSV file per series, `<data_dir>/<SYMBOL>_<TF>.csv` (KTRDR's layout and format:
// header `timestamp,open,high,low,close,volume`, ISO-8601 UTC open times with a Z; reads also take
// the shapes other tools write: other column spellings and orders, offsets, naive times). Reads load
// the whole file and parse it in one pass; saves are atomic (temp file, fsync, rename, fsync of
// the directory). Reads and saves take an optional CancellationToken, checked every 8,192 rows (a
// default-constructed one never cancels). Thread-safe for concurrent reads and for saves of
// different series; saves of the same series must be serialised by the caller (they share one
// temp file name).
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/csv_read_info.hpp"
#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"

namespace ktrdr {

// One series found in a store directory.
struct StoredSeries {
  std::string symbol;
  Timeframe timeframe = Timeframe::k1d;
  std::filesystem::path path;

  bool operator==(const StoredSeries&) const = default;
};

class CsvBarStore {
 public:
  // The directory need not exist yet; save() creates it.
  explicit CsvBarStore(std::filesystem::path data_dir);

  const std::filesystem::path& data_dir() const noexcept { return data_dir_; }

  // `<data_dir>/<SYMBOL>_<TF>.csv`. The symbol is validated first (validate_symbol), so no path
  // is ever built from an unsafe one; its error is returned as is.
  Result<std::filesystem::path> path_for(std::string_view symbol, Timeframe timeframe) const;

  // True when the series' file exists; false for an invalid symbol.
  bool exists(std::string_view symbol, Timeframe timeframe) const;

  // The stored series, rows as they are in the file (duplicates, disorder and zero volumes are
  // data, not errors). Errors: kInvalidArgument (symbol), kNotFound (no file), kIo (unreadable),
  // kParse (malformed, or a timestamp outside the supported range of time_format.hpp; the message
  // names the file, the line and the column at fault, and quotes at most 40 bytes of the file,
  // escaped), kCancelled (`token` was cancelled: the file read stops within a few MiB, the parse
  // within 8,192 rows on every thread). `info`, when given, receives what the read learned
  // (naive timestamps, the rows' lines; csv_read_info.hpp) on success.
  // Never modifies the file.
  Result<BarSeries> read(std::string_view symbol, Timeframe timeframe,
                         const CancellationToken& token = {}, CsvReadInfo* info = nullptr) const;

  // Reads any bar CSV file as the given series (e.g. a vendor archive file): the store format,
  // or another tool's — columns in any order and letter case, the timestamp column also named
  // date, datetime or time or left unnamed first; timestamps with a Z, a UTC offset (converted)
  // or no zone (taken as UTC, reported in `info`), "T" or a space before the time. For 1d and 1w,
  // date-only timestamps ("2024-01-02") are accepted; an empty price or volume field reads as
  // NaN. The symbol is validated; errors and `info` as read().
  static Result<BarSeries> read_file(const std::filesystem::path& path, std::string_view symbol,
                                     Timeframe timeframe, const CancellationToken& token = {},
                                     CsvReadInfo* info = nullptr);

  // Parses bar CSV text (a file already in memory, e.g. one embedded in a binary) as the given
  // series, exactly as read_file parses a file's contents: the symbol is validated, then rows
  // are kept as they are; kParse errors name `source_name` and the line.
  static Result<BarSeries> parse(std::string_view text, std::string_view source_name,
                                 std::string_view symbol, Timeframe timeframe,
                                 const CancellationToken& token = {},
                                 CsvReadInfo* info = nullptr);

  // The series a file name `<SYMBOL>_<TF>.csv` stands for (valid symbol and timeframe, as list()
  // accepts them), with `path` set to the name as given; nullopt for any other name.
  static std::optional<StoredSeries> parse_file_name(std::string_view file_name);

  // The series present (files named `<SYMBOL>_<TF>.csv` with a valid symbol and timeframe; temp
  // files and anything else are ignored), sorted by symbol then timeframe. A missing directory
  // lists as empty; an unreadable one is a kIo error.
  Result<std::vector<StoredSeries>> list() const;

  // Replaces the series' file atomically with `series` (written exactly as held: order and
  // duplicates kept): writes `<file>.tmp.<pid>.<random>` in the same directory, fsyncs it,
  // renames it over the target and fsyncs the directory. After a failure the previous file is untouched and the
  // temp file removed. Errors: kInvalidArgument (symbol, or a timestamp outside the supported
  // range, which read() would refuse), kIo naming the path and the system's reason, kCancelled
  // (`token` was cancelled while the rows were formatted: nothing is written). Creates the data
  // directory when missing. Prices are written in their shortest round-trip form, so read()
  // gives back == bars.
  Result<void> save(const BarSeries& series, const CancellationToken& token = {}) const;

  // Test hook: makes every later save fail with EIO after writing at most `bytes` bytes of its
  // temp file (nullopt turns it off), simulating a full disk mid-write. Not thread-safe.
  void fail_writes_after_for_testing(std::optional<std::size_t> bytes) {
    fail_writes_after_ = bytes;
  }

 private:
  std::filesystem::path data_dir_;
  std::optional<std::size_t> fail_writes_after_;
};

}  // namespace ktrdr
