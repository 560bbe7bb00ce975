#include "csv_archive_provider.hpp"

#include <algorithm>
#include <system_error>
#include <tuple>

#include "embedded_archive.hpp"
#include "ib_error.hpp"
#include "provider_checks.hpp"

namespace ktrdr::data {

namespace fs = std::filesystem;

CsvArchiveProvider::CsvArchiveProvider(CsvArchiveOptions options) : options_(std::move(options)) {}

std::string CsvArchiveProvider::source() const {
  return options_.directory ? options_.directory->string() : "embedded";
}

Result<PacingLimits> CsvArchiveProvider::pacing_limits(const CancellationToken& token) {
  if (token.is_cancelled()) return provider_cancelled(name(), "pacing limits", token);
  return options_.pacing;
}

Result<ContractInfo> CsvArchiveProvider::contract(std::string_view symbol,
                                                  const CancellationToken& token) {
  if (token.is_cancelled()) return provider_cancelled(name(), "contract lookup", token);
  if (auto valid = validate_symbol(symbol); !valid) return std::move(valid).error();
  auto files = files_of(symbol);
  if (!files) return std::move(files).error();
  ContractInfo info;
  info.symbol = std::string(symbol);
  info.instrument = infer_instrument(symbol);
  info.description = info.symbol + " " + std::string(to_string(info.instrument)) + " (" + name() +
                     " " + source() + ":";
  for (const ArchiveFile& file : *files) {
    info.timeframes.push_back(file.series.timeframe);
    info.description += " " + file.series.path.filename().string();
  }
  info.description += ")";
  return info;
}

Result<std::chrono::sys_seconds> CsvArchiveProvider::head_timestamp(
    std::string_view symbol, Timeframe timeframe, const CancellationToken& token) {
  if (token.is_cancelled()) return provider_cancelled(name(), "head timestamp", token);
  if (auto valid = validate_symbol(symbol); !valid) return std::move(valid).error();
  auto series = load(symbol, timeframe, token);
  if (!series) return std::move(series).error();
  const BarSeries& bars = (*series)->bars;
  if (bars.empty()) {
    return make_ib_error(IbErrorKind::kNoData,
                         "the " + std::string(symbol) + " " + std::string(to_string(timeframe)) +
                             " file of " + name() + " " + source() + " holds no bars",
                         {{"symbol", std::string(symbol)},
                          {"timeframe", std::string(to_string(timeframe))},
                          {"source", source()}});
  }
  return bars.timestamps().front();
}

Result<BarSeries> CsvArchiveProvider::historical(const HistoricalRequest& request,
                                                 const CancellationToken& token) {
  if (token.is_cancelled()) return provider_cancelled(name(), "historical request", token);
  if (auto valid = check_historical_request(request); !valid) return std::move(valid).error();
  auto series = load(request.symbol, request.timeframe, token);
  if (!series) return std::move(series).error();
  BarSeries bars = (*series)->bars.slice(request.from, request.to);
  if (bars.empty()) return no_bars_in_range(request, name() + " " + source());
  if (token.is_cancelled()) return provider_cancelled(name(), "historical request", token);
  return bars;
}

Result<std::optional<SourceReport>> CsvArchiveProvider::source_report(
    std::string_view symbol, Timeframe timeframe, const CancellationToken& token) {
  if (token.is_cancelled()) return provider_cancelled(name(), "source report", token);
  if (auto valid = validate_symbol(symbol); !valid) return std::move(valid).error();
  auto series = load(symbol, timeframe, token);
  if (!series) return std::move(series).error();
  return std::optional<SourceReport>((*series)->report);
}

Json CsvArchiveProvider::health() {
  Json health = Json::object();
  health.set("ok", false).set("source", source()).set("series", 0);
  if (options_.directory) {
    std::error_code ec;
    if (!fs::is_directory(*options_.directory, ec)) {
      health.set("error",
                 "archive directory " + source() + " does not exist or is not a directory");
      return health;
    }
  }
  auto files = this->files();
  if (!files) {
    health.set("error", files.error().message);
    return health;
  }
  health.set("ok", true).set("series", files->size());
  return health;
}

Result<std::vector<CsvArchiveProvider::ArchiveFile>> CsvArchiveProvider::files() const {
  std::vector<ArchiveFile> found;
  if (options_.directory) {
    auto listed = CsvBarStore(*options_.directory).list();
    if (!listed) return std::move(listed).error();
    for (StoredSeries& series : *listed) found.push_back({std::move(series), {}});
    return found;
  }
  for (const EmbeddedFile& file : embedded_archive()) {
    if (auto series = CsvBarStore::parse_file_name(file.name)) {
      found.push_back({std::move(*series), file.content});
    }
  }
  std::sort(found.begin(), found.end(), [](const ArchiveFile& a, const ArchiveFile& b) {
    return std::tie(a.series.symbol, a.series.timeframe) <
           std::tie(b.series.symbol, b.series.timeframe);
  });
  return found;
}

Result<std::vector<CsvArchiveProvider::ArchiveFile>> CsvArchiveProvider::files_of(
    std::string_view symbol) const {
  auto files = this->files();
  if (!files) return std::move(files).error();
  std::erase_if(*files, [&](const ArchiveFile& file) { return file.series.symbol != symbol; });
  if (files->empty()) {
    return make_ib_error(IbErrorKind::kNoSecurityDefinition,
                         "no " + std::string(symbol) + " files in " + name() + " " + source(),
                         {{"symbol", std::string(symbol)}, {"source", source()}});
  }
  return files;
}

Result<std::shared_ptr<const CsvArchiveProvider::LoadedSeries>> CsvArchiveProvider::load(
    std::string_view symbol, Timeframe timeframe, const CancellationToken& token) {
  SeriesKey key{std::string(symbol), timeframe};
  {
    const std::lock_guard lock(mutex_);
    if (const auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  auto files = files_of(symbol);
  if (!files) return std::move(files).error();
  const auto file = std::find_if(files->begin(), files->end(), [&](const ArchiveFile& f) {
    return f.series.timeframe == timeframe;
  });
  if (file == files->end()) {
    std::string present;
    for (const ArchiveFile& f : *files) {
      present += (present.empty() ? "" : ", ") + std::string(to_string(f.series.timeframe));
    }
    return make_ib_error(IbErrorKind::kNoData,
                         name() + " " + source() + " has no " + std::string(to_string(timeframe)) +
                             " bars for " + key.first + " (only " + present + ")",
                         {{"symbol", key.first},
                          {"timeframe", std::string(to_string(timeframe))},
                          {"source", source()}});
  }
  CsvReadInfo info;
  auto parsed = parse(*file, token, info);
  if (!parsed && token.is_cancelled()) {
    return provider_cancelled(name(), "loading " + key.first, token);
  }
  if (!parsed) return std::move(parsed).error();
  // Merging into an empty series sorts it and keeps the last row of each timestamp.
  BarSeries merged(key.first, timeframe);
  if (auto ok = merged.merge(*parsed); !ok) return std::move(ok).error();
  if (token.is_cancelled()) return provider_cancelled(name(), "loading " + key.first, token);

  auto loaded = std::make_shared<const LoadedSeries>(
      LoadedSeries{std::move(merged), examine_source(name() + " " + label(*file), *parsed, info)});
  const std::lock_guard lock(mutex_);
  // A concurrent first load may have won; both parsed the same file, so either copy serves.
  return cache_.try_emplace(std::move(key), std::move(loaded)).first->second;
}

std::string CsvArchiveProvider::label(const ArchiveFile& file) const {
  return options_.directory ? file.series.path.string() : "embedded:" + file.series.path.string();
}

Result<BarSeries> CsvArchiveProvider::parse(const ArchiveFile& file, const CancellationToken& token,
                                            CsvReadInfo& info) const {
  const StoredSeries& series = file.series;
  if (options_.directory) {
    return CsvBarStore::read_file(series.path, series.symbol, series.timeframe, token, &info);
  }
  return CsvBarStore::parse(file.embedded, label(file), series.symbol, series.timeframe, token,
                            &info);
}

}  // namespace ktrdr::data
