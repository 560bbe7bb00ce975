#include "progress_sink.hpp"

#include <cmath>
#include <cstdio>
#include <ostream>

#include "json_progress_sink.hpp"
#include "plain_progress_sink.hpp"
#include "tty_progress_sink.hpp"

namespace ktrdr::engine {

std::string_view to_string(JobOutcome outcome) noexcept {
  switch (outcome) {
    case JobOutcome::kCompleted: return "completed";
    case JobOutcome::kFailed: return "failed";
    case JobOutcome::kCancelled: return "cancelled";
    case JobOutcome::kSkipped: return "skipped";
  }
  return "unknown";
}

double JobReport::seconds() const {
  if (!record || !record->started_at || !record->finished_at) return 0.0;
  return std::chrono::duration<double>(*record->finished_at - *record->started_at).count();
}

std::optional<ProgressStyle> progress_style_from_string(std::string_view name) noexcept {
  if (name == "auto") return ProgressStyle::kAuto;
  if (name == "tty") return ProgressStyle::kTty;
  if (name == "plain") return ProgressStyle::kPlain;
  if (name == "json") return ProgressStyle::kJson;
  return std::nullopt;
}

std::unique_ptr<ProgressSink> make_progress_sink(ProgressStyle style, std::ostream& out,
                                                 bool out_is_terminal) {
  if (style == ProgressStyle::kAuto) {
    style = out_is_terminal ? ProgressStyle::kTty : ProgressStyle::kPlain;
  }
  switch (style) {
    case ProgressStyle::kTty: return std::make_unique<TtyProgressSink>(out);
    case ProgressStyle::kJson: return std::make_unique<JsonProgressSink>(out);
    default: return std::make_unique<PlainProgressSink>(out);
  }
}

std::string format_seconds(double seconds) {
  char text[32];
  if (seconds < 60) {
    std::snprintf(text, sizeof text, "%.1fs", seconds);
  } else {
    const auto total = static_cast<long long>(std::llround(seconds));
    if (total < 3600) {
      std::snprintf(text, sizeof text, "%lldm%02llds", total / 60, total % 60);
    } else {
      std::snprintf(text, sizeof text, "%lldh%02lldm", total / 3600, (total / 60) % 60);
    }
  }
  return text;
}

void write_run_summary(std::ostream& out, const std::vector<JobReport>& reports, int exit_code) {
  out << "\nSummary (exit " << exit_code << ")\n";
  for (const JobReport& report : reports) {
    out << "  " << report.name << "  [" << report.kind << "]  " << to_string(report.outcome);
    if (report.record) out << " in " << format_seconds(report.seconds());
    if (report.error) out << " — " << report.error->message;
    if (!report.skip_reason.empty()) out << " — " << report.skip_reason;
    out << "\n";
  }
  for (const JobReport& report : reports) {
    if (!report.record || report.record->result.is_null() || !report.renderer) continue;
    out << "\n" << report.name
        << (report.outcome == JobOutcome::kCompleted ? " result:\n" : " partial result:\n");
    out << report.renderer->render_result(report.record->result) << "\n";
    for (const std::string& warning : report.record->warnings) {
      out << "  warning: " << warning << "\n";
    }
  }
  out.flush();
}

}  // namespace ktrdr::engine
