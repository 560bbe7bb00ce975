#include "source_report.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>

#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr::data {
namespace {

Error malformed(std::string_view field, std::string_view why) {
  Error error;
  error.code = ErrorCode::kMalformedResponse;
  error.message = "source report: field \"" + std::string(field) + "\" " + std::string(why);
  error.with("field", std::string(field));
  return error;
}

// Equal, or both NaN (empty fields read as NaN).
bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

bool same_bar(const Bar& a, const Bar& b) {
  return same(a.open, b.open) && same(a.high, b.high) && same(a.low, b.low) &&
         same(a.close, b.close) && same(a.volume, b.volume);
}

std::size_t count_of(const Json& json, std::string_view key) {
  return static_cast<std::size_t>(std::max<std::int64_t>(json.get_int(key).value_or(0), 0));
}

}  // namespace

SourceReport examine_source(std::string source, const BarSeries& rows, const CsvReadInfo& info) {
  SourceReport report;
  report.source = std::move(source);
  report.rows = rows.size();
  report.naive_timestamps = info.naive_timestamps;

  // Row indices by timestamp, file order kept among equals.
  std::vector<std::size_t> order(rows.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto stamps = rows.timestamps();
  if (!rows.is_sorted()) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return stamps[a] < stamps[b]; });
  }
  for (std::size_t begin = 0; begin < order.size();) {
    std::size_t end = begin + 1;
    while (end < order.size() && stamps[order[end]] == stamps[order[begin]]) ++end;
    if (end - begin > 1) {
      const Bar first = rows[order[begin]];
      bool conflicting = false;
      for (std::size_t i = begin + 1; i < end && !conflicting; ++i) {
        conflicting = !same_bar(first, rows[order[i]]);
      }
      ++report.duplicate_timestamps;
      report.conflicting_timestamps += conflicting ? 1 : 0;
      report.rows_dropped += end - begin - 1;
      if (report.duplicates.size() < SourceReport::kMaxListed) {
        DuplicateTimestamp duplicate{.timestamp = first.timestamp, .conflicting = conflicting};
        for (std::size_t i = begin; i < end; ++i) duplicate.lines.push_back(info.line_of(order[i]));
        duplicate.kept_line = duplicate.lines.back();
        report.duplicates.push_back(std::move(duplicate));
      }
    }
    begin = end;
  }
  return report;
}

std::vector<std::string> SourceReport::warnings() const {
  std::vector<std::string> found;
  if (naive_timestamps) {
    found.push_back(source + ": timestamps without a zone (no Z, no offset) were read as UTC");
  }
  if (duplicate_timestamps > 0) {
    std::string text = source + ": " + std::to_string(duplicate_timestamps) +
                       " timestamp(s) held by more than one row (" +
                       std::to_string(conflicting_timestamps) + " with rows that differ); " +
                       std::to_string(rows_dropped) +
                       " row(s) dropped, the last row of each timestamp kept";
    const DuplicateTimestamp& first = duplicates.front();
    text += "; the first, " + to_iso8601(first.timestamp) + ", on lines";
    for (const std::size_t line : first.lines) text += " " + std::to_string(line);
    text += " (line " + std::to_string(first.kept_line) + " kept); see sources in the result";
    found.push_back(std::move(text));
  }
  return found;
}

Json SourceReport::to_json() const {
  Json listed = Json::array();
  for (const DuplicateTimestamp& duplicate : duplicates) {
    Json lines = Json::array();
    for (const std::size_t line : duplicate.lines) {
      lines.push_back(Json::integer(static_cast<std::int64_t>(line)));
    }
    Json json = Json::object();
    json.set("timestamp", to_iso8601(duplicate.timestamp))
        .set("lines", lines)
        .set("kept_line", duplicate.kept_line)
        .set("conflicting", duplicate.conflicting);
    listed.push_back(json);
  }
  Json json = Json::object();
  json.set("source", source)
      .set("rows", rows)
      .set("naive_timestamps", naive_timestamps)
      .set("duplicate_timestamps", duplicate_timestamps)
      .set("conflicting_timestamps", conflicting_timestamps)
      .set("rows_dropped", rows_dropped)
      .set("duplicates", listed);
  return json;
}

Result<SourceReport> SourceReport::from_json(const Json& json) {
  if (!json.is_object()) return malformed("report", "is not an object");
  SourceReport report;
  auto source = json.get_string("source");
  if (!source) return malformed("source", "is missing");
  report.source = std::move(*source);
  report.rows = count_of(json, "rows");
  report.naive_timestamps = json.get_bool("naive_timestamps").value_or(false);
  report.duplicate_timestamps = count_of(json, "duplicate_timestamps");
  report.conflicting_timestamps = count_of(json, "conflicting_timestamps");
  report.rows_dropped = count_of(json, "rows_dropped");
  const Json listed = json.at("duplicates");
  for (std::size_t i = 0; i < listed.size(); ++i) {
    const Json entry = listed[i];
    auto timestamp = parse_iso8601(entry.get_string("timestamp").value_or(""));
    if (!timestamp) return malformed("duplicates", "holds an entry without a valid timestamp");
    DuplicateTimestamp duplicate;
    duplicate.timestamp = std::chrono::floor<std::chrono::seconds>(*timestamp);
    const Json lines = entry.at("lines");
    for (std::size_t j = 0; j < lines.size(); ++j) {
      duplicate.lines.push_back(static_cast<std::size_t>(lines[j].as_int()));
    }
    if (duplicate.lines.size() < 2) return malformed("duplicates", "holds an entry with < 2 lines");
    duplicate.kept_line = count_of(entry, "kept_line");
    duplicate.conflicting = entry.get_bool("conflicting").value_or(false);
    report.duplicates.push_back(std::move(duplicate));
  }
  if (report.duplicate_timestamps > 0 && report.duplicates.empty()) {
    return malformed("duplicates", "is empty while duplicate_timestamps is not");
  }
  return report;
}

}  // namespace ktrdr::data
