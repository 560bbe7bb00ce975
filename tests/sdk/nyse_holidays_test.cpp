#include "ktrdr/sdk/nyse_holidays.hpp"

#include <catch2/catch.hpp>

#include <vector>

namespace {

using std::chrono::year;
using std::chrono::year_month_day;
using Days = std::vector<year_month_day>;

year_month_day ymd(int y, unsigned m, unsigned d) {
  return year{y} / std::chrono::month{m} / std::chrono::day{d};
}

}  // namespace

TEST_CASE("Easter Sunday follows the Gregorian computus", "[sdk][calendar]") {
  CHECK(ktrdr::easter_sunday(year{2000}) == ymd(2000, 4, 23));
  CHECK(ktrdr::easter_sunday(year{2008}) == ymd(2008, 3, 23));
  CHECK(ktrdr::easter_sunday(year{2011}) == ymd(2011, 4, 24));
  CHECK(ktrdr::easter_sunday(year{2019}) == ymd(2019, 4, 21));
  CHECK(ktrdr::easter_sunday(year{2024}) == ymd(2024, 3, 31));
  CHECK(ktrdr::easter_sunday(year{2025}) == ymd(2025, 4, 20));
  CHECK(ktrdr::easter_sunday(year{2038}) == ymd(2038, 4, 25));
  CHECK(ktrdr::easter_sunday(year{2285}) == ymd(2285, 3, 22));
}

TEST_CASE("NYSE holidays match the published calendars", "[sdk][calendar]") {
  SECTION("2000: New Year's Day on a Saturday is not observed, no Juneteenth") {
    CHECK(ktrdr::nyse_holidays(year{2000}) ==
          Days{ymd(2000, 1, 17), ymd(2000, 2, 21), ymd(2000, 4, 21), ymd(2000, 5, 29),
               ymd(2000, 7, 4), ymd(2000, 9, 4), ymd(2000, 11, 23), ymd(2000, 12, 25)});
  }
  SECTION("2001 includes the September 11 closure") {
    CHECK(ktrdr::nyse_holidays(year{2001}) ==
          Days{ymd(2001, 1, 1), ymd(2001, 1, 15), ymd(2001, 2, 19), ymd(2001, 4, 13),
               ymd(2001, 5, 28), ymd(2001, 7, 4), ymd(2001, 9, 3), ymd(2001, 9, 11),
               ymd(2001, 9, 12), ymd(2001, 9, 13), ymd(2001, 9, 14), ymd(2001, 11, 22),
               ymd(2001, 12, 25)});
  }
  SECTION("2012 includes Hurricane Sandy") {
    CHECK(ktrdr::nyse_holidays(year{2012}) ==
          Days{ymd(2012, 1, 2), ymd(2012, 1, 16), ymd(2012, 2, 20), ymd(2012, 4, 6),
               ymd(2012, 5, 28), ymd(2012, 7, 4), ymd(2012, 9, 3), ymd(2012, 10, 29),
               ymd(2012, 10, 30), ymd(2012, 11, 22), ymd(2012, 12, 25)});
  }
  SECTION("2021: Saturday Christmas observed Friday, no Juneteenth yet") {
    CHECK(ktrdr::nyse_holidays(year{2021}) ==
          Days{ymd(2021, 1, 1), ymd(2021, 1, 18), ymd(2021, 2, 15), ymd(2021, 4, 2),
               ymd(2021, 5, 31), ymd(2021, 7, 5), ymd(2021, 9, 6), ymd(2021, 11, 25),
               ymd(2021, 12, 24)});
    CHECK_FALSE(ktrdr::is_nyse_holiday(ymd(2021, 12, 31)));
  }
  SECTION("2022: first Juneteenth, observed on Monday") {
    CHECK(ktrdr::nyse_holidays(year{2022}) ==
          Days{ymd(2022, 1, 17), ymd(2022, 2, 21), ymd(2022, 4, 15), ymd(2022, 5, 30),
               ymd(2022, 6, 20), ymd(2022, 7, 4), ymd(2022, 9, 5), ymd(2022, 11, 24),
               ymd(2022, 12, 26)});
  }
  SECTION("2023: Sunday New Year's Day observed Monday") {
    CHECK(ktrdr::nyse_holidays(year{2023}) ==
          Days{ymd(2023, 1, 2), ymd(2023, 1, 16), ymd(2023, 2, 20), ymd(2023, 4, 7),
               ymd(2023, 5, 29), ymd(2023, 6, 19), ymd(2023, 7, 4), ymd(2023, 9, 4),
               ymd(2023, 11, 23), ymd(2023, 12, 25)});
  }
  SECTION("2025 includes President Carter's day of mourning") {
    CHECK(ktrdr::nyse_holidays(year{2025}) ==
          Days{ymd(2025, 1, 1), ymd(2025, 1, 9), ymd(2025, 1, 20), ymd(2025, 2, 17),
               ymd(2025, 4, 18), ymd(2025, 5, 26), ymd(2025, 6, 19), ymd(2025, 7, 4),
               ymd(2025, 9, 1), ymd(2025, 11, 27), ymd(2025, 12, 25)});
  }
  SECTION("2027: Saturday Juneteenth and Christmas observed Friday, Sunday July 4 Monday") {
    CHECK(ktrdr::nyse_holidays(year{2027}) ==
          Days{ymd(2027, 1, 1), ymd(2027, 1, 18), ymd(2027, 2, 15), ymd(2027, 3, 26),
               ymd(2027, 5, 31), ymd(2027, 6, 18), ymd(2027, 7, 5), ymd(2027, 9, 6),
               ymd(2027, 11, 25), ymd(2027, 12, 24)});
  }
  SECTION("2030") {
    CHECK(ktrdr::nyse_holidays(year{2030}) ==
          Days{ymd(2030, 1, 1), ymd(2030, 1, 21), ymd(2030, 2, 18), ymd(2030, 4, 19),
               ymd(2030, 5, 27), ymd(2030, 6, 19), ymd(2030, 7, 4), ymd(2030, 9, 2),
               ymd(2030, 11, 28), ymd(2030, 12, 25)});
  }
  SECTION("national days of mourning") {
    CHECK(ktrdr::is_nyse_holiday(ymd(2004, 6, 11)));
    CHECK(ktrdr::is_nyse_holiday(ymd(2007, 1, 2)));
    CHECK(ktrdr::is_nyse_holiday(ymd(2018, 12, 5)));
  }
}

TEST_CASE("NYSE early closes fall around Independence Day, Thanksgiving and Christmas",
          "[sdk][calendar]") {
  CHECK(ktrdr::nyse_early_closes(year{2024}) ==
        Days{ymd(2024, 7, 3), ymd(2024, 11, 29), ymd(2024, 12, 24)});
  CHECK(ktrdr::nyse_early_closes(year{2025}) ==
        Days{ymd(2025, 7, 3), ymd(2025, 11, 28), ymd(2025, 12, 24)});
  SECTION("July 3 2020 was the observed holiday, so no early close before it") {
    CHECK(ktrdr::nyse_early_closes(year{2020}) == Days{ymd(2020, 11, 27), ymd(2020, 12, 24)});
  }
  SECTION("2021: Christmas Eve was the observed holiday; Friday July 2 was a full day") {
    CHECK(ktrdr::nyse_early_closes(year{2021}) == Days{ymd(2021, 11, 26)});
  }
  SECTION("2023: Christmas Eve on a Sunday") {
    CHECK(ktrdr::nyse_early_closes(year{2023}) == Days{ymd(2023, 7, 3), ymd(2023, 11, 24)});
  }
  SECTION("a Thursday July 4 moved the early close to Friday July 5 before 2013, not after") {
    CHECK(ktrdr::nyse_early_closes(year{2002}) ==
          Days{ymd(2002, 7, 5), ymd(2002, 11, 29), ymd(2002, 12, 24)});
    CHECK(ktrdr::nyse_early_closes(year{2019}) ==
          Days{ymd(2019, 7, 3), ymd(2019, 11, 29), ymd(2019, 12, 24)});
  }
  CHECK(ktrdr::is_nyse_early_close(ymd(2024, 11, 29)));
  CHECK_FALSE(ktrdr::is_nyse_early_close(ymd(2024, 11, 28)));
  CHECK_FALSE(ktrdr::is_nyse_early_close(ymd(2024, 2, 30)));
}
