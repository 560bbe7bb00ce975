#include "tty_progress_sink.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <string>

namespace ktrdr::engine {
namespace {

constexpr const char* kClearLine = "\r\033[K";
constexpr const char* kLineUp = "\033[1A";
constexpr const char* kGreen = "\033[32m";
constexpr const char* kRed = "\033[31m";
constexpr const char* kYellow = "\033[33m";
constexpr const char* kReset = "\033[0m";
constexpr int kBarWidth = 20;

std::size_t terminal_width() {
  winsize size{};
  if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 20) return size.ws_col;
  return 100;
}

std::string bar(double percentage) {
  const int filled = static_cast<int>(std::lround(percentage / 100.0 * kBarWidth));
  std::string text = "[";
  for (int i = 0; i < kBarWidth; ++i) text += i < filled ? "#" : "-";
  return text + "]";
}

// Visible characters of `text`, counting UTF-8 code points.
std::size_t visible_length(const std::string& text) {
  std::size_t visible = 0;
  for (const char c : text) visible += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return visible;
}

// Cuts `text` to `width` visible characters, counting UTF-8 code points.
std::string fit(const std::string& text, std::size_t width) {
  std::size_t visible = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80 && ++visible > width) {
      return text.substr(0, i);
    }
  }
  return text;
}

// "0:07", "12:34", "2:05:09".
std::string clock(double seconds) {
  const auto total = static_cast<long long>(seconds);
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, (total / 60) % 60,
                  total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
  }
  return text;
}

}  // namespace

void TtyProgressSink::clear_line_locked() {
  if (lines_drawn_ == 2) out_ << kClearLine << kLineUp;
  if (lines_drawn_ > 0) out_ << kClearLine;
  lines_drawn_ = 0;
}

void TtyProgressSink::job_started(const JobSpec& job, const OperationRecord& record) {
  std::lock_guard lock(mutex_);
  clear_line_locked();
  out_ << "▶ " << job.name << " (" << job.kind << ")";
  if (auto mode = record.routing.get_string("mode"); mode && *mode != "local") {
    out_ << " via " << record.routing.get_string("url").value_or(*mode);
  }
  out_ << "\n" << std::flush;
}

void TtyProgressSink::operation_changed(const JobSpec& job, const OperationRecord& record) {
  if (is_terminal(record.state)) return;
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_draw_ < kMinRedraw) return;
  last_draw_ = now;
  const ProgressState& p = record.progress;
  char percent[16];
  std::snprintf(percent, sizeof percent, "%5.1f%%", p.percentage);
  // Numbers first, so a narrow terminal cuts the domain message, not the ETA.
  const double elapsed =
      std::chrono::duration<double>(p.updated_at - (record.started_at ? *record.started_at
                                                                       : record.created_at))
          .count();
  std::string line = job.name + " " + bar(p.percentage) + " " + percent + " " +
                     clock(std::max(0.0, elapsed));
  if (p.eta_seconds) line += " ETA " + clock(*p.eta_seconds);
  const std::string unit = p.items_unit.empty() ? "items" : p.items_unit;
  if (p.items_per_second > 0) {
    char rate[32];
    std::snprintf(rate, sizeof rate, " · %.1f ", p.items_per_second);
    line += rate + unit + "/s";
  }
  if (record.cancel_requested) line += " · cancelling…";
  if (p.items_total > 0) {
    line += " · " + format_count(p.items_done) + "/" + format_count(p.items_total) + " " + unit;
  }
  // The domain message goes on the same line when it fits, else on a line of its own below,
  // so a narrow terminal never cuts it for the figures' sake.
  const std::size_t width = (columns_ > 0 ? columns_ : terminal_width()) - 1;
  clear_line_locked();
  if (p.message.empty() || visible_length(line) + 3 + visible_length(p.message) <= width) {
    out_ << fit(p.message.empty() ? line : line + " · " + p.message, width);
    lines_drawn_ = 1;
  } else {
    out_ << fit(line, width) << "\n" << fit("  " + p.message, width);
    lines_drawn_ = 2;
  }
  out_ << std::flush;
}

void TtyProgressSink::job_finished(const JobReport& report) {
  std::lock_guard lock(mutex_);
  clear_line_locked();
  const char* colour = report.outcome == JobOutcome::kCompleted ? kGreen
                       : report.outcome == JobOutcome::kFailed  ? kRed
                                                                : kYellow;
  const char* mark = report.outcome == JobOutcome::kCompleted ? "✔"
                     : report.outcome == JobOutcome::kFailed  ? "✘"
                                                              : "■";
  out_ << colour << mark << " " << report.name << " " << to_string(report.outcome) << kReset;
  if (report.record) out_ << " in " << format_seconds(report.seconds());
  if (report.error) out_ << ": " << report.error->message;
  if (!report.skip_reason.empty()) out_ << ": " << report.skip_reason;
  out_ << "\n" << std::flush;
}

void TtyProgressSink::run_finished(const std::vector<JobReport>& reports, int exit_code) {
  std::lock_guard lock(mutex_);
  clear_line_locked();
  write_run_summary(out_, reports, exit_code);
}

}  // namespace ktrdr::engine
