#include "data_load.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "data_job_manager.hpp"
#include "data_progress.hpp"
#include "gap_finder.hpp"
#include "instrument.hpp"
#include "ktrdr/sdk/csv_bar_store.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "load_range.hpp"
#include "no_data_ledger.hpp"
#include "quality_checker.hpp"

namespace ktrdr::data {
namespace {

using std::chrono::sys_seconds;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kMaxGapDetails = 20;

[[noreturn]] void fail(Error error) { throw ErrorException(std::move(error)); }

template <class T>
T value_or_fail(Result<T> result) {
  if (!result) fail(std::move(result).error());
  return std::move(result).value();
}

void ok_or_fail(Result<void> result) {
  if (!result) fail(std::move(result).error());
}

std::string timeframe_list(const std::vector<Timeframe>& timeframes) {
  std::string text;
  for (const Timeframe tf : timeframes) text += (text.empty() ? "" : " ") + std::string(to_string(tf));
  return text.empty() ? "none" : text;
}

// Why a gap left after the load is still there.
std::string gap_reason(const GapRun& gap, const DataJobSummary& summary, LoadMode mode,
                       std::optional<sys_seconds> first_stored, const NoDataLedger* known_empty) {
  for (const SegmentOutcome& outcome : summary.outcomes) {
    if (outcome.segment.to <= gap.from || outcome.segment.from >= gap.to) continue;
    switch (outcome.state) {
      case JobState::kFailed:
        return "segment failed: " + (outcome.error ? outcome.error->message : "unknown error");
      case JobState::kCancelled: return "the load was cancelled before it was fetched";
      default: return "the provider has no data for it";
    }
  }
  const FetchRange asked[] = {{gap.from, gap.to}};
  if (known_empty && known_empty->subtract_from(asked).empty()) {
    return "the provider had no data for it when asked before";
  }
  if (mode == LoadMode::kLocal) return "local mode fetches nothing";
  if (first_stored && gap.from >= *first_stored && mode == LoadMode::kBackfill) {
    return "inside the stored data: backfill mode fills only before it (use tail or full)";
  }
  return "not requested";
}

// "the first, <from> to <to>: <its error>" — the first failed segment of a load, for messages.
std::string first_failure(const DataJobSummary& jobs) {
  const FailedRange& first = jobs.failed_ranges.front();
  return "the first, " + to_iso8601(first.range.from) + " to " + to_iso8601(first.range.to) + ": " +
         first.error.message;
}

// What completed segments showed to be empty: the segments that brought no bars, and the bars
// still missing inside the others (gaps and expected closures alike).
std::vector<FetchRange> answered_empty(const DataJobSummary& summary,
                                       const std::optional<GapReport>& missing) {
  std::vector<FetchRange> empty;
  for (const SegmentOutcome& outcome : summary.outcomes) {
    if (outcome.state != JobState::kCompleted) continue;
    if (outcome.bars == 0) empty.push_back({outcome.segment.from, outcome.segment.to});
    if (!missing) continue;
    for (const auto* runs : {&missing->gaps, &missing->expected_closures}) {
      for (const GapRun& run : *runs) {
        const sys_seconds from = std::max(run.from, outcome.segment.from);
        const sys_seconds to = std::min(run.to, outcome.segment.to);
        if (from < to) empty.push_back({from, to});
      }
    }
  }
  return empty;
}

// The figures a load reports, gathered as it goes; to_json() at any point gives the result (or
// the partial result of a load that stops).
struct LoadFigures {
  const LoadRequest* request = nullptr;
  std::string provider;
  std::string routing;
  std::string file;
  Clock::time_point started = Clock::now();
  std::optional<sys_seconds> head;
  std::optional<LoadRange> range;
  std::size_t rows_before = 0;
  std::size_t bars_before = 0;
  std::size_t bars_after = 0;
  std::size_t gaps_found = 0;
  std::size_t saves = 0;
  DataJobSummary jobs;
  std::vector<GapRun> gaps_left;
  std::vector<std::string> gap_reasons;
  std::optional<QualityReport> quality;
  std::vector<SourceReport> sources;  // the provider's source file, then the store's file

  Json to_json() const {
    Json range_json = Json::object();
    if (range) {
      range_json.set("start", to_iso8601(range->from)).set("end", to_iso8601(range->to));
      range_json.set("fetch_ranges", range->fetch.size());
    }
    if (head) range_json.set("head_timestamp", to_iso8601(*head));

    Json left = Json::array();
    for (std::size_t i = 0; i < gaps_left.size() && i < kMaxGapDetails; ++i) {
      const GapRun& run = gaps_left[i];
      Json gap = Json::object();
      gap.set("from", to_iso8601(run.from))
          .set("to", to_iso8601(run.to))
          .set("missing_bars", run.missing_bars)
          .set("classification", to_string(run.classification))
          .set("reason", gap_reasons[i]);
      left.push_back(gap);
    }
    Json gaps = Json::object();
    gaps.set("found", gaps_found)
        .set("filled", gaps_found > gaps_left.size() ? gaps_found - gaps_left.size() : 0)
        .set("left", gaps_left.size())
        .set("left_details", left);

    Json source_json = Json::array();
    for (const SourceReport& source : sources) source_json.push_back(source.to_json());

    const Json job_json = jobs.to_json();
    Json quality_json = Json::object();
    if (quality) {
      quality_json = quality->to_json();
      const Json counts = quality_json.at("counts");
      quality_json.set("info", counts.at("info"))
          .set("warning", counts.at("warning"))
          .set("error", counts.at("error"));
    }

    Json result = Json::object();
    result.set("symbol", request->symbol)
        .set("timeframe", to_string(request->timeframe))
        .set("mode", to_string(request->mode))
        .set("provider", provider)
        .set("routing", routing)
        .set("file", file)
        .set("range", range_json)
        .set("rows_before", rows_before)
        .set("bars_before", bars_before)
        .set("bars_after", bars_after)
        .set("bars_fetched", jobs.bars_fetched)
        .set("gaps", gaps)
        .set("segments", job_json.at("segments"))
        .set("provider_requests", jobs.requests)
        .set("retries", jobs.retries)
        .set("pacing_waits", jobs.pacing_waits)
        .set("pacing_waited_seconds", job_json.at("pacing_waited_seconds"))
        .set("saves", saves)
        .set("quality", quality_json)
        .set("sources", source_json)
        .set("duration_seconds", std::chrono::duration<double>(Clock::now() - started).count());
    return result;
  }
};

// The part of the load's range its mode answers for: backfill, up to the end of the stored bars;
// tail without a start, from their beginning; otherwise all of it.
TimeRange examined_range(const LoadRange& range, const BarSeries& stored, LoadMode mode,
                         bool start_given) {
  TimeRange examined{range.from, range.to};
  if (stored.empty()) return examined;
  if (mode == LoadMode::kBackfill) {
    examined.to = std::min(range.to, stored.timestamps().back() + duration(stored.timeframe()));
  }
  if (mode == LoadMode::kTail && !start_given) {
    examined.from = std::max(range.from, stored.timestamps().front());
  }
  return examined;
}

// What `series` lacks in `examined` (nullopt for 1w, a series with no bars, an empty range).
std::optional<GapReport> missing_in(const BarSeries& series, const GapFinder& finder,
                                    const TimeRange& examined) {
  if (series.empty() || duration(series.timeframe()) > std::chrono::days(1) ||
      examined.from >= examined.to) {
    return std::nullopt;
  }
  auto report = finder.find_gaps(series, std::nullopt, examined);
  if (!report) return std::nullopt;
  return std::move(report).value();
}

}  // namespace

DataLoad::DataLoad(LoadRequest request, std::shared_ptr<IbDataAdapter> adapter,
                   DataLoadOptions options)
    : request_(std::move(request)), adapter_(std::move(adapter)), options_(options) {}

Json DataLoad::run(OperationContext& context) {
  const CancellationToken& token = context.token();
  const LoadMode mode = request_.mode;
  const std::string& symbol = request_.symbol;
  const Timeframe tf = request_.timeframe;
  const bool fetches = mode != LoadMode::kLocal;
  if (fetches && !adapter_) fail(Error::internal("data.load has no adapter for mode " +
                                                 std::string(to_string(mode))));

  LoadFigures figures;
  figures.request = &request_;
  figures.provider = adapter_ ? adapter_->stats().provider : "store";
  figures.routing = adapter_ ? adapter_->mode() : "local";
  const DataProgress progress(context.reporter(), symbol, tf, mode, figures.provider);
  const CsvBarStore store(request_.data_dir);
  figures.file = value_or_fail(store.path_for(symbol, tf)).string();

  // Validate the symbol and timeframe with the provider (cached by the adapter).
  progress.enter(LoadStep::kValidate);
  Instrument instrument = request_.instrument.value_or(infer_instrument(symbol));
  if (fetches) {
    const ContractInfo contract = value_or_fail(adapter_->validate(symbol, token));
    if (std::find(contract.timeframes.begin(), contract.timeframes.end(), tf) ==
        contract.timeframes.end()) {
      fail(Error::invalid_argument(
          "the " + figures.provider + " provider has no " + std::string(to_string(tf)) +
              " bars for " + symbol + " (it has: " + timeframe_list(contract.timeframes) + ")",
          {{"field", "timeframe"}, {"value", std::string(to_string(tf))}}));
    }
    if (request_.instrument && *request_.instrument != contract.instrument) {
      fail(Error::invalid_argument(
          "`instrument` is " + std::string(to_string(*request_.instrument)) + " but the " +
              figures.provider + " provider lists " + symbol + " as " +
              std::string(to_string(contract.instrument)),
          {{"field", "instrument"}, {"value", std::string(to_string(*request_.instrument))}}));
    }
    instrument = contract.instrument;
  }

  // What a source file holds beyond its bars is reported, never dropped silently.
  const auto report_source = [&](SourceReport report) {
    for (const std::string& warning : report.warnings()) context.add_warning(warning);
    figures.sources.push_back(std::move(report));
  };

  progress.enter(LoadStep::kHeadTimestamp);
  if (fetches) {
    figures.head = value_or_fail(adapter_->head_timestamp(symbol, tf, token));
    if (auto report = value_or_fail(adapter_->source_report(symbol, tf, token))) {
      report_source(std::move(*report));
    }
  }

  // The store's series, sorted with one bar per timestamp (a load never keeps a file's duplicates).
  progress.enter(LoadStep::kReadStore);
  BarSeries series(symbol, tf);
  CsvReadInfo read_info;
  if (auto stored = store.read(symbol, tf, token, &read_info)) {
    figures.rows_before = stored->size();
    report_source(examine_source("store " + figures.file, *stored, read_info));
    ok_or_fail(series.merge(*stored));
  } else if (stored.error().code != ErrorCode::kNotFound) {
    fail(std::move(stored).error());
  }
  figures.bars_before = series.size();
  figures.bars_after = series.size();

  progress.enter(LoadStep::kResolveRange);
  const GapFinder finder(value_or_fail(calendar_of(instrument)));
  const sys_seconds head = figures.head.value_or(
      request_.start.value_or(series.empty() ? request_.end - duration(tf)
                                             : series.timestamps().front()));
  figures.range = value_or_fail(resolve_load_range(
      series, {.mode = mode, .start = request_.start, .end = request_.end, .head = head}, finder));
  LoadRange& range = *figures.range;
  // Ranges the provider answered empty before are not asked again.
  std::optional<NoDataLedger> ledger;
  if (fetches) {
    ledger = value_or_fail(NoDataLedger::load(request_.data_dir, symbol, tf, figures.provider));
    range.fetch = ledger->subtract_from(range.fetch);
  }

  progress.enter(LoadStep::kFindGaps);
  const TimeRange examined = examined_range(range, series, mode, request_.start.has_value());
  const auto missing_before = missing_in(series, finder, examined);
  figures.gaps_found = missing_before ? missing_before->gaps.size() : range.fetch.size();

  progress.enter(LoadStep::kPlanSegments);
  const std::vector<Segment> plan = plan_segments(
      range.fetch, {.timeframe = tf, .mode = mode, .backfill_before = range.first_stored});

  // Fetch, merging each segment's bars as it lands and saving now and then, so that a load that
  // stops keeps what it fetched. Saves take no token: a cancelled load still saves.
  const ProgressStep fetch_step = progress.enter(LoadStep::kFetch);
  std::size_t unsaved = 0;
  Clock::time_point last_save = Clock::now();
  const auto save = [&] {
    if (auto saved = store.save(series); !saved) fail(std::move(saved).error());
    unsaved = 0;
    ++figures.saves;
    last_save = Clock::now();
    figures.bars_after = series.size();
  };
  DataJobCallbacks callbacks;
  callbacks.on_segment = [&](const SegmentOutcome&, BarSeries&& bars) {
    if (bars.empty()) return;
    ok_or_fail(series.merge(bars));
    unsaved += bars.size();
    if (Clock::now() - last_save >= options_.save_interval) save();
  };
  callbacks.on_progress = [&](const DataJobProgress& p) {
    progress.fetching(fetch_step, p.current_segment, p.total_segments, p.bars_processed,
                      p.requests, p.pacing_waits, p.segment_fraction);
  };
  if (!plan.empty()) {
    figures.jobs = DataJobManager(adapter_, options_.jobs).run(symbol, tf, plan, token, callbacks);
  }
  // The gaps still there, why, and which of them the provider has now answered empty.
  const sys_seconds asked_at =
      std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const auto account_gaps = [&] {
    const auto missing_after = missing_in(series, finder, examined);
    figures.gaps_left = missing_after ? missing_after->gaps : std::vector<GapRun>{};
    figures.gap_reasons.clear();
    for (const GapRun& gap : figures.gaps_left) {
      figures.gap_reasons.push_back(gap_reason(gap, figures.jobs, mode, range.first_stored,
                                                  ledger ? &*ledger : nullptr));
    }
    if (!ledger || figures.jobs.outcomes.empty()) return;
    ledger->add(answered_empty(figures.jobs, missing_after), asked_at);
    if (auto saved = ledger->save(); !saved) context.add_warning(saved.error().message);
  };
  const auto stop = [&](const std::function<void()>& raise) {
    if (unsaved > 0) save();
    account_gaps();
    context.set_partial_result(figures.to_json());
    raise();
  };
  if (figures.jobs.cancelled || token.is_cancelled()) {
    stop([&] { token.throw_if_cancelled("data.load of " + symbol + " " + std::string(to_string(tf))); });
  }
  if (figures.jobs.abandoned) {
    const FailedRange& last = figures.jobs.failed_ranges.back();
    Error error = last.error;
    error.message = "the " + symbol + " " + std::string(to_string(tf)) + " load stopped after " +
                    std::to_string(DataJobManager::kMaxTransientFailuresInARow) +
                    " segments in a row failed (" + last.error.message + "); " +
                    std::to_string(figures.jobs.segments_ok) + " of " +
                    std::to_string(figures.jobs.segments_planned) +
                    " segments were fetched and saved";
    stop([&] { fail(std::move(error)); });
  }
  if (figures.jobs.segments_failed > 0 && figures.jobs.segments_ok == 0) {
    Error error = figures.jobs.failed_ranges.front().error;
    error.message = "every segment of the " + symbol + " " + std::string(to_string(tf)) +
                    " load failed (" + std::to_string(figures.jobs.segments_failed) + "); " +
                    first_failure(figures.jobs);
    stop([&] { fail(std::move(error)); });
  }
  for (const FailedRange& failed : figures.jobs.failed_ranges) {
    context.add_warning("segment " + to_iso8601(failed.range.from) + " to " +
                        to_iso8601(failed.range.to) + " failed: " + failed.error.message);
  }

  // Save what changed (repairs first when asked), then judge the quality of what is stored.
  progress.enter(LoadStep::kSave);
  const QualityChecker checker({}, finder);
  bool repaired = false;
  if (request_.repair) {
    figures.quality = checker.repair(series);
    repaired = figures.quality->repairs && figures.quality->repairs->total() > 0;
  }
  if (unsaved > 0 || repaired) save();
  figures.bars_after = series.size();

  progress.enter(LoadStep::kQuality);
  if (!figures.quality) figures.quality = checker.check(series);
  account_gaps();
  if (figures.quality->errors > 0) {
    context.add_warning(std::to_string(figures.quality->errors) +
                        " quality error(s) in the stored series; see quality in the result");
  }
  // A strict load is complete or failed: with segments missing it fails, its figures kept as
  // the partial result and every bar it fetched saved.
  if (request_.strict && figures.jobs.segments_failed > 0) {
    Error error = figures.jobs.failed_ranges.front().error;
    error.message = std::to_string(figures.jobs.segments_failed) + " of " +
                    std::to_string(figures.jobs.segments_planned) + " segments of the " + symbol +
                    " " + std::string(to_string(tf)) + " load failed; " +
                    first_failure(figures.jobs) + ". The bars of the " +
                    std::to_string(figures.jobs.segments_ok) +
                    " segment(s) fetched were saved; `strict: false` accepts a partial load";
    error.with("segments_failed", std::to_string(figures.jobs.segments_failed))
        .with("segments_planned", std::to_string(figures.jobs.segments_planned));
    context.set_partial_result(figures.to_json());
    fail(std::move(error));
  }
  return figures.to_json();
}

}  // namespace ktrdr::data
