#include "historical_wire.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "ib_error.hpp"
#include "instrument.hpp"
#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr::data {

using std::chrono::sys_seconds;

namespace {

constexpr std::size_t kWireTimeLength = 20;        // "2024-01-02T14:30:00Z"
constexpr std::size_t kCancelCheckInterval = 100;  // bars decoded between token checks
// Bytes reserved per bar when encoding: the time and five numbers, most of them short.
constexpr std::size_t kBytesPerBar = 112;
constexpr std::array<std::string_view, 6> kBarFields{"time", "open",  "high",
                                                     "low",  "close", "volume"};

void write_digits(char* out, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Writes "YYYY-MM-DDTHH:MM:SSZ" into `out`; false (nothing written) for years outside 0–9999.
bool write_wire_time(sys_seconds time, std::array<char, kWireTimeLength>& out) {
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day ymd{day};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) return false;
  const std::chrono::hh_mm_ss hms{time - day};
  char* p = out.data();
  write_digits(p, static_cast<unsigned>(year), 4);
  p[4] = '-';
  write_digits(p + 5, static_cast<unsigned>(ymd.month()), 2);
  p[7] = '-';
  write_digits(p + 8, static_cast<unsigned>(ymd.day()), 2);
  p[10] = 'T';
  write_digits(p + 11, static_cast<unsigned>(hms.hours().count()), 2);
  p[13] = ':';
  write_digits(p + 14, static_cast<unsigned>(hms.minutes().count()), 2);
  p[16] = ':';
  write_digits(p + 17, static_cast<unsigned>(hms.seconds().count()), 2);
  p[19] = 'Z';
  return true;
}

// The digits text[pos, pos + width) as a number; nullopt when one is not a digit.
std::optional<unsigned> read_digits(std::string_view text, std::size_t pos, std::size_t width) {
  unsigned value = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return value;
}

// Exactly "YYYY-MM-DDTHH:MM:SSZ", the form encode writes; nullopt for anything else.
std::optional<sys_seconds> parse_exact_wire_time(std::string_view text) {
  if (text.size() != kWireTimeLength || text[4] != '-' || text[7] != '-' || text[10] != 'T' ||
      text[13] != ':' || text[16] != ':' || text[19] != 'Z') {
    return std::nullopt;
  }
  const auto year = read_digits(text, 0, 4);
  const auto month = read_digits(text, 5, 2);
  const auto day = read_digits(text, 8, 2);
  const auto hour = read_digits(text, 11, 2);
  const auto minute = read_digits(text, 14, 2);
  const auto second = read_digits(text, 17, 2);
  if (!year || !month || !day || !hour || !minute || !second) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year{static_cast<int>(*year)},
                                        std::chrono::month{*month}, std::chrono::day{*day}};
  if (!ymd.ok() || *hour > 23 || *minute > 59 || *second > 59) return std::nullopt;
  return sys_seconds{std::chrono::sys_days{ymd}} + std::chrono::hours{*hour} +
         std::chrono::minutes{*minute} + std::chrono::seconds{*second};
}

// IB 321 for a request field: "field \"<field>\" <why>".
Error invalid_field(std::string_view field, std::string_view why,
                    const std::optional<std::string>& value = std::nullopt) {
  Error::Context context{{"field", std::string(field)}};
  if (value) context.emplace_back("value", *value);
  return make_ib_error(IbErrorKind::kInvalidRequest,
                       "field \"" + std::string(field) + "\" " + std::string(why),
                       std::move(context));
}

constexpr std::string_view kMissing = "is missing or not a string";

// kMalformedResponse: "<what>: field \"<field>\" <why>".
Error malformed(std::string_view what, std::string_view field, std::string_view why,
                Error::Context context = {}) {
  Error error{ErrorCode::kMalformedResponse,
              std::string(what) + ": field \"" + std::string(field) + "\" " + std::string(why),
              std::move(context)};
  error.with("field", std::string(field));
  return error;
}

Error malformed_bar(std::size_t index, std::string_view field, std::string_view why) {
  const std::string at = std::to_string(index);
  return malformed("historical response: bar " + at, field, why, {{"index", at}});
}

template <class Writer>
void write_string(Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

template <class Writer>
void write_time(Writer& writer, sys_seconds time) {
  std::array<char, kWireTimeLength> text{};
  if (write_wire_time(time, text)) {
    write_string(writer, std::string_view(text.data(), text.size()));
  } else {
    write_string(writer, format_wire_time(time));
  }
}

// JSON has no NaN or infinity: they go as null.
template <class Writer>
void write_number(Writer& writer, double value) {
  if (std::isfinite(value)) {
    writer.Double(value);
  } else {
    writer.Null();
  }
}

}  // namespace

std::string format_wire_time(sys_seconds time) {
  std::array<char, kWireTimeLength> text{};
  if (write_wire_time(time, text)) return std::string(text.data(), text.size());
  return to_iso8601(time);
}

Result<sys_seconds> parse_wire_time(std::string_view text) {
  // An exact time outside the supported range goes on to parse_iso8601, whose error names it.
  if (const auto exact = parse_exact_wire_time(text); exact && is_supported_time(*exact)) {
    return *exact;
  }
  auto parsed = parse_iso8601(text);
  if (!parsed) return std::move(parsed).error();
  return std::chrono::floor<std::chrono::seconds>(*parsed);
}

Result<std::string> decode_symbol(const std::optional<std::string>& value) {
  if (!value) return invalid_field("symbol", kMissing);
  if (auto valid = validate_symbol(*value); !valid) {
    return invalid_field("symbol", "is invalid: " + valid.error().message, value);
  }
  return *value;
}

Result<Timeframe> decode_timeframe(const std::optional<std::string>& value,
                                   std::string_view field) {
  if (!value) return invalid_field(field, kMissing);
  auto timeframe = parse_timeframe(*value);
  if (!timeframe) return invalid_field(field, "is invalid: " + timeframe.error().message, value);
  return *timeframe;
}

Result<sys_seconds> decode_time(const std::optional<std::string>& value, std::string_view field) {
  if (!value) return invalid_field(field, kMissing);
  auto time = parse_wire_time(*value);
  if (!time) return invalid_field(field, "is invalid: " + time.error().message, value);
  return *time;
}

Json encode_historical_request(const HistoricalRequest& request) {
  Json body = Json::object();
  body.set("symbol", request.symbol)
      .set("timeframe", to_string(request.timeframe))
      .set("start", format_wire_time(request.from))
      .set("end", format_wire_time(request.to));
  return body;
}

Result<HistoricalRequest> decode_historical_request(const Json& body) {
  if (!body.is_object()) return invalid_field("body", "is not a JSON object");
  auto symbol = decode_symbol(body.get_string("symbol"));
  if (!symbol) return std::move(symbol).error();
  const auto timeframe = decode_timeframe(body.get_string("timeframe"));
  if (!timeframe) return timeframe.error();
  const auto from = decode_time(body.get_string("start"), "start");
  if (!from) return from.error();
  const auto to = decode_time(body.get_string("end"), "end");
  if (!to) return to.error();
  if (body.has("instrument_type")) {
    const auto type = body.get_string("instrument_type");
    if (!type) return invalid_field("instrument_type", "is not a string");
    if (auto instrument = parse_instrument(*type); !instrument) {
      return invalid_field("instrument_type", "is invalid: " + instrument.error().message, type);
    }
  }
  return HistoricalRequest{
      .symbol = std::move(*symbol), .timeframe = *timeframe, .from = *from, .to = *to};
}

std::string encode_historical_response(const HistoricalRequest& request, const BarSeries& bars) {
  rapidjson::StringBuffer buffer(nullptr, 256 + bars.size() * kBytesPerBar);
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("symbol");
  write_string(writer, request.symbol);
  writer.Key("timeframe");
  write_string(writer, to_string(request.timeframe));
  writer.Key("start");
  write_time(writer, request.from);
  writer.Key("end");
  write_time(writer, request.to);
  writer.Key("count");
  writer.Uint64(bars.size());
  writer.Key("bars");
  writer.StartArray();
  const auto times = bars.timestamps();
  const auto opens = bars.opens();
  const auto highs = bars.highs();
  const auto lows = bars.lows();
  const auto closes = bars.closes();
  const auto volumes = bars.volumes();
  for (std::size_t i = 0; i < bars.size(); ++i) {
    writer.StartArray();
    write_time(writer, times[i]);
    write_number(writer, opens[i]);
    write_number(writer, highs[i]);
    write_number(writer, lows[i]);
    write_number(writer, closes[i]);
    write_number(writer, volumes[i]);
    writer.EndArray();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Result<BarSeries> decode_historical_response(const Json& body, const CancellationToken& token) {
  constexpr std::string_view kWhat = "historical response";
  const JsonDocument& doc = body.doc();
  if (!doc.IsObject()) return malformed(kWhat, "body", "is not a JSON object");
  auto symbol = body.get_string("symbol");
  if (!symbol) return malformed(kWhat, "symbol", kMissing);
  const auto timeframe_name = body.get_string("timeframe");
  const auto timeframe = parse_timeframe(timeframe_name.value_or(""));
  if (!timeframe) return malformed(kWhat, "timeframe", "is not a known timeframe");
  const auto bars_member = doc.FindMember("bars");
  if (bars_member == doc.MemberEnd() || !bars_member->value.IsArray()) {
    return malformed(kWhat, "bars", "is missing or not an array");
  }
  const auto rows = bars_member->value.GetArray();
  const std::size_t size = rows.Size();
  const auto count = body.get_int("count");
  if (!count || *count < 0 || static_cast<std::size_t>(*count) != size) {
    return malformed(kWhat, "count",
                     "does not match the " + std::to_string(size) + " bars of the response");
  }

  BarSeries series(std::move(*symbol), *timeframe);
  series.reserve(size);
  for (std::size_t i = 0; i < size; ++i) {
    if (i % kCancelCheckInterval == 0 && token.is_cancelled()) {
      return Error::cancelled("decoding the historical response cancelled at bar " +
                                  std::to_string(i) + " of " + std::to_string(size),
                              {{"reason", token.reason_text()}});
    }
    const JsonValue& row = rows[static_cast<rapidjson::SizeType>(i)];
    if (!row.IsArray() || row.Size() != kBarFields.size()) {
      return malformed_bar(i, "bar", "is not an array [time, open, high, low, close, volume]");
    }
    const JsonValue& time_value = row[0];
    if (!time_value.IsString()) return malformed_bar(i, kBarFields[0], "is not a string");
    const auto time =
        parse_wire_time(std::string_view(time_value.GetString(), time_value.GetStringLength()));
    if (!time) return malformed_bar(i, kBarFields[0], "is not a time: " + time.error().message);
    if (!series.empty() && *time <= series.timestamps().back()) {
      return malformed_bar(i, kBarFields[0], "is not after the previous bar's");
    }
    std::array<double, kBarFields.size() - 1> values{};
    for (rapidjson::SizeType field = 1; field < kBarFields.size(); ++field) {
      const JsonValue& value = row[field];
      if (value.IsNumber()) {
        values[field - 1] = value.GetDouble();
      } else if (value.IsNull()) {
        values[field - 1] = std::numeric_limits<double>::quiet_NaN();
      } else {
        return malformed_bar(i, kBarFields[field], "is not a number");
      }
    }
    series.append(Bar{*time, values[0], values[1], values[2], values[3], values[4]});
  }
  return series;
}

Json pacing_limits_to_json(const PacingLimits& limits) {
  Json json = Json::object();
  json.set("max_requests", limits.max_requests)
      .set("window_ms", limits.window.count())
      .set("identical_interval_ms", limits.identical_interval.count())
      .set("max_contract_requests", limits.max_contract_requests)
      .set("contract_window_ms", limits.contract_window.count());
  return json;
}

Result<PacingLimits> pacing_limits_from_json(const Json& json) {
  std::array<std::int64_t, 5> values{};
  constexpr std::array<std::string_view, 5> kFields{"max_requests", "window_ms",
                                                    "identical_interval_ms",
                                                    "max_contract_requests", "contract_window_ms"};
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    const auto value = json.get_int(kFields[i]);
    if (!value || *value < 0) {
      return malformed("pacing limits", kFields[i], "is missing or not a non-negative integer");
    }
    values[i] = *value;
  }
  return PacingLimits{.max_requests = static_cast<std::size_t>(values[0]),
                      .window = std::chrono::milliseconds(values[1]),
                      .identical_interval = std::chrono::milliseconds(values[2]),
                      .max_contract_requests = static_cast<std::size_t>(values[3]),
                      .contract_window = std::chrono::milliseconds(values[4])};
}

}  // namespace ktrdr::data
