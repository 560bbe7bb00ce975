// data_pipeline: the data domain's read → validate → gap analysis, end to end, against the same
// work in pandas (bench/data_pipeline_pandas.py, run here as a subprocess) on the same files:
// ../shared/data/EURUSD_1h.csv and a 1,000,000-bar synthetic EURUSD 1m series that
// SyntheticProvider::generate writes to a temp CSV first. Best of N runs on each side (pandas
// times itself, leaving out interpreter start-up and imports). Targets: pandas / ktrdr >= 10x on
// each file, and synthetic generation >= 5M bars/s.

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "baseline_command.hpp"
#include "scratch_dir.hpp"
#include "instrument.hpp"
#include "ktrdr/sdk/csv_bar_store.hpp"
#include "quality_checker.hpp"
#include "synthetic_provider.hpp"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;
using ktrdr::bench::field;
using ktrdr::bench::run_command;
using ktrdr::bench::shell_quoted;

constexpr double kTargetRatio = 10.0;
constexpr double kTargetGenerationRate = 5e6;  // bars/s

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}


// One file to run the pipeline on.
struct Dataset {
  fs::path path;
  std::string symbol;
  ktrdr::Timeframe timeframe;
};

// What one side found, to show that both did the same work.
struct Findings {
  double seconds = std::numeric_limits<double>::infinity();  // best run
  std::size_t rows = 0;
  std::size_t issues = 0;
  std::size_t gaps = 0;
  std::size_t closures = 0;
  std::size_t unexpected = 0;
};

// ktrdr: read the file, run every quality check with a GapFinder on the symbol's calendar.
Findings run_ktrdr(const Dataset& data, int runs) {
  Findings best;
  for (int run = 0; run < runs; ++run) {
    const Clock::time_point start = Clock::now();
    const ktrdr::BarSeries series =
        ktrdr::CsvBarStore::read_file(data.path, data.symbol, data.timeframe).value_or_throw();
    const ktrdr::data::QualityChecker checker(
        {},
        ktrdr::data::GapFinder(
            ktrdr::data::calendar_of(ktrdr::data::infer_instrument(data.symbol)).value_or_throw()));
    const ktrdr::data::QualityReport report = checker.check(series);
    const double seconds = seconds_since(start);
    if (seconds < best.seconds) {
      const ktrdr::data::GapReport& gaps = report.gap_report.value();
      // The pandas side lists "gaps" and "unexpected_bars" apart from its quality issues.
      const std::size_t gap_issues = (report.find("gaps") != nullptr ? 1 : 0) +
                                     (report.find("unexpected_bars") != nullptr ? 1 : 0);
      best = {seconds,
              series.size(),
              report.issues.size() - gap_issues,
              gaps.gaps.size(),
              gaps.expected_closures.size(),
              gaps.unexpected_bars};
    }
  }
  return best;
}

// pandas: the script's own best-of-`runs` time and its counts.
std::optional<Findings> run_pandas(const std::string& python, const std::string& script,
                                   const Dataset& data, int runs) {
  const auto out =
      run_command(shell_quoted(python) + " " + shell_quoted(script) + " " +
                  shell_quoted(data.path.string()) + " --runs " + std::to_string(runs));
  if (!out) return std::nullopt;
  const auto seconds = field(*out, "seconds");
  if (!seconds) return std::nullopt;
  auto count = [&](const char* key) {
    return static_cast<std::size_t>(std::stoull(field(*out, key).value_or("0")));
  };
  return Findings{std::stod(*seconds), count("rows"),     count("issues"),
                  count("gaps"),       count("closures"), count("unexpected")};
}

void print_side(const char* side, const Findings& f, double megabytes) {
  std::printf("  %-7s %10.4f %10.2f %9.1f %7zu %6zu %9zu %11zu\n", side, f.seconds,
              static_cast<double>(f.rows) / f.seconds / 1e6, megabytes / f.seconds, f.issues,
              f.gaps, f.closures, f.unexpected);
}

// The synthetic series: `bars` EURUSD 1m bars from 2019-01-07 on; prints the generation rate.
ktrdr::BarSeries synthetic_series(std::size_t bars, int runs, double& rate) {
  const ktrdr::data::SyntheticProvider provider;
  const std::chrono::sys_seconds from{std::chrono::sys_days{std::chrono::year{2019} / 1 / 7}};
  // 7,200 FX minutes a week, plus a margin.
  const auto weeks = std::chrono::weeks{static_cast<long>(bars / 7'200 + 2)};
  std::optional<ktrdr::BarSeries> series;
  double best = std::numeric_limits<double>::infinity();
  for (int run = 0; run < runs; ++run) {
    const Clock::time_point start = Clock::now();
    series =
        provider.generate("EURUSD", ktrdr::Timeframe::k1m, from, from + weeks).value_or_throw();
    best = std::min(best, seconds_since(start));
  }
  rate = static_cast<double>(series->size()) / best;
  std::printf(
      "synthetic: %zu EURUSD 1m bars generated in %.4f s (best of %d): %.1fM bars/s "
      "(target >= %.0fM)\n",
      series->size(), best, runs, rate / 1e6, kTargetGenerationRate / 1e6);
  return series->slice(series->timestamps().front(), series->timestamps()[bars]);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"data_pipeline: read + validate + gap analysis, ktrdr vs pandas"};
  int runs = 5;
  std::size_t bars = 1'000'000;
  std::string python = "/usr/bin/python3";
  std::string script = KTRDR_BENCH_PANDAS_SCRIPT;
  std::string data_dir = KTRDR_SHARED_DATA_DIR;
  app.add_option("--runs", runs, "runs per measurement (the best counts)")
      ->check(CLI::PositiveNumber);
  app.add_option("--bars", bars, "bars in the synthetic 1m series")->check(CLI::PositiveNumber);
  app.add_option("--python", python, "the Python with pandas");
  app.add_option("--script", script, "the pandas pipeline");
  app.add_option("--data-dir", data_dir, "the shared real data (EURUSD_1h.csv)");
  CLI11_PARSE(app, argc, argv);

  const ktrdr::bench::ScratchDir scratch("data_pipeline");
  double rate = 0.0;
  const ktrdr::BarSeries synthetic = synthetic_series(bars, runs, rate);
  if (auto saved = ktrdr::CsvBarStore(scratch.path()).save(synthetic); !saved.ok()) {
    std::fprintf(stderr, "data_pipeline: %s\n", saved.error().message.c_str());
    return 2;
  }
  const std::vector<Dataset> datasets{
      {fs::path(data_dir) / "EURUSD_1h.csv", "EURUSD", ktrdr::Timeframe::k1h},
      {scratch.path() / "EURUSD_1m.csv", "EURUSD", ktrdr::Timeframe::k1m}};

  const bool have_pandas =
      run_command(shell_quoted(python) + " -c 'import pandas' 2>/dev/null").has_value();
  if (!have_pandas) {
    std::printf("pandas is not available to %s (install python3-pandas): ktrdr figures only\n",
                python.c_str());
  }
  std::printf("best of %d runs each; pandas times itself (no interpreter start-up or imports)\n",
              runs);

  bool met = rate >= kTargetGenerationRate;
  for (const Dataset& data : datasets) {
    const double megabytes = static_cast<double>(fs::file_size(data.path)) / 1e6;
    const Findings ktrdr = run_ktrdr(data, runs);
    std::printf("\n%s (%s): %zu bars, %.1f MB\n", data.path.filename().c_str(),
                data.path.parent_path().c_str(), ktrdr.rows, megabytes);
    std::printf("  %-7s %10s %10s %9s %7s %6s %9s %11s\n", "", "seconds", "Mbars/s", "MB/s",
                "issues", "gaps", "closures", "unexpected");
    print_side("ktrdr", ktrdr, megabytes);
    if (!have_pandas) continue;
    const std::optional<Findings> pandas = run_pandas(python, script, data, runs);
    if (!pandas) {
      std::printf("  pandas: %s failed on this file\n", script.c_str());
      met = false;
      continue;
    }
    print_side("pandas", *pandas, megabytes);
    const double ratio = pandas->seconds / ktrdr.seconds;
    met = met && ratio >= kTargetRatio;
    std::printf("  pandas / ktrdr = %.1fx (target >= %.0fx)\n", ratio, kTargetRatio);
  }
  std::printf("\ntarget %s\n", met ? "met" : "MISSED");
  return met ? 0 : 1;
}
