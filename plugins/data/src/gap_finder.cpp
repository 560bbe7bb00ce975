// GapFinder: a linear merge of the calendar's expected open times with the series' own, then a
// classification of each missing bar and of each run of them.
#include "gap_finder.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr::data {
namespace {

using std::chrono::days;
using std::chrono::seconds;
using std::chrono::sys_days;
using std::chrono::sys_seconds;
using std::chrono::year_month_day;

// A session and the trading date it belongs to.
struct DatedSession {
  year_month_day day;
  Session session;
};

// Finds the session containing an instant, remembering the last one found: missing bars come in
// ascending runs, so most lookups hit the cache.
class SessionLocator {
 public:
  explicit SessionLocator(const TradingCalendar& calendar) : calendar_(calendar) {}

  // The session containing `t`, or nullopt when the market is closed then. Sessions last at
  // most a day, so the one containing t belongs to t's UTC date or a neighbour.
  std::optional<DatedSession> at(sys_seconds t) {
    if (last_ && last_->session.open <= t && t < last_->session.close) return last_;
    const sys_days utc_day = std::chrono::floor<days>(t);
    for (const days shift : {days{0}, days{1}, days{-1}}) {
      const year_month_day day{utc_day + shift};
      const std::optional<Session> session = calendar_.session(day);
      if (session && session->open <= t && t < session->close) {
        last_ = DatedSession{day, *session};
        return last_;
      }
    }
    return std::nullopt;
  }

 private:
  const TradingCalendar& calendar_;
  std::optional<DatedSession> last_;
};

bool is_fx_holiday(year_month_day day) {
  const unsigned m = static_cast<unsigned>(day.month());
  const unsigned d = static_cast<unsigned>(day.day());
  return (m == 12 && (d == 24 || d == 25 || d == 26 || d == 31)) || (m == 1 && (d == 1 || d == 2));
}

// The distinct timestamps of `series` in [from, to), ascending.
std::vector<sys_seconds> distinct_sorted(const BarSeries& series, sys_seconds from,
                                         sys_seconds to) {
  std::vector<sys_seconds> out;
  out.reserve(series.size());
  for (const sys_seconds t : series.timestamps()) {
    if (from <= t && t < to) out.push_back(t);
  }
  if (!series.is_sorted()) std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The classifier of missing bars, with what it needs to know about the expected bars around them.
class Classifier {
 public:
  Classifier(const TradingCalendar& calendar, const GapFinderOptions& options,
             const TimeZone* week_open_zone, seconds timeframe, const BarAlignment& alignment,
             const std::vector<sys_seconds>& expected)
      : calendar_(calendar),
        options_(options),
        week_open_zone_(week_open_zone),
        timeframe_(timeframe),
        alignment_(alignment),
        expected_(expected),
        locator_(calendar),
        daily_(timeframe >= days{1}) {}

  // The expected-closure class of the missing expected bar `i`, if it is one. `previous` is the
  // class given to bar i − 1 when that bar is missing too. Call in ascending order of i.
  std::optional<GapClass> closure_of(std::size_t i, std::optional<GapClass> previous) {
    const sys_seconds t = expected_[i];
    if (daily_) {
      const year_month_day day{std::chrono::floor<days>(t)};
      if (calendar_.market() == Market::kFx && options_.fx_holidays_expected &&
          is_fx_holiday(day)) {
        return GapClass::kFxHoliday;
      }
      return std::nullopt;
    }
    const std::optional<DatedSession> at = locator_.at(t);
    if (!at) return std::nullopt;
    if (calendar_.market() == Market::kUsEquity && options_.early_close_partial_expected &&
        at->session.early_close && t + timeframe_ > at->session.close) {
      return GapClass::kEarlyClosePartial;
    }
    if (calendar_.market() != Market::kFx) return std::nullopt;
    if (options_.fx_holidays_expected && is_fx_holiday(at->day)) return GapClass::kFxHoliday;
    // The vendor opens the week at the first midnight of its zone at or after the session open:
    // the missing bars before it, from the open on, are its late open.
    if (week_open_zone_ == nullptr) return std::nullopt;
    const bool week_open = !calendar_.is_trading_day(year_month_day{sys_days{at->day} - days{1}});
    if (week_open && t < week_open_zone_->midnight_at_or_after(at->session.open)) {
      const bool first_of_session = i == 0 ? true : expected_[i - 1] < at->session.open;
      if (first_of_session || previous == GapClass::kVendorWeekOpen) {
        return GapClass::kVendorWeekOpen;
      }
    }
    return std::nullopt;
  }

  // The class of a real gap over expected bars [first, last].
  GapClass gap_class_of(std::size_t first, std::size_t last) {
    if (daily_) return GapClass::kSession;
    const std::optional<DatedSession> head = locator_.at(expected_[first]);
    const std::optional<DatedSession> tail = locator_.at(expected_[last]);
    if (!head || !tail) return GapClass::kMissing;
    const bool starts_session = first == 0 ? no_bars_between(head->session.open, expected_[first])
                                           : expected_[first - 1] < head->session.open;
    const bool ends_session =
        last + 1 == expected_.size()
            ? no_bars_between(expected_[last] + seconds{1}, tail->session.close)
            : expected_[last + 1] >= tail->session.close;
    if (starts_session && ends_session) return GapClass::kSession;
    if (head->session == tail->session) return GapClass::kIntraday;
    return GapClass::kMissing;
  }

 private:
  // Whether the calendar expects no bar in [from, to) (used at the edges of the range examined).
  bool no_bars_between(sys_seconds from, sys_seconds to) const {
    if (from >= to) return true;
    const auto bars = calendar_.expected_bars(from, to, timeframe_, alignment_);
    return bars.ok() && bars.value().empty();
  }

  const TradingCalendar& calendar_;
  const GapFinderOptions& options_;
  const TimeZone* week_open_zone_;  // nullptr: no vendor week open is excused
  seconds timeframe_;
  const BarAlignment& alignment_;
  const std::vector<sys_seconds>& expected_;
  SessionLocator locator_;
  bool daily_;
};

Json run_json(const GapRun& run) {
  Json out = Json::object();
  out.set("from", to_iso8601(run.from));
  out.set("to", to_iso8601(run.to));
  out.set("missing_bars", run.missing_bars);
  out.set("classification", to_string(run.classification));
  return out;
}

}  // namespace

std::string_view to_string(GapClass gap_class) noexcept {
  switch (gap_class) {
    case GapClass::kIntraday:
      return "intraday";
    case GapClass::kSession:
      return "session";
    case GapClass::kMissing:
      return "missing";
    case GapClass::kEarlyClosePartial:
      return "early_close_partial";
    case GapClass::kFxHoliday:
      return "fx_holiday";
    case GapClass::kVendorWeekOpen:
      return "vendor_week_open";
  }
  return "missing";
}

bool is_expected_closure(GapClass gap_class) noexcept {
  return gap_class == GapClass::kEarlyClosePartial || gap_class == GapClass::kFxHoliday ||
         gap_class == GapClass::kVendorWeekOpen;
}

Json GapReport::to_json() const {
  Json out = Json::object();
  Json align = Json::object();
  align.set("anchor",
            alignment.anchor == BarAlignment::Anchor::kSessionOpen ? "session_open" : "clock");
  align.set("offset_seconds", static_cast<std::int64_t>(alignment.offset.count()));
  out.set("alignment", align);
  out.set("from", to_iso8601(from));
  out.set("to", to_iso8601(to));
  out.set("expected_bars", expected_bars);
  out.set("present_bars", present_bars);
  out.set("missing_bars", missing_bars);
  out.set("expected_closure_bars", expected_closure_bars);
  Json gap_list = Json::array();
  for (const GapRun& run : gaps) gap_list.push_back(run_json(run));
  out.set("gaps", gap_list);
  Json closure_list = Json::array();
  for (const GapRun& run : expected_closures) closure_list.push_back(run_json(run));
  out.set("expected_closures", closure_list);
  out.set("unexpected_bars", unexpected_bars);
  std::vector<std::string> samples;
  samples.reserve(unexpected_samples.size());
  for (const sys_seconds t : unexpected_samples) samples.push_back(to_iso8601(t));
  out.set("unexpected_samples", samples);
  return out;
}

GapFinder::GapFinder(TradingCalendar calendar, GapFinderOptions options)
    : calendar_(std::move(calendar)), options_(std::move(options)) {
  if (options_.vendor_week_open_zone.empty()) return;
  Result<TimeZone> zone = TimeZone::named(options_.vendor_week_open_zone);
  if (zone.ok()) {
    week_open_zone_ = std::move(zone).value();
  } else {
    options_error_ = std::move(zone).error().with("field", "vendor_week_open_zone");
  }
}

Result<GapReport> GapFinder::find_gaps(const BarSeries& series,
                                       std::optional<BarAlignment> alignment,
                                       std::optional<TimeRange> range) const {
  if (options_error_) return *options_error_;
  const seconds timeframe = duration(series.timeframe());
  if (timeframe > days{1}) {
    return Error::invalid_argument(
        "gap finding supports timeframes up to 1d, not " +
            std::string(to_string(series.timeframe())),
        {{"field", "timeframe"}, {"value", std::string(to_string(series.timeframe()))}});
  }
  if (range && range->from > range->to) {
    return Error::invalid_argument(
        "gap range starts after it ends",
        {{"from", to_iso8601(range->from)}, {"to", to_iso8601(range->to)}});
  }
  GapReport report;
  if (series.empty() && !range) {
    report.alignment = alignment.value_or(BarAlignment{});
    return report;
  }
  if (!alignment) {
    Result<BarAlignment> inferred = calendar_.infer_alignment(series.timestamps(), timeframe);
    if (!inferred.ok()) return std::move(inferred).error();
    alignment = inferred.value();
  }
  report.alignment = *alignment;
  if (range) {
    report.from = range->from;
    report.to = range->to;
  } else {
    const auto [lo, hi] =
        std::minmax_element(series.timestamps().begin(), series.timestamps().end());
    report.from = *lo;
    report.to = *hi + seconds{1};
  }

  Result<std::vector<sys_seconds>> expected_result =
      calendar_.expected_bars(report.from, report.to, timeframe, *alignment);
  if (!expected_result.ok()) return std::move(expected_result).error();
  const std::vector<sys_seconds>& expected = expected_result.value();
  const std::vector<sys_seconds> present = distinct_sorted(series, report.from, report.to);
  report.expected_bars = expected.size();

  Classifier classifier(calendar_, options_, week_open_zone_ ? &*week_open_zone_ : nullptr,
                        timeframe, *alignment, expected);
  // The open run, if in_run: its first expected index and its closure class (nullopt for a real
  // gap).
  bool in_run = false;
  std::size_t run_first = 0;
  std::optional<GapClass> run_closure;
  auto close_run = [&](std::size_t end) {
    if (!in_run) return;
    const std::size_t first = run_first;
    GapRun run{expected[first], expected[end - 1] + timeframe, end - first, GapClass::kMissing};
    if (run_closure) {
      run.classification = *run_closure;
      report.expected_closure_bars += run.missing_bars;
      report.expected_closures.push_back(run);
    } else {
      run.classification = classifier.gap_class_of(first, end - 1);
      report.missing_bars += run.missing_bars;
      report.gaps.push_back(run);
    }
    in_run = false;
  };

  std::size_t j = 0;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    while (j < present.size() && present[j] < expected[i]) {
      if (report.unexpected_samples.size() < options_.max_samples) {
        report.unexpected_samples.push_back(present[j]);
      }
      ++report.unexpected_bars;
      ++j;
    }
    if (j < present.size() && present[j] == expected[i]) {
      ++report.present_bars;
      ++j;
      close_run(i);
      continue;
    }
    const std::optional<GapClass> closure =
        classifier.closure_of(i, in_run ? run_closure : std::nullopt);
    if (in_run && closure != run_closure) close_run(i);
    if (!in_run) {
      in_run = true;
      run_first = i;
      run_closure = closure;
    }
  }
  close_run(expected.size());
  for (; j < present.size(); ++j) {
    if (report.unexpected_samples.size() < options_.max_samples) {
      report.unexpected_samples.push_back(present[j]);
    }
    ++report.unexpected_bars;
  }
  return report;
}

}  // namespace ktrdr::data
