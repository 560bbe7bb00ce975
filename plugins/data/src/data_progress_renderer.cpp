#include "data_progress_renderer.hpp"

#include <cstdio>

namespace ktrdr::data {
namespace {

std::string count(const Json& json, std::string_view key) {
  return format_count(json.get_int(key).value_or(0));
}

std::string series_name(const Json& json) {
  return json.get_string("symbol").value_or("?") + " " + json.get_string("timeframe").value_or("?");
}

std::string seconds(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f s", value);
  return text;
}

// data.check, also partial: "  tws: connected (server version 187, accounts DU1234567 …) · AAPL:
// APPLE INC (IB conId 265598, SMART) · 1h bars from 1980-12-12T14:30:00Z".
std::string check_summary(const Json& result) {
  const Json health = result.at("health");
  const Json accounts = health.at("accounts");
  std::string text = "  " + result.get_string("provider").value_or("?") + ": ";
  if (!health.get_bool("ok").value_or(false)) {
    text += "not reachable";
  } else if (health.has("server_version")) {
    text += "connected (server version " +
            std::to_string(health.get_int("server_version").value_or(0)) + ", accounts " +
            (accounts.size() == 0 ? std::string("none") : accounts[0].as_string()) +
            (accounts.size() > 1 ? " …" : "") + ")";
  } else {
    text += "reachable";
  }
  if (result.has("contract")) {
    text += " · " + result.get_string("symbol").value_or("?") + ": " +
            result.at("contract").get_string("description").value_or("");
  }
  if (result.has("head_timestamp")) {
    text += " · " + result.get_string("timeframe").value_or("?") + " bars from " +
            result.get_string("head_timestamp").value_or("?");
  }
  return text;
}

std::string load_summary(const Json& result) {
  const Json segments = result.at("segments");
  const Json gaps = result.at("gaps");
  const Json quality = result.at("quality");
  std::string text = "  " + series_name(result) + " (" + result.get_string("mode").value_or("") +
                     ", " + result.get_string("provider").value_or("") + "): " +
                     count(result, "bars_after") + " bars, " + count(result, "bars_fetched") +
                     " fetched in " + count(segments, "ok") + "/" + count(segments, "planned") +
                     " segments, " + count(result, "provider_requests") + " requests, " +
                     count(result, "pacing_waits") + " pacing waits, " +
                     seconds(result.get_number("duration_seconds").value_or(0.0)) + " → " +
                     result.get_string("file").value_or("");
  text += "\n  gaps: " + count(gaps, "found") + " found, " + count(gaps, "filled") + " filled, " +
          count(gaps, "left") + " left";
  const Json left = gaps.at("left_details");
  for (std::size_t i = 0; i < left.size(); ++i) {
    const Json gap = left[i];
    text += "\n    " + gap.get_string("from").value_or("") + " → " +
            gap.get_string("to").value_or("") + ": " + gap.get_string("reason").value_or("");
  }
  const Json failed = segments.at("failed_ranges");
  for (std::size_t i = 0; i < failed.size(); ++i) {
    const Json range = failed[i];
    text += "\n  failed segment " + range.get_string("from").value_or("") + " → " +
            range.get_string("to").value_or("") + ": " + range.get_string("error").value_or("");
  }
  text += "\n  quality: " + count(quality, "error") + " errors, " + count(quality, "warning") +
          " warnings, " + count(quality, "info") + " info";
  const Json sources = result.at("sources");
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const Json source = sources[i];
    const bool naive = source.get_bool("naive_timestamps").value_or(false);
    if (source.get_int("duplicate_timestamps").value_or(0) == 0 && !naive) continue;
    text += "\n  source " + source.get_string("source").value_or("") + ": " +
            count(source, "duplicate_timestamps") + " duplicate timestamps (" +
            count(source, "conflicting_timestamps") + " conflicting), " +
            count(source, "rows_dropped") + " rows dropped" +
            (naive ? ", timestamps without a zone read as UTC" : "");
  }
  return text;
}

std::string validation_summary(const Json& result) {
  std::string text;
  const Json series = result.at("series");
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Json report = series[i];
    const Json counts = report.at("counts");
    if (!text.empty()) text += "\n";
    text += "  " + series_name(report) + ": " + count(report, "bars") + " bars, " +
            count(counts, "error") + " errors, " + count(counts, "warning") + " warnings, " +
            count(counts, "info") + " info";
  }
  return text.empty() ? "  no series" : text;
}

}  // namespace

std::string DataProgressRenderer::render_message(const ProgressState& state) const {
  const Json& c = state.context;
  if (c.get_string("operation") == "data_validation") {
    std::string line = "Validating " + count(c, "series_done") + "/" + count(c, "series_total") +
                       " series";
    if (const auto current = c.get_string("current")) line += " · " + *current;
    return line;
  }
  std::string line = "Loading " + series_name(c) + " (" + c.get_string("mode").value_or("") + ")";
  if (const auto total = c.get_int("total_segments"); total && *total > 0) {
    line += " · segment " + count(c, "current_segment") + "/" + format_count(*total) + " · " +
            count(c, "bars_processed") + " bars";
  } else if (!state.step.empty()) {
    line += " · " + state.step;
  }
  return line;
}

std::string DataProgressRenderer::render_result(const Json& result) const {
  if (result.has("series")) return validation_summary(result);
  if (result.has("health")) return check_summary(result);
  return load_summary(result);
}

}  // namespace ktrdr::data
