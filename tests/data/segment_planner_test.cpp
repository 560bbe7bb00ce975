#include "segment_planner.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <vector>

using namespace ktrdr;
using namespace ktrdr::data;
using namespace std::chrono;
using namespace std::chrono_literals;

namespace {

sys_seconds at_midnight(year_month_day date) { return sys_seconds{sys_days{date}}; }

std::vector<Segment> plan(std::vector<FetchRange> ranges, Timeframe tf, LoadMode mode,
                          bool merge = true) {
  return plan_segments(ranges,
                       SegmentPlanOptions{.timeframe = tf, .mode = mode, .merge_nearby = merge});
}

// The union of half-open intervals as sorted, disjoint, non-touching intervals.
std::vector<FetchRange> union_of(std::vector<FetchRange> parts) {
  std::sort(parts.begin(), parts.end(),
            [](const FetchRange& a, const FetchRange& b) { return a.from < b.from; });
  std::vector<FetchRange> out;
  for (const FetchRange& p : parts) {
    if (p.from >= p.to) continue;
    if (!out.empty() && p.from <= out.back().to) {
      out.back().to = std::max(out.back().to, p.to);
    } else {
      out.push_back(p);
    }
  }
  return out;
}

std::vector<FetchRange> as_ranges(const std::vector<Segment>& segments) {
  std::vector<FetchRange> out;
  for (const Segment& s : segments) out.push_back(FetchRange{s.from, s.to});
  return out;
}

}  // namespace

TEST_CASE("load modes are parsed and named", "[data][segments]") {
  for (const LoadMode mode :
       {LoadMode::kLocal, LoadMode::kTail, LoadMode::kBackfill, LoadMode::kFull}) {
    CHECK(parse_load_mode(to_string(mode)).value() == mode);
  }
  const auto bad = parse_load_mode("Tail");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kInvalidArgument);
  CHECK(bad.error().get("value") == "Tail");
  CHECK(bad.error().get("field") == "mode");
}

TEST_CASE("two years of 1h bars are planned as 30-day segments", "[data][segments]") {
  const sys_seconds start = at_midnight(2023y / 1 / 1);
  const sys_seconds end = at_midnight(2025y / 1 / 1);  // 731 days: 24 full segments and 11 days
  const std::vector<FetchRange> ranges{{start, end}};

  SECTION("backfill cuts forwards from the start, oldest first") {
    const auto segments = plan(ranges, Timeframe::k1h, LoadMode::kBackfill);
    REQUIRE(segments.size() == 25);
    for (std::size_t i = 0; i < 24; ++i) {
      CHECK(segments[i] == Segment{start + days(30 * i), start + days(30 * (i + 1)), i});
    }
    CHECK(segments[24] == Segment{start + days(720), end, 24});
  }
  SECTION("tail cuts backwards from the end, newest first") {
    const auto segments = plan(ranges, Timeframe::k1h, LoadMode::kTail);
    REQUIRE(segments.size() == 25);
    for (std::size_t i = 0; i < 24; ++i) {
      CHECK(segments[i] == Segment{end - days(30 * (i + 1)), end - days(30 * i), i});
    }
    CHECK(segments[24] == Segment{start, end - days(720), 24});
  }
}

TEST_CASE("three days of 1m bars are planned as 1-day segments", "[data][segments]") {
  const sys_seconds start = at_midnight(2024y / 3 / 4);
  const std::vector<FetchRange> ranges{{start, start + days(3)}};
  CHECK(plan(ranges, Timeframe::k1m, LoadMode::kTail) ==
        std::vector<Segment>{{start + days(2), start + days(3), 0},
                             {start + days(1), start + days(2), 1},
                             {start, start + days(1), 2}});
  CHECK(plan(ranges, Timeframe::k1m, LoadMode::kBackfill) ==
        std::vector<Segment>{{start, start + days(1), 0},
                             {start + days(1), start + days(2), 1},
                             {start + days(2), start + days(3), 2}});
}

TEST_CASE("local mode plans nothing", "[data][segments]") {
  const sys_seconds start = at_midnight(2024y / 1 / 1);
  CHECK(plan({{start, start + days(400)}}, Timeframe::k1h, LoadMode::kLocal).empty());
}

TEST_CASE("empty input and empty ranges plan nothing", "[data][segments]") {
  const sys_seconds start = at_midnight(2024y / 1 / 1);
  CHECK(plan({}, Timeframe::k1h, LoadMode::kTail).empty());
  CHECK(plan({{start, start}, {start + 1h, start}}, Timeframe::k1h, LoadMode::kFull).empty());
}

TEST_CASE("a range shorter than a segment is one segment", "[data][segments]") {
  const sys_seconds start = at_midnight(2024y / 6 / 3) + 13h;
  for (const LoadMode mode : {LoadMode::kTail, LoadMode::kBackfill, LoadMode::kFull}) {
    CHECK(plan({{start, start + 3h}}, Timeframe::k1h, mode) ==
          std::vector<Segment>{{start, start + 3h, 0}});
  }
}

TEST_CASE("segments are ordered by mode", "[data][segments]") {
  const sys_seconds t0 = at_midnight(2024y / 1 / 1);
  // Three holes far enough apart (> 1 day) that 1m segments never merge them.
  const std::vector<FetchRange> ranges{
      {t0 + days(10), t0 + days(10) + 2h}, {t0, t0 + days(2)}, {t0 + days(5), t0 + days(6)}};

  SECTION("tail: newest first") {
    const auto segments = plan(ranges, Timeframe::k1m, LoadMode::kTail);
    REQUIRE(segments.size() == 4);
    for (std::size_t i = 1; i < segments.size(); ++i) {
      CHECK(segments[i].to <= segments[i - 1].from);
      CHECK(segments[i].index == i);
    }
    CHECK(segments.front().to == t0 + days(10) + 2h);
  }
  SECTION("backfill: oldest first") {
    const auto segments = plan(ranges, Timeframe::k1m, LoadMode::kBackfill);
    REQUIRE(segments.size() == 4);
    for (std::size_t i = 1; i < segments.size(); ++i) {
      CHECK(segments[i].from >= segments[i - 1].to);
    }
    CHECK(segments.front().from == t0);
  }
  SECTION("full: the tail newest first, then the backfill oldest first") {
    const auto segments =
        plan_segments(ranges, SegmentPlanOptions{.timeframe = Timeframe::k1m,
                                                 .mode = LoadMode::kFull,
                                                 .backfill_before = t0 + days(5)});
    CHECK(segments == std::vector<Segment>{{t0 + days(10), t0 + days(10) + 2h, 0},
                                           {t0 + days(5), t0 + days(6), 1},
                                           {t0, t0 + days(1), 2},
                                           {t0 + days(1), t0 + days(2), 3}});
  }
  SECTION("full splits a range that crosses the first stored bar") {
    const auto segments = plan_segments(
        std::vector<FetchRange>{{t0, t0 + days(2)}},
        SegmentPlanOptions{
            .timeframe = Timeframe::k1m, .mode = LoadMode::kFull, .backfill_before = t0 + 12h});
    CHECK(segments == std::vector<Segment>{{t0 + days(1), t0 + days(2), 0},
                                           {t0 + 12h, t0 + days(1), 1},
                                           {t0, t0 + 12h, 2}});
  }
  SECTION("full without stored data is all tail") {
    CHECK(plan(ranges, Timeframe::k1m, LoadMode::kFull) ==
          plan(ranges, Timeframe::k1m, LoadMode::kTail));
  }
}

TEST_CASE("nearby ranges are merged only when that saves requests", "[data][segments]") {
  const sys_seconds t0 = at_midnight(2024y / 2 / 1);

  SECTION("two small holes ten days apart become one 1h request") {
    const std::vector<FetchRange> holes{{t0, t0 + 2h}, {t0 + days(10), t0 + days(10) + 3h}};
    CHECK(plan(holes, Timeframe::k1h, LoadMode::kTail) ==
          std::vector<Segment>{{t0, t0 + days(10) + 3h, 0}});
    CHECK(plan(holes, Timeframe::k1h, LoadMode::kTail, /*merge=*/false).size() == 2);
  }
  SECTION("holes a segment or more apart stay apart") {
    const std::vector<FetchRange> holes{{t0, t0 + 2h}, {t0 + 2h + days(30), t0 + days(31)}};
    CHECK(plan(holes, Timeframe::k1h, LoadMode::kBackfill).size() == 2);
  }
  SECTION("a merge that would not reduce the request count is not made") {
    const std::vector<FetchRange> ranges{{t0, t0 + days(20)}, {t0 + days(25), t0 + days(45)}};
    CHECK(plan(ranges, Timeframe::k1h, LoadMode::kBackfill) ==
          std::vector<Segment>{{t0, t0 + days(20), 0}, {t0 + days(25), t0 + days(45), 1}});
  }
  SECTION("a run of holes is merged greedily up to the maximum") {
    std::vector<FetchRange> holes;
    for (int i = 0; i < 4; ++i) holes.push_back({t0 + days(10 * i), t0 + days(10 * i) + 1h});
    // 0, 10 and 20 days fit one 30-day request; 30 days + 1 h would need two, so it stays apart.
    CHECK(
        plan(holes, Timeframe::k1h, LoadMode::kBackfill) ==
        std::vector<Segment>{{t0, t0 + days(20) + 1h, 0}, {t0 + days(30), t0 + days(30) + 1h, 1}});
  }
  SECTION("overlapping and touching ranges are always joined") {
    const std::vector<FetchRange> ranges{{t0, t0 + 5h}, {t0 + 3h, t0 + 8h}, {t0 + 8h, t0 + 9h}};
    CHECK(plan(ranges, Timeframe::k1h, LoadMode::kTail, /*merge=*/false) ==
          std::vector<Segment>{{t0, t0 + 9h, 0}});
  }
}

TEST_CASE("random plans respect the maximum and cover exactly the ranges", "[data][segments]") {
  std::mt19937_64 rng(20240601);
  const sys_seconds base = at_midnight(2020y / 1 / 1);
  for (int round = 0; round < 300; ++round) {
    const Timeframe tf = kAllTimeframes[rng() % kAllTimeframes.size()];
    const seconds max = ib_max_request_duration(tf);
    const LoadMode mode =
        std::array{LoadMode::kTail, LoadMode::kBackfill, LoadMode::kFull}[rng() % 3];
    std::vector<FetchRange> ranges;
    const std::size_t count = rng() % 8;
    for (std::size_t i = 0; i < count; ++i) {
      const seconds from{
          static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(max.count() * 6))};
      const seconds length{
          static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(max.count() * 3))};
      ranges.push_back({base + from, base + from + length});
    }
    const SegmentPlanOptions options{
        .timeframe = tf,
        .mode = mode,
        .backfill_before = base + seconds{static_cast<std::int64_t>(
                                      rng() % static_cast<std::uint64_t>(max.count() * 6))}};
    INFO("round " << round << " tf " << to_string(tf) << " mode " << to_string(mode));

    const auto exact = plan_segments(ranges, SegmentPlanOptions{options.timeframe, options.mode,
                                                                options.backfill_before, false});
    const auto merged = plan_segments(ranges, options);
    const std::vector<FetchRange> wanted = union_of(ranges);

    for (const auto* segments : {&exact, &merged}) {
      for (std::size_t i = 0; i < segments->size(); ++i) {
        const Segment& s = (*segments)[i];
        CHECK(s.from < s.to);
        CHECK(s.to - s.from <= max);
        CHECK(s.index == i);
      }
      // Disjoint: the union of the segments has as much time as their lengths sum to.
      seconds total{0};
      for (const Segment& s : *segments) total += s.to - s.from;
      seconds covered{0};
      for (const FetchRange& r : union_of(as_ranges(*segments))) covered += r.to - r.from;
      CHECK(total == covered);
    }
    for (std::size_t i = 1; i < merged.size(); ++i) {
      if (mode == LoadMode::kTail) CHECK(merged[i].to <= merged[i - 1].from);
      if (mode == LoadMode::kBackfill) CHECK(merged[i].from >= merged[i - 1].to);
    }
    // Without merging the segments cover exactly the ranges.
    CHECK(union_of(as_ranges(exact)) == wanted);
    // Merging never adds requests, covers every range, and adds only holes shorter than one
    // segment, between ranges.
    CHECK(merged.size() <= exact.size());
    const std::vector<FetchRange> merged_cover = union_of(as_ranges(merged));
    std::vector<FetchRange> both = wanted;
    both.insert(both.end(), merged_cover.begin(), merged_cover.end());
    CHECK(union_of(both) == merged_cover);
    for (const FetchRange& cover : merged_cover) {
      std::vector<FetchRange> inside;
      for (const FetchRange& w : wanted) {
        if (w.from >= cover.from && w.to <= cover.to) inside.push_back(w);
      }
      REQUIRE_FALSE(inside.empty());
      CHECK(inside.front().from == cover.from);
      CHECK(inside.back().to == cover.to);
      for (std::size_t i = 1; i < inside.size(); ++i)
        CHECK(inside[i].from - inside[i - 1].to < max);
    }
  }
}
