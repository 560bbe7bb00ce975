#include "tty_progress_sink.hpp"

#include <catch2/catch.hpp>

#include <sstream>

using namespace ktrdr;
using namespace ktrdr::engine;

namespace {

OperationRecord running(std::string message, double rate, std::string unit) {
  OperationRecord record;
  record.id = "op_x";
  record.kind = "data.load";
  record.state = OperationState::kRunning;
  record.progress.percentage = 42.0;
  record.progress.items_done = 1200;
  record.progress.items_total = 3299;
  record.progress.items_unit = std::move(unit);
  record.progress.items_per_second = rate;
  record.progress.message = std::move(message);
  return record;
}

// Code points of the text after the last clear-line sequence: what that line shows.
std::size_t shown_width(const std::string& line) {
  const auto at = line.rfind("\r\033[K");
  const std::string shown = at == std::string::npos ? line : line.substr(at + 4);
  std::size_t width = 0;
  for (const char c : shown) width += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return width;
}

}  // namespace

TEST_CASE("the tty line gives the rate with its unit", "[engine][sink]") {
  std::ostringstream out;
  TtyProgressSink sink(out, 200);
  const JobSpec job{.name = "load", .kind = "data.load"};
  sink.operation_changed(job, running("Loading AAPL 1h", 1234.5, "bars"));
  CHECK_THAT(out.str(), Catch::Contains("1234.5 bars/s") && Catch::Contains("1,200/3,299 bars") &&
                            Catch::Contains("Loading AAPL 1h"));
}

TEST_CASE("an item rate without a unit says items", "[engine][sink]") {
  std::ostringstream out;
  TtyProgressSink sink(out, 200);
  sink.operation_changed(JobSpec{.name = "j"}, running("", 3.0, ""));
  CHECK_THAT(out.str(), Catch::Contains("3.0 items/s"));
}

TEST_CASE("on an 80-column terminal the domain message gets a line of its own, uncut",
          "[engine][sink]") {
  std::ostringstream out;
  TtyProgressSink sink(out, 80);
  const std::string message =
      "Backtesting rsi_macd_mlp on AAPL 1h · 2025-03-14 · bar 1,200/3,299";
  sink.operation_changed(JobSpec{.name = "backtest"}, running(message, 950.0, "bars"));
  const std::string text = out.str();
  CHECK_THAT(text, Catch::Contains("\n  " + message));
  // Each drawn line fits the terminal.
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    CHECK(shown_width(line) <= 79);
  }
  // A finished job clears both lines before printing its result.
  JobReport report;
  report.name = "backtest";
  report.outcome = JobOutcome::kCompleted;
  sink.job_finished(report);
  CHECK_THAT(out.str(), Catch::Contains("\r\033[K\033[1A\r\033[K"));
}
