// QualityChecker: row checks on the series as stored, time-series checks on its sorted distinct
// bars, rolling medians over a centred window, and the repairs.
#include "quality_checker.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <utility>

#include "ktrdr/sdk/time_format.hpp"
#include "rolling_median.hpp"

namespace ktrdr::data {
namespace {

// 10.0 → "10", 0.2 → "0.2": the shortest form that reads back as the value.
std::string number_text(double value) {
  char text[32];
  const auto end = std::to_chars(text, text + sizeof text, value).ptr;
  return std::string(text, end);
}

using std::chrono::sys_seconds;

// The floor of a rolling MAD, as a fraction of the rolling median: flat stretches (MAD 0) would
// otherwise make any tick an outlier.
constexpr double kMinMadFraction = 0.0005;

// Collects the offending timestamps of one check.
class Finding {
 public:
  explicit Finding(std::size_t max_samples) : max_samples_(max_samples) {}

  void add(sys_seconds t) {
    if (samples_.size() < max_samples_) samples_.push_back(t);
    ++count_;
  }
  std::size_t count() const noexcept { return count_; }

  // Appends the issue to `report` when anything was found.
  void report_to(QualityReport& report, std::string check, Severity severity, std::string message) {
    if (count_ == 0) return;
    report.issues.push_back(
        QualityIssue{std::move(check), severity, count_, std::move(samples_), std::move(message)});
  }

 private:
  std::size_t max_samples_;
  std::size_t count_ = 0;
  std::vector<sys_seconds> samples_;
};

bool same_value(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

bool has_nan(const Bar& bar) {
  return std::isnan(bar.open) || std::isnan(bar.high) || std::isnan(bar.low) ||
         std::isnan(bar.close) || std::isnan(bar.volume);
}

bool has_non_positive_price(const Bar& bar) {
  return bar.open <= 0.0 || bar.high <= 0.0 || bar.low <= 0.0 || bar.close <= 0.0;
}

// The rows' indices in timestamp order, one per timestamp (the last row of each), and the
// groups of rows sharing a timestamp.
struct Ordering {
  std::vector<std::size_t> distinct;                 // ascending by timestamp
  std::vector<std::vector<std::size_t>> duplicates;  // row indices per duplicated timestamp
};

Ordering order_rows(const BarSeries& series) {
  const auto ts = series.timestamps();
  std::vector<std::size_t> rows(series.size());
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  if (!series.is_sorted()) {
    std::stable_sort(rows.begin(), rows.end(),
                     [&](std::size_t a, std::size_t b) { return ts[a] < ts[b]; });
  }
  Ordering out;
  out.distinct.reserve(rows.size());
  for (std::size_t k = 0; k < rows.size();) {
    std::size_t end = k + 1;
    while (end < rows.size() && ts[rows[end]] == ts[rows[k]]) ++end;
    out.distinct.push_back(rows[end - 1]);
    if (end - k > 1)
      out.duplicates.emplace_back(rows.begin() + static_cast<std::ptrdiff_t>(k),
                                  rows.begin() + static_cast<std::ptrdiff_t>(end));
    k = end;
  }
  return out;
}

void check_duplicates(const BarSeries& series, const Ordering& ordering,
                      const QualityOptions& options, QualityReport& report) {
  Finding duplicated(options.max_samples);
  Finding conflicting(options.max_samples);
  std::size_t volume_conflicts = 0;
  std::size_t price_conflicts = 0;
  for (const std::vector<std::size_t>& group : ordering.duplicates) {
    const Bar first = series[group.front()];
    duplicated.add(first.timestamp);
    bool volume_differs = false;
    bool price_differs = false;
    for (std::size_t k = 1; k < group.size(); ++k) {
      const Bar other = series[group[k]];
      volume_differs = volume_differs || !same_value(first.volume, other.volume);
      price_differs = price_differs || !same_value(first.open, other.open) ||
                      !same_value(first.high, other.high) || !same_value(first.low, other.low) ||
                      !same_value(first.close, other.close);
    }
    if (volume_differs || price_differs) conflicting.add(first.timestamp);
    volume_conflicts += volume_differs ? 1 : 0;
    price_conflicts += price_differs ? 1 : 0;
  }
  const std::size_t extra_rows = series.size() - ordering.distinct.size();
  duplicated.report_to(report, "duplicate_timestamps", Severity::kWarning,
                       std::to_string(duplicated.count()) + " timestamps occur more than once (" +
                           std::to_string(extra_rows) + " extra rows)");
  conflicting.report_to(report, "conflicting_duplicates", Severity::kError,
                        std::to_string(conflicting.count()) +
                            " duplicated timestamps carry different values (volume differs in " +
                            std::to_string(volume_conflicts) + ", prices in " +
                            std::to_string(price_conflicts) + ")");
}

void check_rows(const BarSeries& series, const QualityOptions& options, QualityReport& report) {
  Finding unsorted(options.max_samples);
  Finding non_positive(options.max_samples);
  Finding violation(options.max_samples);
  Finding missing(options.max_samples);
  const auto ts = series.timestamps();
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Bar bar = series[i];
    if (i > 0 && ts[i] < ts[i - 1]) unsorted.add(bar.timestamp);
    if (has_non_positive_price(bar)) non_positive.add(bar.timestamp);
    if (bar.high < std::max(bar.open, bar.close) || bar.low > std::min(bar.open, bar.close) ||
        bar.high < bar.low) {
      violation.add(bar.timestamp);
    }
    if (has_nan(bar)) missing.add(bar.timestamp);
  }
  unsorted.report_to(report, "unsorted", Severity::kError,
                     std::to_string(unsorted.count()) + " rows are earlier than the row before");
  non_positive.report_to(report, "non_positive_prices", Severity::kError,
                         std::to_string(non_positive.count()) + " rows have a price <= 0");
  violation.report_to(report, "high_low_violation", Severity::kError,
                      std::to_string(violation.count()) +
                          " rows have high below max(open, close) or low above min(open, close)");
  missing.report_to(report, "missing_values", Severity::kError,
                    std::to_string(missing.count()) + " rows have a missing (NaN) value");
}

void check_gaps(const BarSeries& series, const GapFinder& finder, QualityReport& report) {
  Result<GapReport> gaps = finder.find_gaps(series);
  if (!gaps.ok()) {
    report.issues.push_back(
        QualityIssue{"gaps", Severity::kInfo, 0, {}, "gaps not checked: " + gaps.error().message});
    return;
  }
  const GapReport& found = gaps.value();
  Finding real(finder.options().max_samples);
  for (const GapRun& run : found.gaps) real.add(run.from);
  real.report_to(report, "gaps", Severity::kWarning,
                 std::to_string(found.gaps.size()) + " gaps (" +
                     std::to_string(found.missing_bars) + " missing bars); " +
                     std::to_string(found.expected_closures.size()) + " expected closures (" +
                     std::to_string(found.expected_closure_bars) + " bars) not counted");
  if (found.unexpected_bars > 0) {
    report.issues.push_back(QualityIssue{
        "unexpected_bars", Severity::kInfo, found.unexpected_bars, found.unexpected_samples,
        std::to_string(found.unexpected_bars) + " bars lie outside the calendar's expected bars"});
  }
  report.gap_report = std::move(gaps).value();
}

// Checks over the sorted distinct bars: outliers, spikes, zero volume, volume spikes, moves.
void check_series(const BarSeries& series, const Ordering& ordering, const QualityOptions& options,
                  QualityReport& report) {
  const std::size_t n = ordering.distinct.size();
  std::vector<Bar> bars;
  bars.reserve(n);
  for (const std::size_t row : ordering.distinct) bars.push_back(series[row]);
  std::vector<double> closes(n);
  std::vector<double> ranges(n);
  std::vector<double> volumes(n);
  for (std::size_t i = 0; i < n; ++i) {
    closes[i] = bars[i].close;
    ranges[i] = bars[i].high - bars[i].low;
    volumes[i] = bars[i].volume;
  }
  const RollingMedian close_median =
      RollingMedian::compute(closes, options.window, /*with_mad=*/true);
  const RollingMedian range_median =
      RollingMedian::compute(ranges, options.window, /*with_mad=*/false);
  const RollingMedian volume_median =
      RollingMedian::compute(volumes, options.window, /*with_mad=*/false);

  Finding outliers(options.max_samples);
  Finding spikes(options.max_samples);
  Finding zero_bars(options.max_samples);
  Finding zero_runs(options.max_samples);
  Finding volume_spikes(options.max_samples);
  Finding moves(options.max_samples);
  std::size_t zero_run_bars = 0;
  std::size_t run_length = 0;
  const double move_limit = is_daily_or_longer(series.timeframe()) ? options.extreme_move_daily
                                                                   : options.extreme_move_intraday;
  for (std::size_t i = 0; i < n; ++i) {
    const Bar& bar = bars[i];
    const double med = close_median.median[i];
    const double scale = std::max(close_median.mad[i], kMinMadFraction * std::abs(med));
    if (std::abs(bar.close - med) > options.outlier_mad_threshold * scale) {
      outliers.add(bar.timestamp);
    }
    const double wick =
        std::max(bar.high - std::max(bar.open, bar.close), std::min(bar.open, bar.close) - bar.low);
    if (wick > options.spike_range_factor * range_median.median[i] &&
        wick > options.spike_min_fraction * std::abs(bar.close)) {
      spikes.add(bar.timestamp);
    }
    if (bar.volume == 0.0) {
      zero_bars.add(bar.timestamp);
      ++run_length;
      if (run_length == options.zero_volume_run_min) {
        zero_runs.add(bars[i + 1 - run_length].timestamp);
        zero_run_bars += run_length;
      } else if (run_length > options.zero_volume_run_min) {
        ++zero_run_bars;
      }
    } else {
      run_length = 0;
    }
    if (volume_median.median[i] > 0.0 &&
        bar.volume > options.volume_spike_factor * volume_median.median[i]) {
      volume_spikes.add(bar.timestamp);
    }
    if (i > 0 && closes[i - 1] > 0.0 && bar.close > 0.0 &&
        std::abs(std::log(bar.close / closes[i - 1])) > move_limit) {
      moves.add(bar.timestamp);
    }
  }
  outliers.report_to(report, "price_outliers", Severity::kWarning,
                     std::to_string(outliers.count()) + " closes lie over " +
                         number_text(options.outlier_mad_threshold) +
                         " rolling MADs from the rolling median close");
  spikes.report_to(report, "candle_spikes", Severity::kWarning,
                   std::to_string(spikes.count()) + " bars have a high or low far outside the " +
                       "candle body (over " + number_text(options.spike_range_factor) +
                       " rolling median ranges)");
  zero_bars.report_to(report, "zero_volume_bars", Severity::kInfo,
                      std::to_string(zero_bars.count()) + " bars have zero volume");
  zero_runs.report_to(report, "zero_volume_runs", Severity::kWarning,
                      std::to_string(zero_runs.count()) + " runs of " +
                          std::to_string(options.zero_volume_run_min) +
                          " or more zero-volume bars (" + std::to_string(zero_run_bars) + " bars)");
  volume_spikes.report_to(report, "volume_spikes", Severity::kInfo,
                          std::to_string(volume_spikes.count()) + " bars have over " +
                              number_text(options.volume_spike_factor) +
                              " times the rolling median volume");
  moves.report_to(report, "extreme_moves", Severity::kWarning,
                  std::to_string(moves.count()) + " close-to-close moves exceed |log return| " +
                      number_text(move_limit));
}

Json issue_json(const QualityIssue& issue) {
  Json out = Json::object();
  out.set("check", issue.check);
  out.set("severity", to_string(issue.severity));
  out.set("count", issue.count);
  std::vector<std::string> samples;
  samples.reserve(issue.samples.size());
  for (const sys_seconds t : issue.samples) samples.push_back(to_iso8601(t));
  out.set("samples", samples);
  out.set("message", issue.message);
  return out;
}

}  // namespace

std::string_view to_string(Severity severity) noexcept {
  switch (severity) {
    case Severity::kInfo:
      return "info";
    case Severity::kWarning:
      return "warning";
    case Severity::kError:
      return "error";
  }
  return "info";
}

const QualityIssue* QualityReport::find(std::string_view check) const noexcept {
  for (const QualityIssue& issue : issues) {
    if (issue.check == check) return &issue;
  }
  return nullptr;
}

Json QualityReport::to_json() const {
  Json out = Json::object();
  out.set("symbol", symbol);
  out.set("timeframe", to_string(timeframe));
  out.set("bars", bars);
  Json counts = Json::object();
  counts.set("info", info);
  counts.set("warning", warnings);
  counts.set("error", errors);
  out.set("counts", counts);
  Json list = Json::array();
  for (const QualityIssue& issue : issues) list.push_back(issue_json(issue));
  out.set("issues", list);
  if (gap_report) out.set("gaps", gap_report->to_json());
  if (repairs) {
    Json fixed = Json::object();
    fixed.set("duplicates_removed", repairs->duplicates_removed);
    fixed.set("sorted", repairs->sorted);
    fixed.set("non_positive_dropped", repairs->non_positive_dropped);
    fixed.set("unfillable_dropped", repairs->unfillable_dropped);
    fixed.set("values_filled", repairs->values_filled);
    fixed.set("bars_clamped", repairs->bars_clamped);
    fixed.set("total", repairs->total());
    out.set("repairs", fixed);
  }
  return out;
}

QualityChecker::QualityChecker(QualityOptions options, std::optional<GapFinder> gap_finder)
    : options_(options), gap_finder_(std::move(gap_finder)) {}

QualityReport QualityChecker::check(const BarSeries& series) const {
  QualityReport report;
  report.symbol = series.symbol();
  report.timeframe = series.timeframe();
  report.bars = series.size();
  const Ordering ordering = order_rows(series);
  check_duplicates(series, ordering, options_, report);
  check_rows(series, options_, report);
  if (gap_finder_) check_gaps(series, *gap_finder_, report);
  check_series(series, ordering, options_, report);
  for (const QualityIssue& issue : report.issues) {
    switch (issue.severity) {
      case Severity::kInfo:
        ++report.info;
        break;
      case Severity::kWarning:
        ++report.warnings;
        break;
      case Severity::kError:
        ++report.errors;
        break;
    }
  }
  return report;
}

QualityReport QualityChecker::repair(BarSeries& series) const {
  QualityRepairs repairs;
  repairs.sorted = !series.is_sorted();
  BarSeries distinct(series.symbol(), series.timeframe());
  static_cast<void>(distinct.merge(series));  // same symbol and timeframe: cannot fail
  repairs.duplicates_removed = series.size() - distinct.size();

  BarSeries fixed(series.symbol(), series.timeframe());
  fixed.reserve(distinct.size());
  std::optional<Bar> previous;
  for (std::size_t i = 0; i < distinct.size(); ++i) {
    Bar bar = distinct[i];
    if (has_non_positive_price(bar)) {
      ++repairs.non_positive_dropped;
      continue;
    }
    if (has_nan(bar)) {
      if (!previous) {
        ++repairs.unfillable_dropped;
        continue;
      }
      for (double* field : {&bar.open, &bar.high, &bar.low, &bar.close}) {
        if (std::isnan(*field)) {
          *field = previous->close;
          ++repairs.values_filled;
        }
      }
      if (std::isnan(bar.volume)) {
        bar.volume = 0.0;
        ++repairs.values_filled;
      }
    }
    const double high = std::max({bar.high, bar.open, bar.close});
    const double low = std::min({bar.low, bar.open, bar.close});
    if (high != bar.high || low != bar.low) {
      bar.high = high;
      bar.low = low;
      ++repairs.bars_clamped;
    }
    fixed.append(bar);
    previous = bar;
  }
  series = std::move(fixed);
  QualityReport report = check(series);
  report.repairs = repairs;
  return report;
}

}  // namespace ktrdr::data
