// Hand-rolled CSV codec for bars: std::from_chars / std::to_chars for numbers and fixed-format ISO
// timestamps with days-from-civil arithmetic (no locale, no streams, no allocation per row).
// Reading maps the header's columns to the bar's fields (the store's own header, or another
// spelling or order of them); in the store's layout, plain lines (plain decimals, single commas,
// UTC timestamps with a Z) take a fast path that reads each field once, and any other line the
// general path, which also reads zoned and naive timestamps and names faults. Big texts are read
// in parts on several threads.
#include "bar_csv_codec.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr::detail {

namespace {

using std::chrono::sys_seconds;

constexpr std::array<std::string_view, 6> kColumns{"timestamp", "open",  "high",
                                                   "low",       "close", "volume"};
constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::int64_t kSecondsPerDay = 86400;
// The supported range in days since 1970-01-01 (its ends are midnights).
constexpr std::int64_t kFirstSupportedDay =
    kEarliestSupportedTime.time_since_epoch().count() / kSecondsPerDay;
constexpr std::int64_t kSupportedDaysEnd =
    kSupportedTimeEnd.time_since_epoch().count() / kSecondsPerDay;
static_assert(kFirstSupportedDay * kSecondsPerDay ==
                  kEarliestSupportedTime.time_since_epoch().count() &&
              kSupportedDaysEnd * kSecondsPerDay == kSupportedTimeEnd.time_since_epoch().count());

constexpr bool is_supported_day(std::int64_t days) noexcept {
  return days >= kFirstSupportedDay && days < kSupportedDaysEnd;
}

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

// "YYYY-MM-DD" at p, range-checked: its days since 1970-01-01.
std::optional<std::int64_t> parse_date(const char* p) noexcept {
  unsigned year = 0;
  unsigned month = 0;
  unsigned day = 0;
  if (!read_digits(p, 4, year) || p[4] != '-' || !read_digits(p + 5, 2, month) || p[7] != '-' ||
      !read_digits(p + 8, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  return days_from_civil(year, month, day);
}

// "HH:MM" at p, range-checked (hours up to 23): its seconds.
std::optional<std::int64_t> parse_hours_minutes(const char* p) noexcept {
  unsigned hour = 0;
  unsigned minute = 0;
  if (!read_digits(p, 2, hour) || p[2] != ':' || !read_digits(p + 3, 2, minute) || hour > 23 ||
      minute > 59) {
    return std::nullopt;
  }
  return std::int64_t{hour} * 3600 + minute * 60;
}

// "HH:MM:SS" at p, range-checked: its seconds since midnight.
std::optional<std::int64_t> parse_clock(const char* p) noexcept {
  unsigned second = 0;
  const auto hours_minutes = parse_hours_minutes(p);
  if (!hours_minutes || p[5] != ':' || !read_digits(p + 6, 2, second) || second > 59) {
    return std::nullopt;
  }
  return *hours_minutes + second;
}

// "THH:MM:SSZ" at p, range-checked: its seconds since midnight.
std::optional<std::int64_t> parse_time_of_day(const char* p) noexcept {
  if (p[0] != 'T' || p[9] != 'Z') return std::nullopt;
  return parse_clock(p + 1);
}

// A timestamp as the file wrote it, in UTC.
struct FileTime {
  sys_seconds utc;
  bool naive = false;  // it had no zone and was taken as UTC
};

// "YYYY-MM-DD", "T" or a space, "HH:MM:SS", then "Z", an offset "+HH:MM" / "-HH:MM" (converted
// to UTC) or nothing (naive: taken as UTC); or "YYYY-MM-DD" alone when `date_only_ok`. Ranges are
// checked.
std::optional<FileTime> parse_timestamp(std::string_view s, bool date_only_ok) noexcept {
  constexpr std::size_t kDateLength = 10;
  constexpr std::size_t kNaiveLength = 19;  // "YYYY-MM-DDTHH:MM:SS"
  if (s.size() < kDateLength) return std::nullopt;
  const auto days = parse_date(s.data());
  if (!days) return std::nullopt;
  const std::int64_t midnight = *days * kSecondsPerDay;
  if (s.size() == kDateLength) {
    if (!date_only_ok) return std::nullopt;
    return FileTime{sys_seconds(std::chrono::seconds(midnight))};
  }
  if (s.size() < kNaiveLength || (s[10] != 'T' && s[10] != ' ')) return std::nullopt;
  const auto clock = parse_clock(s.data() + 11);
  if (!clock) return std::nullopt;
  const sys_seconds local(std::chrono::seconds(midnight + *clock));
  const std::string_view zone = s.substr(kNaiveLength);
  if (zone.empty()) return FileTime{local, true};
  if (zone == "Z") return FileTime{local};
  if (zone.size() != 6 || (zone[0] != '+' && zone[0] != '-')) return std::nullopt;
  const auto offset = parse_hours_minutes(zone.data() + 1);
  if (!offset) return std::nullopt;
  return FileTime{local - std::chrono::seconds(zone[0] == '+' ? *offset : -*offset)};
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

// At most kMaxQuotedBytes bytes of `text`, printable: bytes outside ASCII 0x20-0x7E as \xNN, a
// quote or a backslash escaped, and "..." after it when the text was longer.
std::string excerpt(std::string_view text) {
  constexpr std::string_view kHex = "0123456789abcdef";
  std::string out;
  for (const char c : text.substr(0, kMaxQuotedBytes)) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte >= 0x20 && byte <= 0x7E) {
      out += c;
    } else {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  if (text.size() > kMaxQuotedBytes) out += "...";
  return out;
}

// `text` as a parse error quotes it: its excerpt, in double quotes.
std::string quoted(std::string_view text) { return '"' + excerpt(text) + '"'; }

class ParseErrors {
 public:
  explicit ParseErrors(std::string_view file) : file_(file) {}

  // `what` must quote the file's text only through quoted(); `value` (the offending field) is
  // kept as its excerpt.
  Error at(std::size_t line, std::string_view what, std::string_view column = {},
           std::string_view value = {}) const {
    Error error = Error::parse(
        std::string(file_) + ", line " + std::to_string(line) + ": " + std::string(what),
        {{"file", std::string(file_)}, {"line", std::to_string(line)}});
    if (!column.empty()) error.with("column", std::string(column));
    if (!value.empty()) error.with("value", excerpt(value));
    return error;
  }

  Error cancelled(const CancellationToken& token) const { return read_cancelled(file_, token); }

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

// Exact powers of ten, for the plain numbers' fast path.
constexpr std::array<double, 23> kPowersOfTen{1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                              1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                              1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
constexpr std::uint64_t kMaxExactMantissa = std::uint64_t{1} << 53;

bool is_digit(char c) noexcept { return static_cast<unsigned>(c - '0') < 10U; }

// A plain number at p — `-?D+(\.D+)?` (D a decimal digit), read up to the first character that
// is not part of it — or nothing at all (an empty field, NaN). Sets `out` to what std::from_chars
// reads from those characters and returns the end of them; nullptr for any other form (the
// general path then reads the line). Mantissas of up to 2^53 with up to 22 decimals are divided
// out exactly (Clinger's fast path: one correctly rounded division of exact operands); longer
// ones go through std::from_chars.
const char* parse_plain_number(const char* p, const char* end, double& out) noexcept {
  const char* const first = p;
  const bool negative = p < end && *p == '-';
  if (negative) ++p;
  std::uint64_t mantissa = 0;
  const char* const int_begin = p;
  while (p < end && is_digit(*p)) mantissa = mantissa * 10 + static_cast<unsigned>(*p++ - '0');
  const auto int_digits = static_cast<std::size_t>(p - int_begin);
  std::size_t frac_digits = 0;
  if (p < end && *p == '.') {
    ++p;
    const char* const frac_begin = p;
    while (p < end && is_digit(*p)) mantissa = mantissa * 10 + static_cast<unsigned>(*p++ - '0');
    frac_digits = static_cast<std::size_t>(p - frac_begin);
    if (frac_digits == 0 || int_digits == 0) return nullptr;
  } else if (int_digits == 0) {
    if (negative) return nullptr;
    out = std::numeric_limits<double>::quiet_NaN();
    return p;
  }
  // 19 digits always fit in 64 bits; beyond that the mantissa above has wrapped.
  if (int_digits + frac_digits > 19 || mantissa > kMaxExactMantissa ||
      frac_digits >= kPowersOfTen.size()) {
    const auto [ptr, ec] = std::from_chars(first, p, out);
    return ec == std::errc{} && ptr == p ? p : nullptr;
  }
  const auto exact = static_cast<double>(mantissa);
  const double value = frac_digits == 0 ? exact : exact / kPowersOfTen[frac_digits];
  out = negative ? -value : value;
  return p;
}

// The date of the last timestamp read, as consecutive bars mostly share one: checked once.
struct LastDate {
  bool read = false;            // whether text and days hold a date yet
  std::array<char, 10> text{};  // "YYYY-MM-DD"
  std::int64_t days = 0;
};

// The bar of a plain line at `line` (a timestamp, then five plain numbers or empty fields, all
// separated by single commas, then "\n", "\r\n", "\r" at the end of the text, or the end) and
// the start of the next line; nullptr for any other line (a date outside the supported range
// included), which the general path then reads. Whatever it accepts, the general path reads the
// same way (the timestamp as parse_timestamp does, its date taken from `last` when it is the same
// text).
const char* parse_plain_line(const char* line, const char* end, bool date_only_ok, LastDate& last,
                             Bar& bar) noexcept {
  const auto length = static_cast<std::size_t>(end - line);
  std::size_t stamp_length = 0;
  if (length > 20 && line[20] == ',') {
    stamp_length = 20;
  } else if (date_only_ok && length > 10 && line[10] == ',') {
    stamp_length = 10;
  } else {
    return nullptr;
  }
  if (!last.read || std::memcmp(line, last.text.data(), last.text.size()) != 0) {
    const auto days = parse_date(line);
    if (!days || !is_supported_day(*days)) return nullptr;
    std::memcpy(last.text.data(), line, last.text.size());
    last.days = *days;
    last.read = true;
  }
  std::int64_t seconds_of_day = 0;
  if (stamp_length == 20) {
    const auto time = parse_time_of_day(line + 10);
    if (!time) return nullptr;
    seconds_of_day = *time;
  }
  bar.timestamp = sys_seconds(std::chrono::seconds(last.days * kSecondsPerDay + seconds_of_day));
  const char* p = line + stamp_length + 1;
  double* const targets[] = {&bar.open, &bar.high, &bar.low, &bar.close, &bar.volume};
  for (std::size_t column = 0; column < 4; ++column) {
    p = parse_plain_number(p, end, *targets[column]);
    if (p == nullptr || p == end || *p != ',') return nullptr;
    ++p;
  }
  p = parse_plain_number(p, end, bar.volume);
  if (p == nullptr) return nullptr;
  if (p == end) return end;
  if (*p == '\n') return p + 1;
  if (*p == '\r') {
    if (p + 1 == end) return end;
    if (p[1] == '\n') return p + 2;
  }
  return nullptr;
}

// Newlines in [p, end), eight bytes at a time.
std::size_t count_newlines(const char* p, const char* end) noexcept {
  constexpr std::uint64_t kOnes = 0x0101010101010101;
  constexpr std::uint64_t kLow7 = 0x7F7F7F7F7F7F7F7F;
  constexpr std::uint64_t kHigh = 0x8080808080808080;
  std::size_t count = 0;
  for (; end - p >= 8; p += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, sizeof word);
    const std::uint64_t x = word ^ (kOnes * static_cast<unsigned char>('\n'));
    // The top bit of each byte of x that is zero (no carries cross bytes).
    const std::uint64_t zero = ~(((x & kLow7) + kLow7) | x) & kHigh;
    count += static_cast<std::size_t>(((zero >> 7) * kOnes) >> 56);
  }
  for (; p < end; ++p) count += *p == '\n' ? 1 : 0;
  return count;
}

// Bytes counted between two looks at the token when sizing a parse: about a millisecond.
constexpr std::ptrdiff_t kCountBlockBytes = std::ptrdiff_t{1} << 20;

// Lines in [p, end) (its newlines + 1), to size the columns, counted in blocks of
// kCountBlockBytes with a look at `token` before each: once it is cancelled the count stops short
// (the parse that follows then stops at its first look).
std::size_t count_lines(const char* p, const char* end, const CancellationToken& token) noexcept {
  std::size_t lines = 1;
  while (p < end && !token.is_cancelled()) {
    const char* block_end = end - p > kCountBlockBytes ? p + kCountBlockBytes : end;
    lines += count_newlines(p, block_end);
    p = block_end;
  }
  return lines;
}

// The line at `cursor` without its "\n" (and one "\r" before it); moves `cursor` past it.
std::string_view next_line(const char*& cursor, const char* end) noexcept {
  const auto* nl =
      static_cast<const char*>(std::memchr(cursor, '\n', static_cast<std::size_t>(end - cursor)));
  const char* line_end = nl != nullptr ? nl : end;
  std::string_view line(cursor, static_cast<std::size_t>(line_end - cursor));
  if (line.ends_with('\r')) line.remove_suffix(1);
  cursor = nl != nullptr ? nl + 1 : end;
  return line;
}

// How the file's columns map to the bar's fields, read from its header.
struct Layout {
  std::array<std::size_t, kColumns.size()> field{0, 1, 2, 3, 4, 5};  // kColumns index of column k
  bool canonical = true;  // the store's own header: plain lines may take the fast path
};

// Whether `name` spells `lower` (lower-case ASCII) in any letter case.
bool same_name(std::string_view name, std::string_view lower) noexcept {
  return name.size() == lower.size() &&
         std::equal(name.begin(), name.end(), lower.begin(), [](char a, char b) {
           return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
         });
}

// The kColumns index that header name `name` of column `column` stands for — any letter case;
// the timestamp also as date, datetime, time, or an unnamed first column (a pandas index) — or
// kColumns.size() for none.
std::size_t field_named(std::string_view name, std::size_t column) noexcept {
  if (name.empty()) return column == 0 ? 0 : kColumns.size();
  for (const std::string_view alias : {"date", "datetime", "time"}) {
    if (same_name(name, alias)) return 0;
  }
  for (std::size_t field = 0; field < kColumns.size(); ++field) {
    if (same_name(name, kColumns[field])) return field;
  }
  return kColumns.size();
}

// The layout `header` declares (six columns naming each bar field once, in any order), or the
// line-1 error naming what is wrong and, where one is at fault, its column.
std::optional<Error> read_header(std::string_view header, const ParseErrors& errors,
                                 Layout& layout) {
  if (header == kBarCsvHeader) return std::nullopt;
  layout.canonical = false;
  const auto wrong = [&](const std::string& why, std::string_view column) {
    return errors.at(1,
                     "wrong header: expected \"" + std::string(kBarCsvHeader) + "\", found " +
                         quoted(header) + " (" + why +
                         "; columns may come in any order and letter case, the timestamp also "
                         "named date, datetime or time, or left unnamed first)",
                     column);
  };
  std::array<bool, kColumns.size()> seen{};
  std::size_t column = 0;
  for (std::string_view rest = header;; ++column) {
    const std::size_t comma = rest.find(',');
    const std::string_view name = rest.substr(0, comma);
    if (column == kColumns.size()) {
      return wrong("too many columns: expected " + std::to_string(kColumns.size()) + ", found " +
                       std::to_string(count_columns(header)),
                   {});
    }
    const std::size_t field = field_named(name, column);
    if (field == kColumns.size()) {
      return wrong("column " + std::to_string(column + 1) + ", " + quoted(name) +
                       ", is not a bar field",
                   kColumns[column]);
    }
    if (seen[field]) return wrong(std::string(kColumns[field]) + " twice", kColumns[field]);
    seen[field] = true;
    layout.field[column] = field;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  const auto missing = static_cast<std::size_t>(std::find(seen.begin(), seen.end(), false) -
                                                seen.begin());
  if (missing < kColumns.size()) {
    return wrong("no " + std::string(kColumns[missing]) + " column", kColumns[missing]);
  }
  return std::nullopt;
}

// The general path: one non-blank line, any spelling, in the file's layout, into `bar` (setting
// `naive` when its timestamp had no zone), or the error naming its fault.
std::optional<Error> parse_line(std::string_view line, std::size_t line_number,
                                const Layout& layout, bool date_only_ok,
                                const ParseErrors& errors, Bar& bar, bool& naive) {
  const char* field = line.data();
  const char* const line_end = field + line.size();
  std::array<std::string_view, kColumns.size()> fields;  // by kColumns index
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
      const std::string_view missing = kColumns[layout.field[column + 1]];
      return errors.at(line_number,
                       "missing column " + std::string(missing) + ": expected " +
                           std::to_string(kColumns.size()) + " columns, found " +
                           std::to_string(count_columns(line)),
                       missing);
    }
    const char* field_end = last ? line_end : comma;
    fields[layout.field[column]] =
        std::string_view(field, static_cast<std::size_t>(field_end - field));
    field = field_end + 1;
  }

  const auto timestamp = parse_timestamp(fields[0], date_only_ok);
  if (!timestamp) {
    return errors.at(line_number,
                     "bad timestamp " + quoted(fields[0]) +
                         " in column timestamp: expected YYYY-MM-DDTHH:MM:SS (or a space for the "
                         "T) then Z, +HH:MM, -HH:MM or no zone (taken as UTC)" +
                         (date_only_ok ? ", or YYYY-MM-DD" : ""),
                     kColumns[0], fields[0]);
  }
  if (!is_supported_time(timestamp->utc)) {
    return errors.at(line_number,
                     "timestamp " + quoted(fields[0]) +
                         " in column timestamp is outside the supported range " +
                         supported_time_range(),
                     kColumns[0], fields[0]);
  }
  bar.timestamp = timestamp->utc;
  naive = naive || timestamp->naive;
  double* const targets[] = {&bar.open, &bar.high, &bar.low, &bar.close, &bar.volume};
  for (std::size_t column = 1; column < kColumns.size(); ++column) {
    const std::string_view f = fields[column];
    if (!parse_number(f.data(), f.data() + f.size(), *targets[column - 1])) {
      return errors.at(line_number,
                       "bad number " + quoted(f) + " in column " + std::string(kColumns[column]),
                       kColumns[column], f);
    }
  }
  return std::nullopt;
}

// Appends the bars of the lines in [p, end) (whole lines; the first is line first_line + 1) to
// `series` (empty at first), and what they showed to `info` (blank lines by the rows before them
// in this part): plain lines by the fast path when the layout is the store's, the others by the
// general one. The first fault ends it, and so does `token` once cancelled (checked first and
// every kCancelCheckRows lines).
std::optional<Error> parse_lines(const char* p, const char* const end, std::size_t first_line,
                                 const Layout& layout, bool date_only_ok,
                                 const ParseErrors& errors, const CancellationToken& token,
                                 BarSeries& series, CsvReadInfo& info) {
  std::size_t line_number = first_line;
  std::size_t until_check = 0;
  Bar bar;
  LastDate last;
  while (p < end) {
    if (until_check-- == 0) {
      if (token.is_cancelled()) return errors.cancelled(token);
      until_check = kCancelCheckRows - 1;
    }
    ++line_number;
    if (layout.canonical) {
      if (const char* next = parse_plain_line(p, end, date_only_ok, last, bar)) {
        series.append(bar);
        p = next;
        continue;
      }
    }
    const std::string_view line = next_line(p, end);
    if (line.empty()) {
      info.rows_before_blank_lines.push_back(series.size());
      continue;
    }
    if (auto fault = parse_line(line, line_number, layout, date_only_ok, errors, bar,
                                info.naive_timestamps)) {
      return fault;
    }
    series.append(bar);
  }
  return std::nullopt;
}

// Texts are parsed in parts on several threads only when each part gets this much: for smaller
// texts the threads' start, the line count and the final copy would eat the gain, and a thread
// that has to wait for a busy core would lose time.
constexpr std::size_t kMinPartBytes = std::size_t{4} << 20;
constexpr std::size_t kMaxParts = 8;

std::size_t parts_for(std::size_t bytes) {
  static const std::size_t cores = std::max(1U, std::thread::hardware_concurrency());
  return std::clamp<std::size_t>(bytes / kMinPartBytes, 1, std::min(cores, kMaxParts));
}

// Runs task(0) here and task(1), ..., task(n - 1) on threads of their own (here too when no
// thread can be started); waits for all, then rethrows the first exception any threw.
template <typename Task>
void run_parts(std::size_t n, Task& task) {
  std::vector<std::exception_ptr> failures(n);
  auto guarded = [&](std::size_t k) {
    try {
      task(k);
    } catch (...) {
      failures[k] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(n);
  try {
    for (std::size_t k = 1; k < n; ++k) threads.emplace_back(guarded, k);
  } catch (const std::system_error&) {
    // Too many threads: what did not start runs here.
  }
  guarded(0);
  for (std::size_t k = threads.size() + 1; k < n; ++k) guarded(k);
  for (std::thread& thread : threads) thread.join();
  for (const std::exception_ptr& failure : failures) {
    if (failure) std::rethrow_exception(failure);
  }
}

}  // namespace

Error read_cancelled(std::string_view file, const CancellationToken& token) {
  Error error =
      CancelledError(token.reason(), token.reason_text(), "reading bars from " + std::string(file))
          .error();
  error.with("file", std::string(file));
  return error;
}

Result<BarSeries> parse_bar_csv(std::string_view text, std::string_view file, std::string symbol,
                                Timeframe timeframe, const CancellationToken& token,
                                CsvReadInfo* info) {
  const ParseErrors errors(file);
  if (token.is_cancelled()) return errors.cancelled(token);
  if (text.starts_with(kUtf8Bom)) text.remove_prefix(kUtf8Bom.size());
  const char* p = text.data();
  const char* const end = p + text.size();

  if (text.empty()) {
    return errors.at(1, "empty file: expected the header \"" + std::string(kBarCsvHeader) + "\"");
  }
  Layout layout;
  if (auto fault = read_header(next_line(p, end), errors, layout)) return *fault;
  const bool date_only_ok = is_daily_or_longer(timeframe);
  const char* const body = p;

  // Big texts: split at line starts into parts, count each part's lines (one bar per line at
  // most, so the columns are sized once), parse the parts side by side, and append them in
  // order to the first. A part that fails sends the whole text through the one-thread path
  // below, whose error then names the right line; a cancelled one ends the parse.
  const std::size_t parts = parts_for(static_cast<std::size_t>(end - body));
  if (parts > 1) {
    std::vector<const char*> bounds(parts + 1, end);
    bounds[0] = body;
    for (std::size_t k = 1; k < parts; ++k) {
      const char* at = std::max(
          bounds[k - 1],
          body + static_cast<std::ptrdiff_t>(static_cast<std::size_t>(end - body) * k / parts));
      const auto* nl =
          static_cast<const char*>(std::memchr(at, '\n', static_cast<std::size_t>(end - at)));
      bounds[k] = nl != nullptr ? nl + 1 : end;
    }
    std::vector<std::size_t> lines(parts);
    auto count = [&](std::size_t k) { lines[k] = count_lines(bounds[k], bounds[k + 1], token); };
    run_parts(parts, count);
    std::vector<BarSeries> pieces;
    pieces.reserve(parts);
    for (std::size_t k = 0; k < parts; ++k) pieces.emplace_back(symbol, timeframe);
    std::vector<std::optional<Error>> faults(parts);
    std::vector<CsvReadInfo> infos(parts);
    auto parse = [&](std::size_t k) {
      std::size_t room = lines[k];
      if (k == 0) {
        for (std::size_t other = 1; other < parts; ++other) room += lines[other];
      }
      pieces[k].reserve(room);
      faults[k] = parse_lines(bounds[k], bounds[k + 1], 1, layout, date_only_ok, errors, token,
                              pieces[k], infos[k]);
    };
    run_parts(parts, parse);
    if (token.is_cancelled()) return errors.cancelled(token);
    if (std::none_of(faults.begin(), faults.end(),
                     [](const std::optional<Error>& fault) { return fault.has_value(); })) {
      BarSeries series = std::move(pieces[0]);
      CsvReadInfo& whole = infos[0];
      for (std::size_t k = 1; k < parts; ++k) {
        whole.naive_timestamps = whole.naive_timestamps || infos[k].naive_timestamps;
        for (const std::size_t rows : infos[k].rows_before_blank_lines) {
          whole.rows_before_blank_lines.push_back(series.size() + rows);
        }
        for (std::size_t i = 0; i < pieces[k].size(); ++i) {
          if (i % kCancelCheckRows == 0 && token.is_cancelled()) return errors.cancelled(token);
          series.append(pieces[k][i]);
        }
      }
      if (info != nullptr) *info = std::move(whole);
      return series;
    }
  }

  BarSeries series(std::move(symbol), timeframe);
  series.reserve(count_lines(body, end, token));
  CsvReadInfo read_info;
  if (auto fault = parse_lines(body, end, 1, layout, date_only_ok, errors, token, series,
                               read_info)) {
    return *fault;
  }
  if (info != nullptr) *info = std::move(read_info);
  return series;
}

Result<std::string> format_bar_csv(const BarSeries& series, const CancellationToken& token) {
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
    if (i % kCancelCheckRows == 0 && token.is_cancelled()) {
      return CancelledError(token.reason(), token.reason_text(),
                            "writing " + series.symbol() + " bars")
          .error();
    }
    const std::int64_t secs = timestamps[i].time_since_epoch().count();
    if (!is_supported_time(timestamps[i])) {
      return Error::invalid_argument(
          "cannot write " + series.symbol() + " bar " + std::to_string(i) + ": timestamp " +
              std::to_string(secs) + " s lies outside the supported range " +
              supported_time_range(),
          {{"symbol", series.symbol()}, {"value", std::to_string(secs)}});
    }
    std::int64_t days = secs / kSecondsPerDay;
    std::int64_t rem = secs % kSecondsPerDay;
    if (rem < 0) {
      rem += kSecondsPerDay;
      --days;
    }
    const CivilDate date = civil_from_days(days);
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
