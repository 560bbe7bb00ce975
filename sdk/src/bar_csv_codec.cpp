// Hand-rolled CSV codec for bars: the whole text in one pass, std::from_chars / std::to_chars for
// numbers and fixed-format ISO timestamps with days-from-civil arithmetic (no locale, no streams).
#include "bar_csv_codec.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>

namespace ktrdr::detail {

namespace {

using std::chrono::sys_seconds;

constexpr std::array<std::string_view, 6> kColumns{"timestamp", "open",  "high",
                                                   "low",       "close", "volume"};
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::int64_t kSecondsPerDay = 86400;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// Inverse of days_from_civil.
constexpr CivilDate civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

constexpr unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  constexpr std::array<unsigned, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Reads exactly n ASCII digits at p.
bool read_digits(const char* p, int n, unsigned& out) noexcept {
  unsigned v = 0;
  for (int i = 0; i < n; ++i) {
    const auto digit = static_cast<unsigned>(static_cast<unsigned char>(p[i]) - '0');
    if (digit > 9) return false;
    v = v * 10 + digit;
  }
  out = v;
  return true;
}

// "YYYY-MM-DDTHH:MM:SSZ", or "YYYY-MM-DD" when `date_only_ok`. Ranges are checked.
std::optional<sys_seconds> parse_timestamp(std::string_view s, bool date_only_ok) noexcept {
  const bool full = s.size() == 20;
  if (!full && !(date_only_ok && s.size() == 10)) return std::nullopt;
  const char* p = s.data();
  unsigned year = 0;
  unsigned month = 0;
  unsigned day = 0;
  if (!read_digits(p, 4, year) || p[4] != '-' || !read_digits(p + 5, 2, month) || p[7] != '-' ||
      !read_digits(p + 8, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  unsigned hour = 0;
  unsigned minute = 0;
  unsigned second = 0;
  if (full) {
    if (p[10] != 'T' || !read_digits(p + 11, 2, hour) || p[13] != ':' ||
        !read_digits(p + 14, 2, minute) || p[16] != ':' || !read_digits(p + 17, 2, second) ||
        p[19] != 'Z' || hour > 23 || minute > 59 || second > 59) {
      return std::nullopt;
    }
  }
  const std::int64_t secs =
      days_from_civil(year, month, day) * kSecondsPerDay + hour * 3600 + minute * 60 + second;
  return sys_seconds(std::chrono::seconds(secs));
}

// A field as a double; empty means missing (NaN).
bool parse_number(const char* first, const char* last, double& out) noexcept {
  if (first == last) {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  const auto [ptr, ec] = std::from_chars(first, last, out);
  return ec == std::errc{} && ptr == last;
}

std::size_t count_columns(std::string_view line) noexcept {
  return static_cast<std::size_t>(std::count(line.begin(), line.end(), ',')) + 1;
}

class ParseErrors {
 public:
  explicit ParseErrors(std::string_view file) : file_(file) {}

  Error at(std::size_t line, std::string_view what, std::string_view column = {},
           std::string_view value = {}) const {
    Error error = Error::parse(
        std::string(file_) + ", line " + std::to_string(line) + ": " + std::string(what),
        {{"file", std::string(file_)}, {"line", std::to_string(line)}});
    if (!column.empty()) error.with("column", std::string(column));
    if (!value.empty()) error.with("value", std::string(value));
    return error;
  }

 private:
  std::string_view file_;
};

// Appends a shortest round-trip double (NaN as nothing).
char* write_number(char* p, char* end, double v) noexcept {
  if (std::isnan(v)) return p;
  return std::to_chars(p, end, v).ptr;
}

char* write_two(char* p, unsigned v) noexcept {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

}  // namespace

Result<BarSeries> parse_bar_csv(std::string_view text, std::string_view file, std::string symbol,
                                Timeframe timeframe) {
  const ParseErrors errors(file);
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  const char* p = text.data();
  const char* const end = p + text.size();

  auto next_line = [&](const char*& cursor) {
    const auto* nl =
        static_cast<const char*>(std::memchr(cursor, '\n', static_cast<std::size_t>(end - cursor)));
    const char* line_end = nl != nullptr ? nl : end;
    std::string_view line(cursor, static_cast<std::size_t>(line_end - cursor));
    if (line.ends_with('\r')) line.remove_suffix(1);
    cursor = nl != nullptr ? nl + 1 : end;
    return line;
  };

  if (text.empty()) {
    return errors.at(1, "empty file: expected the header \"" + std::string(kBarCsvHeader) + "\"");
  }
  const std::string_view header = next_line(p);
  if (header != kBarCsvHeader) {
    return errors.at(1, "wrong header: expected \"" + std::string(kBarCsvHeader) + "\", found \"" +
                            std::string(header) + "\"");
  }

  // One line per bar, so counting newlines sizes the columns exactly.
  const auto newlines = static_cast<std::size_t>(std::count(p, end, '\n'));
  BarSeries series(std::move(symbol), timeframe);
  series.reserve(newlines + 1);

  const bool date_only_ok = is_daily_or_longer(timeframe);
  std::size_t line_number = 1;
  while (p < end) {
    ++line_number;
    const std::string_view line = next_line(p);
    if (line.empty()) continue;
    const char* field = line.data();
    const char* const line_end = field + line.size();
    std::array<std::string_view, kColumns.size()> fields;
    for (std::size_t column = 0; column < kColumns.size(); ++column) {
      const bool last = column + 1 == kColumns.size();
      const auto* comma = static_cast<const char*>(
          std::memchr(field, ',', static_cast<std::size_t>(line_end - field)));
      if (last && comma != nullptr) {
        return errors.at(line_number, "too many columns: expected " +
                                          std::to_string(kColumns.size()) + ", found " +
                                          std::to_string(count_columns(line)));
      }
      if (!last && comma == nullptr) {
        return errors.at(line_number,
                         "missing column " + std::string(kColumns[column + 1]) + ": expected " +
                             std::to_string(kColumns.size()) + " columns, found " +
                             std::to_string(count_columns(line)),
                         kColumns[column + 1]);
      }
      const char* field_end = last ? line_end : comma;
      fields[column] = std::string_view(field, static_cast<std::size_t>(field_end - field));
      field = field_end + 1;
    }

    Bar bar;
    const auto timestamp = parse_timestamp(fields[0], date_only_ok);
    if (!timestamp) {
      return errors.at(line_number,
                       "bad timestamp \"" + std::string(fields[0]) +
                           "\" in column timestamp: expected YYYY-MM-DDTHH:MM:SSZ (UTC)" +
                           (date_only_ok ? " or YYYY-MM-DD" : ""),
                       kColumns[0], fields[0]);
    }
    bar.timestamp = *timestamp;
    double* const targets[] = {&bar.open, &bar.high, &bar.low, &bar.close, &bar.volume};
    for (std::size_t column = 1; column < kColumns.size(); ++column) {
      const std::string_view f = fields[column];
      if (!parse_number(f.data(), f.data() + f.size(), *targets[column - 1])) {
        return errors.at(
            line_number,
            "bad number \"" + std::string(f) + "\" in column " + std::string(kColumns[column]),
            kColumns[column], f);
      }
    }
    series.append(bar);
  }
  return series;
}

Result<std::string> format_bar_csv(const BarSeries& series) {
  // Longest row: 20-char timestamp, 5 doubles of at most 24 chars, 5 commas, a newline.
  constexpr std::size_t kMaxRow = 20 + 5 * 24 + 5 + 1;
  std::string out;
  out.reserve(kBarCsvHeader.size() + 1 + series.size() * 64);
  out.append(kBarCsvHeader);
  out.push_back('\n');
  const auto timestamps = series.timestamps();
  const std::array<std::span<const double>, 5> columns{
      series.opens(), series.highs(), series.lows(), series.closes(), series.volumes()};
  std::array<char, kMaxRow> row{};
  for (std::size_t i = 0; i < series.size(); ++i) {
    const std::int64_t secs = timestamps[i].time_since_epoch().count();
    std::int64_t days = secs / kSecondsPerDay;
    std::int64_t rem = secs % kSecondsPerDay;
    if (rem < 0) {
      rem += kSecondsPerDay;
      --days;
    }
    const CivilDate date = civil_from_days(days);
    if (date.year < 0 || date.year > 9999) {
      return Error::invalid_argument(
          "cannot write " + series.symbol() + " bar " + std::to_string(i) + ": timestamp " +
              std::to_string(secs) + " s lies outside years 0000-9999",
          {{"symbol", series.symbol()}, {"value", std::to_string(secs)}});
    }
    char* p = row.data();
    const auto year = static_cast<unsigned>(date.year);
    p = write_two(p, year / 100);
    p = write_two(p, year % 100);
    *p++ = '-';
    p = write_two(p, date.month);
    *p++ = '-';
    p = write_two(p, date.day);
    *p++ = 'T';
    const auto seconds_of_day = static_cast<unsigned>(rem);
    p = write_two(p, seconds_of_day / 3600);
    *p++ = ':';
    p = write_two(p, seconds_of_day / 60 % 60);
    *p++ = ':';
    p = write_two(p, seconds_of_day % 60);
    *p++ = 'Z';
    for (const auto& column : columns) {
      *p++ = ',';
      p = write_number(p, row.data() + row.size(), column[i]);
    }
    *p++ = '\n';
    out.append(row.data(), static_cast<std::size_t>(p - row.data()));
  }
  return out;
}

}  // namespace ktrdr::detail
