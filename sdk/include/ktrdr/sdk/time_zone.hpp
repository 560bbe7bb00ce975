// TimeZone: a named IANA time zone from the system tz database, for the few local-time questions
// plugins ask (e.g. when a vendor's day starts in its own zone) without depending on date/tz.h.
// Cheap to copy; const methods are thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

class TimeZone {
 public:
  // The zone `name` ("Europe/Athens"); fails with kInvalidArgument naming it when the system tz
  // database does not know it (or is missing).
  [[nodiscard]] static Result<TimeZone> named(std::string_view name);

  // The name the zone was asked for.
  std::string_view name() const noexcept { return name_; }

  // The first local midnight at or after `t`: t itself when t is a local midnight, otherwise the
  // start of the next local day. A midnight that a DST change skips or repeats resolves to the
  // earliest instant (the transition itself when it is skipped).
  std::chrono::sys_seconds midnight_at_or_after(std::chrono::sys_seconds t) const;

  // The instant at which this zone's wall clock reads `local`. A local time that a DST change
  // skips is read with the offset in force before the change, so it lands as far past the
  // transition as it lies inside the gap (02:30 on New York's spring-forward night is 03:30
  // EDT); a local time that a DST change repeats resolves to its earlier instant.
  std::chrono::sys_seconds to_sys(std::chrono::local_seconds local) const;

 private:
  TimeZone(std::string name, const void* zone) : name_(std::move(name)), zone_(zone) {}

  std::string name_;
  const void* zone_;  // a const date::time_zone* of the process-wide tz database
};

}  // namespace ktrdr
