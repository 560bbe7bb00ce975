// QualityChecker: row checks on the series as stored, time-series checks on its sorted distinct
// bars (rolling medians over a centred window, computed only where they can matter), the checks
// shared out between two threads for long series, and the repairs.
#include "quality_checker.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <cmath>
#include <exception>
#include <functional>
#include <iterator>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <system_error>
#include <thread>
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

constexpr double kInf = std::numeric_limits<double>::infinity();

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
// groups of rows sharing a timestamp. When the rows are already strictly ascending (the usual
// case) that order is the rows' own and `distinct` stays empty.
struct Ordering {
  bool in_row_order = false;                         // rows strictly ascending: distinct = 0..n-1
  std::size_t distinct_count = 0;                    // timestamps
  std::vector<std::size_t> distinct;                 // ascending by timestamp, unless in_row_order
  std::vector<std::vector<std::size_t>> duplicates;  // row indices per duplicated timestamp
};

Ordering order_rows(const BarSeries& series) {
  const auto ts = series.timestamps();
  Ordering out;
  if (std::adjacent_find(ts.begin(), ts.end(), std::greater_equal<>()) == ts.end()) {
    out.in_row_order = true;
    out.distinct_count = ts.size();
    return out;
  }
  std::vector<std::size_t> rows(series.size());
  std::iota(rows.begin(), rows.end(), std::size_t{0});
  if (!series.is_sorted()) {
    std::stable_sort(rows.begin(), rows.end(),
                     [&](std::size_t a, std::size_t b) { return ts[a] < ts[b]; });
  }
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
  out.distinct_count = out.distinct.size();
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
  const std::size_t extra_rows = series.size() - ordering.distinct_count;
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
  const auto opens = series.opens();
  const auto highs = series.highs();
  const auto lows = series.lows();
  const auto closes = series.closes();
  const auto volumes = series.volumes();
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Bar bar{ts[i], opens[i], highs[i], lows[i], closes[i], volumes[i]};
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

// The sorted distinct bars, column by column: the series' own columns when its rows are in
// order, else copies in timestamp order.
class DistinctBars {
 public:
  DistinctBars(const BarSeries& series, const Ordering& ordering) {
    if (ordering.in_row_order) {
      view(series.timestamps(), series.opens(), series.highs(), series.lows(), series.closes(),
           series.volumes());
      return;
    }
    const std::size_t n = ordering.distinct.size();
    timestamps_.resize(n);
    for (auto* column : {&opens_, &highs_, &lows_, &closes_, &volumes_}) column->resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const Bar bar = series[ordering.distinct[i]];
      timestamps_[i] = bar.timestamp;
      opens_[i] = bar.open;
      highs_[i] = bar.high;
      lows_[i] = bar.low;
      closes_[i] = bar.close;
      volumes_[i] = bar.volume;
    }
    view(timestamps_, opens_, highs_, lows_, closes_, volumes_);
  }
  DistinctBars(const DistinctBars&) = delete;
  DistinctBars& operator=(const DistinctBars&) = delete;

  std::size_t size() const noexcept { return timestamps.size(); }

  std::span<const sys_seconds> timestamps;
  std::span<const double> opens;
  std::span<const double> highs;
  std::span<const double> lows;
  std::span<const double> closes;
  std::span<const double> volumes;

 private:
  void view(std::span<const sys_seconds> t, std::span<const double> o, std::span<const double> h,
            std::span<const double> l, std::span<const double> c, std::span<const double> v) {
    timestamps = t;
    opens = o;
    highs = h;
    lows = l;
    closes = c;
    volumes = v;
  }

  std::vector<sys_seconds> timestamps_;
  std::vector<double> opens_;
  std::vector<double> highs_;
  std::vector<double> lows_;
  std::vector<double> closes_;
  std::vector<double> volumes_;
};

// Bounds of each window's finite values (the window of i being that of RollingMedian), cheap to
// look up: the values are cut into blocks of window / 2 + 1, and the bounds of a window are those
// of the (at most three) blocks it overlaps — a superset of the window, so its low is at most
// the window's lowest value and its high at least the highest. They let a check skip the windows
// whose median (being one of the values) cannot make a finding.
class WindowBounds {
 public:
  WindowBounds(std::span<const double> values, std::size_t window)
      : n_(values.size()), half_(std::max<std::size_t>(window, 1) / 2), block_(half_ + 1) {
    const std::size_t blocks = (n_ + block_ - 1) / block_;
    low_.assign(blocks, kInf);
    high_.assign(blocks, -kInf);
    positive_low_.assign(blocks, kInf);
    for (std::size_t i = 0; i < n_; ++i) {
      const double v = values[i];
      if (!std::isfinite(v)) continue;
      const std::size_t b = i / block_;
      low_[b] = std::min(low_[b], v);
      high_[b] = std::max(high_[b], v);
      if (v > 0.0) positive_low_[b] = std::min(positive_low_[b], v);
    }
  }

  struct Bounds {
    double low = kInf;           // +inf when the blocks hold no finite value
    double high = -kInf;         // -inf then
    double positive_low = kInf;  // of the values > 0; +inf when there are none
  };

  // Precondition: i < the number of values.
  Bounds around(std::size_t i) const noexcept {
    const std::size_t first = i >= half_ ? i - half_ : 0;
    const std::size_t last = n_ - 1 - i <= half_ ? n_ - 1 : i + half_;
    Bounds out;
    for (std::size_t b = first / block_; b <= last / block_; ++b) {
      out.low = std::min(out.low, low_[b]);
      out.high = std::max(out.high, high_[b]);
      out.positive_low = std::min(out.positive_low, positive_low_[b]);
    }
    return out;
  }

 private:
  std::size_t n_;
  std::size_t half_;
  std::size_t block_;
  std::vector<double> low_;
  std::vector<double> high_;
  std::vector<double> positive_low_;
};

// The time-series checks' findings over the sorted distinct bars; each check is a separate step
// (they may run on different threads), reported in a fixed order. The rolling-median checks
// compute a window's median (and MAD) only where a cheap necessary condition for a finding
// holds; elsewhere the finding is ruled out whatever the median, so the results are those of
// computing every window.
class SeriesChecks {
 public:
  SeriesChecks(const DistinctBars& bars, const QualityOptions& options, Timeframe timeframe)
      : bars_(bars),
        options_(options),
        move_limit_(is_daily_or_longer(timeframe) ? options.extreme_move_daily
                                                  : options.extreme_move_intraday),
        outliers_(options.max_samples),
        spikes_(options.max_samples),
        zero_bars_(options.max_samples),
        zero_runs_(options.max_samples),
        volume_spikes_(options.max_samples),
        moves_(options.max_samples) {}

  // A close further than outlier_mad_threshold × max(MAD, kMinMadFraction × |median|) from the
  // rolling median close. With the window's finite closes in [low, high], the median lies there
  // too, so |close - median| <= max(|close - low|, |close - high|), and |median| >= low when
  // low > 0 (>= -high when high < 0): a close within threshold × kMinMadFraction × that of both
  // bounds is no outlier (rounding is monotonic, and the threshold >= 0). A NaN close never is.
  void find_outliers() {
    const double threshold = options_.outlier_mad_threshold;
    const bool prune = threshold >= 0.0;
    RollingMedian rolling(bars_.closes, options_.window);
    std::optional<WindowBounds> bounds;
    if (prune) bounds.emplace(bars_.closes, options_.window);
    for (std::size_t i = 0; i < bars_.size(); ++i) {
      const double close = bars_.closes[i];
      if (prune) {
        const WindowBounds::Bounds b = bounds->around(i);
        if (!(b.low <= b.high)) continue;  // no finite close: the median is NaN
        const double least_size = b.low > 0.0 ? b.low : (b.high < 0.0 ? -b.high : 0.0);
        const double farthest = std::max(std::abs(close - b.low), std::abs(close - b.high));
        if (!(farthest > threshold * (kMinMadFraction * least_size))) continue;
      }
      rolling.seek(i);
      const double med = rolling.median();
      const double scale = std::max(rolling.mad(), kMinMadFraction * std::abs(med));
      if (std::abs(close - med) > threshold * scale) outliers_.add(bars_.timestamps[i]);
    }
  }

  // A wick over spike_range_factor rolling median ranges (high - low) and over
  // spike_min_fraction of the close. The second test needs no median: it goes first, and the
  // ranges are built only if a bar passes it.
  void find_spikes() {
    const std::size_t n = bars_.size();
    std::vector<double> ranges;
    std::optional<RollingMedian> rolling;
    for (std::size_t i = 0; i < n; ++i) {
      const double open = bars_.opens[i];
      const double close = bars_.closes[i];
      const double wick =
          std::max(bars_.highs[i] - std::max(open, close), std::min(open, close) - bars_.lows[i]);
      if (!(wick > options_.spike_min_fraction * std::abs(close))) continue;
      if (!rolling) {
        ranges.resize(n);
        for (std::size_t k = 0; k < n; ++k) ranges[k] = bars_.highs[k] - bars_.lows[k];
        rolling.emplace(ranges, options_.window);
      }
      rolling->seek(i);
      if (wick > options_.spike_range_factor * rolling->median()) {
        spikes_.add(bars_.timestamps[i]);
      }
    }
  }

  // A volume over volume_spike_factor times a positive rolling median volume. A positive median
  // is one of the window's positive volumes, so at least the least of them: with the factor
  // >= 0, a volume at most factor × that least positive volume is no spike, nor is any volume
  // in a window without a positive one.
  void find_volume_spikes() {
    const double factor = options_.volume_spike_factor;
    const bool prune = factor >= 0.0;
    RollingMedian rolling(bars_.volumes, options_.window);
    std::optional<WindowBounds> bounds;
    if (prune) bounds.emplace(bars_.volumes, options_.window);
    for (std::size_t i = 0; i < bars_.size(); ++i) {
      const double volume = bars_.volumes[i];
      if (prune && !(volume > factor * bounds->around(i).positive_low)) continue;
      rolling.seek(i);
      const double volume_median = rolling.median();
      if (volume_median > 0.0 && volume > factor * volume_median) {
        volume_spikes_.add(bars_.timestamps[i]);
      }
    }
  }

  // Zero-volume bars and runs; |log return| of the close over the move limit.
  void find_zero_volume_and_moves() {
    const std::size_t n = bars_.size();
    std::size_t run_length = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (bars_.volumes[i] == 0.0) {
        zero_bars_.add(bars_.timestamps[i]);
        ++run_length;
        if (run_length == options_.zero_volume_run_min) {
          zero_runs_.add(bars_.timestamps[i + 1 - run_length]);
          zero_run_bars_ += run_length;
        } else if (run_length > options_.zero_volume_run_min) {
          ++zero_run_bars_;
        }
      } else {
        run_length = 0;
      }
    }
    // |log(r)| > limit only outside [1 / e^limit, e^limit]: ratios well inside that band (by a
    // margin far above log's rounding error) skip the logarithm; the others take it.
    const double band = std::exp(move_limit_);
    const double inside_high = band * (1.0 - 1e-9);
    const double inside_low = (1.0 + 1e-9) / band;
    for (std::size_t i = 1; i < n; ++i) {
      const double previous = bars_.closes[i - 1];
      const double close = bars_.closes[i];
      if (!(previous > 0.0 && close > 0.0)) continue;
      const double ratio = close / previous;
      if (ratio > inside_low && ratio < inside_high) continue;
      if (std::abs(std::log(ratio)) > move_limit_) moves_.add(bars_.timestamps[i]);
    }
  }

  // The last bar, when its volume is under partial_last_bar_fraction of the median volume of the
  // partial_last_bar_window bars before it (a positive median of a full window): a bar cut
  // short, e.g. one exported while its session was still trading.
  void find_partial_last_bar() {
    const std::size_t window = options_.partial_last_bar_window;
    if (window == 0 || bars_.size() <= window) return;
    const std::size_t last = bars_.size() - 1;
    std::vector<double> before(bars_.volumes.begin() + static_cast<std::ptrdiff_t>(last - window),
                               bars_.volumes.begin() + static_cast<std::ptrdiff_t>(last));
    std::erase_if(before, [](double v) { return std::isnan(v); });
    if (before.empty()) return;
    const auto middle = before.begin() + static_cast<std::ptrdiff_t>(before.size() / 2);
    std::nth_element(before.begin(), middle, before.end());
    partial_median_ = *middle;
    if (partial_median_ > 0.0 &&
        bars_.volumes[last] < options_.partial_last_bar_fraction * partial_median_) {
      partial_last_.add(bars_.timestamps[last]);
    }
  }

  void report_to(QualityReport& report) {
    partial_last_.report_to(
        report, "partial_last_bar", Severity::kWarning,
        "the last bar, " + (bars_.size() > 0 ? to_iso8601(bars_.timestamps[bars_.size() - 1])
                                            : std::string()) +
            ", has volume " + number_text(bars_.size() > 0 ? bars_.volumes[bars_.size() - 1] : 0) +
            ", under " + number_text(options_.partial_last_bar_fraction) +
            " of the median volume " + number_text(partial_median_) + " of the " +
            std::to_string(options_.partial_last_bar_window) +
            " bars before it: probably a partial bar");
    outliers_.report_to(report, "price_outliers", Severity::kWarning,
                        std::to_string(outliers_.count()) + " closes lie over " +
                            number_text(options_.outlier_mad_threshold) +
                            " rolling MADs from the rolling median close");
    spikes_.report_to(report, "candle_spikes", Severity::kWarning,
                      std::to_string(spikes_.count()) +
                          " bars have a high or low far outside the " + "candle body (over " +
                          number_text(options_.spike_range_factor) + " rolling median ranges)");
    zero_bars_.report_to(report, "zero_volume_bars", Severity::kInfo,
                         std::to_string(zero_bars_.count()) + " bars have zero volume");
    zero_runs_.report_to(report, "zero_volume_runs", Severity::kWarning,
                         std::to_string(zero_runs_.count()) + " runs of " +
                             std::to_string(options_.zero_volume_run_min) +
                             " or more zero-volume bars (" + std::to_string(zero_run_bars_) +
                             " bars)");
    volume_spikes_.report_to(report, "volume_spikes", Severity::kInfo,
                             std::to_string(volume_spikes_.count()) + " bars have over " +
                                 number_text(options_.volume_spike_factor) +
                                 " times the rolling median volume");
    moves_.report_to(report, "extreme_moves", Severity::kWarning,
                     std::to_string(moves_.count()) + " close-to-close moves exceed |log return| " +
                         number_text(move_limit_));
  }

 private:
  const DistinctBars& bars_;
  const QualityOptions& options_;
  double move_limit_;
  Finding outliers_;
  Finding spikes_;
  Finding zero_bars_;
  Finding zero_runs_;
  Finding volume_spikes_;
  Finding moves_;
  Finding partial_last_{1};
  double partial_median_ = 0.0;
  std::size_t zero_run_bars_ = 0;
};

// Series at least this long are checked on two threads (when the machine has two cores).
constexpr std::size_t kParallelMinBars = 16384;

// Runs every task once: here and, when `parallel`, on one more thread (here alone when none can
// be started), each taking the next task nobody has taken, so the longest should come first.
// Waits for all, then rethrows the first exception a task threw.
template <std::size_t N>
void run_tasks(bool parallel, const std::array<std::function<void()>, N>& tasks) {
  std::atomic<std::size_t> next{0};
  std::exception_ptr failed[2];
  auto work = [&](std::exception_ptr& failure) {
    for (std::size_t k = next++; k < N; k = next++) {
      try {
        tasks[k]();
      } catch (...) {
        if (!failure) failure = std::current_exception();
      }
    }
  };
  std::optional<std::thread> helper;
  if (parallel) {
    try {
      helper.emplace(work, std::ref(failed[1]));
    } catch (const std::system_error&) {
      helper.reset();
    }
  }
  work(failed[0]);
  if (helper) helper->join();
  for (const std::exception_ptr& failure : failed) {
    if (failure) std::rethrow_exception(failure);
  }
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
  const DistinctBars bars(series, ordering);
  SeriesChecks series_checks(bars, options_, series.timeframe());
  // The checks as tasks, longest first, each writing only its own findings; reported below in
  // a fixed order: duplicates and rows, gaps, the series checks.
  QualityReport row_part;
  QualityReport gap_part;
  const std::array<std::function<void()>, 6> tasks{
      [&] {
        if (gap_finder_) check_gaps(series, *gap_finder_, gap_part);
      },
      [&] { series_checks.find_outliers(); },
      [&] { series_checks.find_volume_spikes(); },
      [&] { series_checks.find_spikes(); },
      [&] {
        check_duplicates(series, ordering, options_, row_part);
        check_rows(series, options_, row_part);
      },
      [&] {
        series_checks.find_zero_volume_and_moves();
        series_checks.find_partial_last_bar();
      },
  };
  static const bool two_cores = std::thread::hardware_concurrency() > 1;
  run_tasks(two_cores && series.size() >= kParallelMinBars, tasks);
  report.issues = std::move(row_part.issues);
  std::move(gap_part.issues.begin(), gap_part.issues.end(), std::back_inserter(report.issues));
  report.gap_report = std::move(gap_part.gap_report);
  series_checks.report_to(report);
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
