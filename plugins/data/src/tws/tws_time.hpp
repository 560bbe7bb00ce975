// The date and time strings of the TWS API: every form TWS writes in historical bars, their
// start/end header and head timestamps, read into UTC; and endDateTime written in TWS's UTC form.
// Stateless; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/time_zone.hpp"

namespace ktrdr::data::tws {

// The zone an IB zone name means. The names TWS writes for its own clock map to fixed-offset
// IANA zones, as they name a standard or daylight time rather than a region ("EST" → Etc/GMT+5,
// "EDT" → Etc/GMT+4, "Greenwich Mean Time" → Etc/GMT); the US/* names map to their America/*
// zones ("US/Eastern" → America/New_York), so the tz database's legacy links need not be
// installed; any other name is looked up as it is ("America/Chicago", "Europe/London", "GMT").
// kInvalidArgument naming it when the tz database does not know it.
[[nodiscard]] Result<TimeZone> resolve_tws_zone(std::string_view name);

// Reads, into UTC:
//   "20231110"                       a date alone (daily and longer bars, whatever formatDate
//                                    asked): 00:00 UTC of that date, i.e. the date itself, with
//                                    no zone applied;
//   "1700069220"                     epoch seconds (any all-digit text that is not 8 long);
//   "20230112 20:19:28 US/Eastern"   a wall clock in the named zone (resolve_tws_zone; the name
//                                    may hold spaces: "Greenwich Mean Time");
//   "20230413  16:31:22"             a wall clock without a zone, after one or two spaces: in
//                                    `zoneless_zone`, which the caller passes (the zone TWS
//                                    runs in);
//   "20231111-21:34:26"              UTC;
//   "2025-01-31 21:00:00[.f] [zone]" dashed: in the named zone, or UTC without one.
// Seconds may carry a fraction (".123"), which is dropped. Wall clocks in a DST gap or overlap
// resolve as TimeZone::to_sys does. kParse naming the text (context {"value"}) for any other
// form (including formatDate=3's year-less "MMDD hh:mm:ss zone"), an invalid date or clock, or
// an unknown zone; kInvalidArgument naming the text and the supported range for a time outside
// it (ktrdr/sdk/time_format.hpp).
[[nodiscard]] Result<std::chrono::sys_seconds> parse_tws_time(std::string_view text,
                                                              const TimeZone& zoneless_zone);

// "20250131-21:00:00": `time` in UTC, as reqHistoricalData's endDateTime.
std::string format_end_date_time(std::chrono::sys_seconds time);

}  // namespace ktrdr::data::tws
