// TimeZone on Howard Hinnant's tz library (system tzdata), kept out of the public header.
#include "ktrdr/sdk/time_zone.hpp"

#include <date/tz.h>

#include <exception>
#include <utility>

namespace ktrdr {
namespace {

using std::chrono::days;
using std::chrono::sys_seconds;

const date::time_zone& zone_of(const void* zone) {
  return *static_cast<const date::time_zone*>(zone);
}

}  // namespace

Result<TimeZone> TimeZone::named(std::string_view name) {
  std::string owned(name);
  try {
    const date::time_zone* zone = date::locate_zone(owned);
    return TimeZone(std::move(owned), zone);
  } catch (const std::exception& e) {
    return Error::invalid_argument(
        "unknown time zone '" + owned + "' (not in the system tz database): " + e.what(),
        {{"zone", owned}});
  }
}

sys_seconds TimeZone::midnight_at_or_after(sys_seconds t) const {
  const date::time_zone& zone = zone_of(zone_);
  const date::local_seconds local = zone.to_local(t);
  const date::local_seconds day = std::chrono::floor<days>(local);
  // A midnight (either one of a repeated midnight), or the first instant of a day whose midnight
  // a DST change skipped.
  if (local == day || zone.to_sys(day, date::choose::earliest) == t) return t;
  return zone.to_sys(day + days{1}, date::choose::earliest);
}

sys_seconds TimeZone::to_sys(std::chrono::local_seconds local) const {
  const date::local_seconds wall{local.time_since_epoch()};
  // For a skipped time `first` is the period before the gap, for a repeated one the earlier
  // period: its offset gives the documented instant in both cases.
  const date::local_info info = zone_of(zone_).get_info(wall);
  return sys_seconds{wall.time_since_epoch() - info.first.offset};
}

}  // namespace ktrdr
