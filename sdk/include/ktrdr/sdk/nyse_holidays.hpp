// NYSE full-day closures and 13:00 early closes, computed for any Gregorian year from the
// exchange's rules plus a small table of special closures. Thread-safe; each year is computed
// once and cached for the life of the process.
#pragma once

#include <chrono>
#include <vector>

namespace ktrdr {

// Easter Sunday of `year` (anonymous Gregorian algorithm). Precondition: year.ok().
std::chrono::year_month_day easter_sunday(std::chrono::year year);

// The weekdays of `year` on which the NYSE is closed all day, sorted: New Year's Day, Martin
// Luther King Jr. Day (from 1998), Washington's Birthday, Good Friday, Memorial Day, Juneteenth
// (from 2022), Independence Day, Labor Day, Thanksgiving, Christmas — each moved off a weekend
// (Saturday → Friday, Sunday → Monday; a Saturday New Year's Day is not observed on the Friday
// before) — and the special closures (9/11, Hurricane Sandy, national days of mourning…).
// Precondition: year.ok().
std::vector<std::chrono::year_month_day> nyse_holidays(std::chrono::year year);

// The trading days of `year` on which the regular session closes at 13:00 New York, sorted: the
// day before Independence Day (the Friday after it when July 4 is a Thursday, before 2013), the
// day after Thanksgiving, Christmas Eve. Precondition: year.ok().
std::vector<std::chrono::year_month_day> nyse_early_closes(std::chrono::year year);

// Membership tests on the cached sets above; false for an invalid date.
bool is_nyse_holiday(std::chrono::year_month_day day);
bool is_nyse_early_close(std::chrono::year_month_day day);

}  // namespace ktrdr
