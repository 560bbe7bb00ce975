#include "no_data_ledger.hpp"

#include <algorithm>
#include <system_error>

#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/file_io.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr::data {
namespace {

using std::chrono::sys_seconds;

// Sorts and joins overlapping or touching ranges; drops empty ones.
std::vector<FetchRange> normalised(std::vector<FetchRange> ranges) {
  std::erase_if(ranges, [](const FetchRange& r) { return r.from >= r.to; });
  std::sort(ranges.begin(), ranges.end(),
            [](const FetchRange& a, const FetchRange& b) { return a.from < b.from; });
  std::vector<FetchRange> joined;
  for (const FetchRange& r : ranges) {
    if (!joined.empty() && r.from <= joined.back().to) {
      joined.back().to = std::max(joined.back().to, r.to);
    } else {
      joined.push_back(r);
    }
  }
  return joined;
}

Error corrupt(const std::filesystem::path& path, const std::string& why) {
  return Error::parse(path.string() + ": " + why + " (delete the file to forget the ranges)",
                      {{"file", path.string()}});
}

Result<sys_seconds> parse_time(const Json& value, const std::filesystem::path& path) {
  auto time = parse_iso8601(value.as_string());
  if (!time) return corrupt(path, "bad time \"" + value.as_string() + "\"");
  return std::chrono::floor<std::chrono::seconds>(*time);
}

}  // namespace

Result<NoDataLedger> NoDataLedger::load(const std::filesystem::path& data_dir, std::string symbol,
                                        Timeframe timeframe, std::string provider) {
  if (auto valid = validate_symbol(symbol); !valid) return std::move(valid).error();
  NoDataLedger ledger;
  ledger.path_ = data_dir / ".ktrdr" /
                 (symbol + "_" + std::string(to_string(timeframe)) + ".nodata.json");
  ledger.provider_ = std::move(provider);
  ledger.timeframe_ = timeframe;
  auto text = read_whole_file(ledger.path_);
  if (!text) {
    if (text.error().code == ErrorCode::kNotFound) return ledger;
    return std::move(text).error();
  }
  auto json = Json::parse(*text);
  if (!json || !json->at("providers").is_object()) return corrupt(ledger.path_, "not a ledger");
  const Json ranges = json->at("providers").at(ledger.provider_);
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const Json pair = ranges[i];
    if (pair.size() != 2) return corrupt(ledger.path_, "a range is not [from, to]");
    auto from = parse_time(pair[0], ledger.path_);
    if (!from) return std::move(from).error();
    auto to = parse_time(pair[1], ledger.path_);
    if (!to) return std::move(to).error();
    ledger.ranges_.push_back({*from, *to});
  }
  ledger.ranges_ = normalised(std::move(ledger.ranges_));
  return ledger;
}

void NoDataLedger::add(std::span<const FetchRange> ranges, sys_seconds asked_at) {
  const sys_seconds settled = asked_at - duration(timeframe_);
  std::vector<FetchRange> all = ranges_;
  for (FetchRange r : ranges) {
    r.to = std::min(r.to, settled);
    all.push_back(r);
  }
  ranges_ = normalised(std::move(all));
}

std::vector<FetchRange> NoDataLedger::subtract_from(std::span<const FetchRange> ranges) const {
  std::vector<FetchRange> left;
  for (FetchRange piece : ranges) {
    for (const FetchRange& empty : ranges_) {
      if (empty.to <= piece.from || empty.from >= piece.to) continue;
      if (empty.from > piece.from) left.push_back({piece.from, empty.from});
      piece.from = empty.to;
      if (piece.from >= piece.to) break;
    }
    if (piece.from < piece.to) left.push_back(piece);
  }
  return left;
}

Result<void> NoDataLedger::save() const {
  Json document = Json::object();
  if (auto text = read_whole_file(path_)) {
    if (auto json = Json::parse(*text); json && json->at("providers").is_object()) {
      document = std::move(*json);
    }
  }
  Json ranges = Json::array();
  for (const FetchRange& r : ranges_) {
    ranges.push_back(Json::array()
                         .push_back(Json::string(to_iso8601(r.from)))
                         .push_back(Json::string(to_iso8601(r.to))));
  }
  Json providers = document.at("providers");
  if (!providers.is_object()) providers = Json::object();
  providers.set(provider_, ranges);
  document.set("providers", providers);
  std::error_code ec;
  std::filesystem::create_directories(path_.parent_path(), ec);
  if (ec) {
    return Error::io("cannot create " + path_.parent_path().string() + ": " + ec.message(),
                     {{"file", path_.string()}});
  }
  return replace_file_atomically(path_, document.dump_pretty() + "\n");
}

}  // namespace ktrdr::data
