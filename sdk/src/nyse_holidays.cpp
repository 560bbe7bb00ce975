// NYSE holiday and early-close rules, with a per-year cache guarded by a mutex.
#include "ktrdr/sdk/nyse_holidays.hpp"

#include <algorithm>
#include <map>
#include <mutex>

namespace ktrdr {
namespace {

using std::chrono::day;
using std::chrono::days;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::weekday;
using std::chrono::year;
using std::chrono::year_month_day;

// Unscheduled full-day closures (weather, national mourning, 9/11).
constexpr year_month_day kSpecialClosures[] = {
    year{1985} / 9 / 27,   // Hurricane Gloria
    year{1994} / 4 / 27,   // President Nixon's funeral
    year{2001} / 9 / 11,   // September 11 attacks, through Sep 14
    year{2001} / 9 / 12,
    year{2001} / 9 / 13,
    year{2001} / 9 / 14,
    year{2004} / 6 / 11,   // President Reagan's funeral
    year{2007} / 1 / 2,    // President Ford's funeral
    year{2012} / 10 / 29,  // Hurricane Sandy, two days
    year{2012} / 10 / 30,
    year{2018} / 12 / 5,   // President G.H.W. Bush's funeral
    year{2025} / 1 / 9,    // President Carter's funeral
};

struct YearDays {
  std::vector<year_month_day> holidays;
  std::vector<year_month_day> early_closes;
};

weekday weekday_of(year_month_day d) { return weekday{sys_days{d}}; }

sys_days nth(year y, month m, weekday w, unsigned n) {
  return sys_days{std::chrono::year_month_weekday{y, m, w[n]}};
}

sys_days last(year y, month m, weekday w) {
  return sys_days{std::chrono::year_month_weekday_last{y, m, w[std::chrono::last]}};
}

// Saturday → the Friday before, Sunday → the Monday after.
year_month_day observed(year_month_day d) {
  const weekday w = weekday_of(d);
  if (w == std::chrono::Saturday) return sys_days{d} - days{1};
  if (w == std::chrono::Sunday) return sys_days{d} + days{1};
  return d;
}

bool is_weekday(year_month_day d) {
  const weekday w = weekday_of(d);
  return w != std::chrono::Saturday && w != std::chrono::Sunday;
}

YearDays compute(year y) {
  using namespace std::chrono;
  YearDays out;
  auto& h = out.holidays;
  // New Year's Day: Sunday → Monday; Saturday is not moved back into the old year.
  if (const year_month_day ny = y / January / 1; weekday_of(ny) != Saturday) h.push_back(observed(ny));
  if (y >= year{1998}) h.emplace_back(nth(y, January, Monday, 3));
  h.emplace_back(nth(y, February, Monday, 3));
  h.emplace_back(sys_days{easter_sunday(y)} - days{2});
  h.emplace_back(last(y, May, Monday));
  if (y >= year{2022}) h.push_back(observed(y / June / 19));
  h.push_back(observed(y / July / 4));
  h.emplace_back(nth(y, September, Monday, 1));
  const sys_days thanksgiving = nth(y, November, Thursday, 4);
  h.emplace_back(thanksgiving);
  h.push_back(observed(y / December / 25));
  for (const year_month_day& d : kSpecialClosures) {
    if (d.year() == y) h.push_back(d);
  }
  std::sort(h.begin(), h.end());
  h.erase(std::unique(h.begin(), h.end()), h.end());

  const auto trading = [&h](year_month_day d) {
    return is_weekday(d) && !std::binary_search(h.begin(), h.end(), d);
  };
  auto& e = out.early_closes;
  const year_month_day july3 = y / July / 3;
  if (weekday_of(july3) == Wednesday && y < year{2013}) {
    if (const year_month_day july5 = y / July / 5; trading(july5)) e.push_back(july5);
  } else if (trading(july3)) {
    e.push_back(july3);
  }
  if (const year_month_day friday = thanksgiving + days{1}; trading(friday)) e.push_back(friday);
  if (const year_month_day eve = y / December / 24; trading(eve)) e.push_back(eve);
  std::sort(e.begin(), e.end());
  return out;
}

const YearDays& cached(year y) {
  static std::mutex mutex;
  static std::map<int, YearDays> cache;  // node-based: references stay valid as it grows
  const std::lock_guard lock(mutex);
  auto it = cache.find(static_cast<int>(y));
  if (it == cache.end()) it = cache.emplace(static_cast<int>(y), compute(y)).first;
  return it->second;
}

}  // namespace

year_month_day easter_sunday(year y) {
  const int yr = static_cast<int>(y);
  const int a = yr % 19;
  const int b = yr / 100;
  const int c = yr % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int mon = (h + l - 7 * m + 114) / 31;
  const int dom = (h + l - 7 * m + 114) % 31 + 1;
  return y / month{static_cast<unsigned>(mon)} / day{static_cast<unsigned>(dom)};
}

std::vector<year_month_day> nyse_holidays(year y) { return cached(y).holidays; }

std::vector<year_month_day> nyse_early_closes(year y) { return cached(y).early_closes; }

bool is_nyse_holiday(year_month_day d) {
  if (!d.ok()) return false;
  const auto& h = cached(d.year()).holidays;
  return std::binary_search(h.begin(), h.end(), d);
}

bool is_nyse_early_close(year_month_day d) {
  if (!d.ok()) return false;
  const auto& e = cached(d.year()).early_closes;
  return std::binary_search(e.begin(), e.end(), d);
}

}  // namespace ktrdr
