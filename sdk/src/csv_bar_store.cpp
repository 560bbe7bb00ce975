// CsvBarStore: whole-file reads through the bar CSV codec, atomic saves (file_io.hpp).
#include "ktrdr/sdk/csv_bar_store.hpp"

#include <algorithm>
#include <system_error>
#include <utility>

#include "bar_csv_codec.hpp"
#include "ktrdr/sdk/file_io.hpp"

namespace ktrdr {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kExtension = ".csv";

Error io_error(std::string what, const fs::path& path, int err) {
  return Error::io(std::move(what) + ": " + std::generic_category().message(err),
                   {{"file", path.string()}, {"errno", std::to_string(err)}});
}

}  // namespace

CsvBarStore::CsvBarStore(fs::path data_dir) : data_dir_(std::move(data_dir)) {}

Result<fs::path> CsvBarStore::path_for(std::string_view symbol, Timeframe timeframe) const {
  if (auto valid = validate_symbol(symbol); !valid) return std::move(valid).error();
  std::string name(symbol);
  name += '_';
  name += to_string(timeframe);
  name += kExtension;
  return data_dir_ / name;
}

bool CsvBarStore::exists(std::string_view symbol, Timeframe timeframe) const {
  auto path = path_for(symbol, timeframe);
  if (!path) return false;
  std::error_code ec;
  return fs::is_regular_file(*path, ec);
}

Result<BarSeries> CsvBarStore::read(std::string_view symbol, Timeframe timeframe,
                                    const CancellationToken& token, CsvReadInfo* info) const {
  auto path = path_for(symbol, timeframe);
  if (!path) return std::move(path).error();
  auto series = read_file(*path, symbol, timeframe, token, info);
  if (!series && series.error().code == ErrorCode::kNotFound) {
    return Error::not_found("no stored " + std::string(symbol) + " " +
                                std::string(to_string(timeframe)) + " bars: " + path->string() +
                                " does not exist",
                            {{"file", path->string()}, {"symbol", std::string(symbol)}});
  }
  return series;
}

Result<BarSeries> CsvBarStore::read_file(const fs::path& path, std::string_view symbol,
                                         Timeframe timeframe, const CancellationToken& token,
                                         CsvReadInfo* info) {
  if (auto valid = validate_symbol(symbol); !valid) return std::move(valid).error();
  if (token.is_cancelled()) return detail::read_cancelled(path.string(), token);
  auto text = read_whole_file(path, std::nullopt, token);
  if (!text) {
    if (text.error().code == ErrorCode::kCancelled) {
      return detail::read_cancelled(path.string(), token);
    }
    return std::move(text).error();
  }
  return parse(*text, path.string(), symbol, timeframe, token, info);
}

Result<BarSeries> CsvBarStore::parse(std::string_view text, std::string_view source_name,
                                     std::string_view symbol, Timeframe timeframe,
                                     const CancellationToken& token, CsvReadInfo* info) {
  if (auto valid = validate_symbol(symbol); !valid) return std::move(valid).error();
  return detail::parse_bar_csv(text, source_name, std::string(symbol), timeframe, token, info);
}

std::optional<StoredSeries> CsvBarStore::parse_file_name(std::string_view file_name) {
  if (!file_name.ends_with(kExtension)) return std::nullopt;
  const std::string_view stem = file_name.substr(0, file_name.size() - kExtension.size());
  const auto underscore = stem.rfind('_');
  if (underscore == std::string_view::npos) return std::nullopt;
  const std::string_view symbol = stem.substr(0, underscore);
  const auto timeframe = parse_timeframe(stem.substr(underscore + 1));
  if (!timeframe || !validate_symbol(symbol)) return std::nullopt;
  return StoredSeries{std::string(symbol), *timeframe, fs::path(file_name)};
}

Result<std::vector<StoredSeries>> CsvBarStore::list() const {
  std::vector<StoredSeries> found;
  std::error_code ec;
  fs::directory_iterator it(data_dir_, ec);
  if (ec == std::errc::no_such_file_or_directory) return found;
  if (ec) return io_error("cannot list " + data_dir_.string(), data_dir_, ec.value());
  for (; it != fs::directory_iterator(); it.increment(ec)) {
    std::optional<StoredSeries> series = parse_file_name(it->path().filename().string());
    if (!series || !it->is_regular_file(ec)) continue;
    series->path = it->path();
    found.push_back(std::move(*series));
  }
  if (ec) return io_error("cannot list " + data_dir_.string(), data_dir_, ec.value());
  std::sort(found.begin(), found.end(), [](const StoredSeries& a, const StoredSeries& b) {
    return a.symbol != b.symbol ? a.symbol < b.symbol : a.timeframe < b.timeframe;
  });
  return found;
}

Result<void> CsvBarStore::save(const BarSeries& series, const CancellationToken& token) const {
  auto target = path_for(series.symbol(), series.timeframe());
  if (!target) return std::move(target).error();
  auto text = detail::format_bar_csv(series, token);
  if (!text) return std::move(text).error();

  std::error_code ec;
  fs::create_directories(data_dir_, ec);
  if (ec) return io_error("cannot create " + data_dir_.string(), data_dir_, ec.value());
  return replace_file_atomically(*target, *text, fail_writes_after_);
}

}  // namespace ktrdr
