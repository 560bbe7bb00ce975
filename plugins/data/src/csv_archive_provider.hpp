// CsvArchiveProvider ("csv-archive"): IB-like bars (bar_provider.hpp) from a vendor archive — a
// directory of `<SYMBOL>_<TF>.csv` store-format files, or the embedded sample — each file parsed
// once, on first use, and kept sorted with one bar per timestamp, with the report of what the
// file held beyond that (duplicate rows, naive timestamps). Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bar_provider.hpp"
#include "ktrdr/sdk/csv_bar_store.hpp"

namespace ktrdr::data {

struct CsvArchiveOptions {
  // The archive directory; nullopt serves the embedded sample archive (embedded_archive.hpp).
  std::optional<std::filesystem::path> directory;
  // The limits the provider declares (IB's, to make clients pace as they would against IB).
  PacingLimits pacing = PacingLimits::unlimited();
};

class CsvArchiveProvider final : public BarProvider {
 public:
  explicit CsvArchiveProvider(CsvArchiveOptions options = {});

  std::string name() const override { return "csv-archive"; }
  Result<PacingLimits> pacing_limits(const CancellationToken& token) override;
  // The instrument is inferred from the symbol (infer_instrument); the timeframes are those
  // with a file. IB 200 naming the symbol and the archive when there is none.
  Result<ContractInfo> contract(std::string_view symbol, const CancellationToken& token) override;
  // The first bar of the file. IB 162 naming the timeframe when the symbol has no such file.
  // A corrupt file is the store's kParse error (naming the file and line).
  Result<std::chrono::sys_seconds> head_timestamp(std::string_view symbol, Timeframe timeframe,
                                                  const CancellationToken& token) override;
  // The file's bars in [from, to); a file with disorder or duplicate timestamps is served
  // sorted, one bar per timestamp, the last row winning (source_report says which rows went).
  // Errors as head_timestamp, plus IB 321 and IB 162 as bar_provider.hpp says.
  Result<BarSeries> historical(const HistoricalRequest& request,
                               const CancellationToken& token) override;
  // The file's report, its source named "csv-archive <file>". Errors as head_timestamp.
  Result<std::optional<SourceReport>> source_report(std::string_view symbol, Timeframe timeframe,
                                                    const CancellationToken& token) override;
  // {"ok", "source": the directory or "embedded", "series": files in the archive}, plus
  // "error" when ok is false (the directory is missing or unreadable).
  Json health() override;

  // The directory, or "embedded".
  std::string source() const;

 private:
  // One archive file: where its text comes from.
  struct ArchiveFile {
    StoredSeries series;        // symbol, timeframe, path (the directory's file, or the name)
    std::string_view embedded;  // the embedded file's bytes (embedded source only)
  };
  using SeriesKey = std::pair<std::string, Timeframe>;
  // One file, parsed: its bars merged, and its report.
  struct LoadedSeries {
    BarSeries bars;
    SourceReport report;
  };

  // The archive's files, sorted by symbol then timeframe.
  Result<std::vector<ArchiveFile>> files() const;
  // The files of `symbol`; IB 200 when there are none.
  Result<std::vector<ArchiveFile>> files_of(std::string_view symbol) const;
  // The parsed, merged series (from the cache after the first load).
  Result<std::shared_ptr<const LoadedSeries>> load(std::string_view symbol, Timeframe timeframe,
                                                   const CancellationToken& token);
  // The file's path, or "embedded:<name>".
  std::string label(const ArchiveFile& file) const;
  // The file's rows, and what the read learned in `info`; stops with a kCancelled error once
  // `token` is cancelled.
  Result<BarSeries> parse(const ArchiveFile& file, const CancellationToken& token,
                          CsvReadInfo& info) const;

  const CsvArchiveOptions options_;
  std::mutex mutex_;
  std::map<SeriesKey, std::shared_ptr<const LoadedSeries>> cache_;  // GUARDED_BY(mutex_)
};

}  // namespace ktrdr::data
