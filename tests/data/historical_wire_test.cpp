#include "historical_wire.hpp"

#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <string>

#include "ib_error.hpp"

using namespace ktrdr;
using namespace ktrdr::data;
using namespace std::chrono;

namespace {

sys_seconds at(year_month_day day, int hour = 0, int minute = 0) {
  return sys_seconds{sys_days{day}} + hours(hour) + minutes(minute);
}

HistoricalRequest request_1h() {
  return HistoricalRequest{.symbol = "AAPL",
                           .timeframe = Timeframe::k1h,
                           .from = at(2024y / 1 / 2),
                           .to = at(2024y / 1 / 3)};
}

BarSeries series_of(int count) {
  BarSeries series("AAPL", Timeframe::k1h);
  for (int i = 0; i < count; ++i) {
    const double base = 100.0 + i * 0.1;
    series.append(Bar{at(2024y / 1 / 2, 14, 30) + hours(i), base, base + 0.37, base - 0.21,
                      base + 1.0 / 3.0, 1000.0 + i});
  }
  return series;
}

Json parsed(const std::string& text) {
  auto json = Json::parse(text);
  REQUIRE(json.ok());
  return std::move(json).value();
}

// The response body with "bars" replaced by `bars` (JSON text).
Json response_with_bars(const std::string& bars, int count) {
  return parsed(R"({"symbol":"AAPL","timeframe":"1h","start":"2024-01-02T00:00:00Z",)"
                R"("end":"2024-01-03T00:00:00Z","count":)" +
                std::to_string(count) + R"(,"bars":)" + bars + "}");
}

void check_malformed_bar(const Result<BarSeries>& result, const std::string& index,
                         const std::string& field) {
  REQUIRE_FALSE(result.ok());
  CHECK(result.error().code == ErrorCode::kMalformedResponse);
  CHECK(result.error().get("index") == index);
  CHECK(result.error().get("field") == field);
  CHECK_THAT(result.error().message,
             Catch::Contains("bar " + index) && Catch::Contains("\"" + field + "\""));
}

}  // namespace

TEST_CASE("wire times are ISO-8601 UTC with Z, and date-only input is accepted", "[data][wire]") {
  CHECK(format_wire_time(at(2024y / 1 / 2, 14, 30)) == "2024-01-02T14:30:00Z");
  CHECK(format_wire_time(at(1999y / 12 / 31, 23, 59) + seconds(59)) == "1999-12-31T23:59:59Z");
  CHECK(parse_wire_time("2024-01-02T14:30:00Z").value() == at(2024y / 1 / 2, 14, 30));
  CHECK(parse_wire_time("2024-01-02").value() == at(2024y / 1 / 2));
  CHECK(parse_wire_time("2024-01-02T14:30").value() == at(2024y / 1 / 2, 14, 30));
  CHECK(parse_wire_time("2024-02-29T00:00:00Z").value() == at(2024y / 2 / 29));
  for (const char* bad :
       {"2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z", "2024-01-02T24:00:00Z", "yesterday", ""}) {
    INFO(bad);
    CHECK_FALSE(parse_wire_time(bad).ok());
  }
  for (const char* beyond : {"2300-01-01T00:00:00Z", "1600-01-01T00:00:00Z", "9999-12-31"}) {
    INFO(beyond);
    const auto parsed = parse_wire_time(beyond);
    REQUIRE_FALSE(parsed.ok());
    CHECK(parsed.error().code == ErrorCode::kInvalidArgument);
    CHECK_THAT(parsed.error().message,
               Catch::Contains(beyond) && Catch::Contains("supported range"));
  }
}

TEST_CASE("a historical request round-trips and each bad field is named", "[data][wire]") {
  const HistoricalRequest request = request_1h();
  const Json body = encode_historical_request(request);
  CHECK(body.get_string("start") == "2024-01-02T00:00:00Z");
  CHECK(body.get_string("end") == "2024-01-03T00:00:00Z");
  const auto decoded = decode_historical_request(body);
  REQUIRE(decoded.ok());
  CHECK(decoded->symbol == request.symbol);
  CHECK(decoded->timeframe == request.timeframe);
  CHECK(decoded->from == request.from);
  CHECK(decoded->to == request.to);

  SECTION("date-only times and an instrument type are accepted") {
    const auto dated = decode_historical_request(
        parsed(R"({"symbol":"EURUSD","timeframe":"1d","start":"2024-01-02","end":"2024-03-01",)"
               R"("instrument_type":"forex"})"));
    REQUIRE(dated.ok());
    CHECK(dated->from == at(2024y / 1 / 2));
    CHECK(dated->to == at(2024y / 3 / 1));
  }
  SECTION("bad fields are IB 321 errors naming the field and value") {
    const struct {
      const char* body;
      const char* field;
    } cases[] = {
        {R"({"timeframe":"1h","start":"2024-01-02","end":"2024-01-03"})", "symbol"},
        {R"({"symbol":"../etc","timeframe":"1h","start":"2024-01-02","end":"2024-01-03"})",
         "symbol"},
        {R"({"symbol":"AAPL","timeframe":"2h","start":"2024-01-02","end":"2024-01-03"})",
         "timeframe"},
        {R"({"symbol":"AAPL","timeframe":"1h","start":"soon","end":"2024-01-03"})", "start"},
        {R"({"symbol":"AAPL","timeframe":"1h","start":"2024-01-02","end":"2300-01-01T00:00:00Z"})",
         "end"},
        {R"({"symbol":"AAPL","timeframe":"1h","start":"2024-01-02"})", "end"},
        {R"({"symbol":"AAPL","timeframe":"1h","start":"2024-01-02","end":"2024-01-03",)"
         R"("instrument_type":"bond"})",
         "instrument_type"},
        {R"([1,2])", "body"},
    };
    for (const auto& c : cases) {
      INFO(c.body);
      const auto bad = decode_historical_request(parsed(c.body));
      REQUIRE_FALSE(bad.ok());
      CHECK(ib_error_kind(bad.error()) == IbErrorKind::kInvalidRequest);
      CHECK(bad.error().get("ib_code") == "321");
      CHECK(bad.error().get("field") == c.field);
      CHECK_THAT(bad.error().message, Catch::Contains(std::string("\"") + c.field + "\""));
    }
  }
}

TEST_CASE("bars encode as JSON arrays and decode to identical values", "[data][wire]") {
  const HistoricalRequest request = request_1h();
  const BarSeries bars = series_of(250);
  const std::string text = encode_historical_response(request, bars);
  const Json body = parsed(text);
  CHECK(body.get_string("symbol") == "AAPL");
  CHECK(body.get_string("timeframe") == "1h");
  CHECK(body.get_string("start") == "2024-01-02T00:00:00Z");
  CHECK(body.get_string("end") == "2024-01-03T00:00:00Z");
  CHECK(body.get_int("count") == 250);
  REQUIRE(body.at("bars").is_array());
  const Json first = body.at("bars")[0];
  REQUIRE(first.is_array());
  CHECK(first[0].as_string() == "2024-01-02T14:30:00Z");
  CHECK(first[1].as_number() == 100.0);

  const auto decoded = decode_historical_response(body, CancellationToken{});
  REQUIRE(decoded.ok());
  CHECK(*decoded == bars);  // every value bit for bit, every timestamp

  SECTION("an empty series") {
    const BarSeries none("AAPL", Timeframe::k1h);
    const auto empty = decode_historical_response(parsed(encode_historical_response(request, none)),
                                                  CancellationToken{});
    REQUIRE(empty.ok());
    CHECK(empty->empty());
  }
  SECTION("a value that is not finite goes as null and comes back NaN") {
    BarSeries odd("AAPL", Timeframe::k1h);
    odd.append(Bar{at(2024y / 1 / 2), 1, 2, 0.5, 1.5, std::numeric_limits<double>::quiet_NaN()});
    const std::string odd_text = encode_historical_response(request, odd);
    CHECK_THAT(odd_text, Catch::Contains("null]"));
    const auto back = decode_historical_response(parsed(odd_text), CancellationToken{});
    REQUIRE(back.ok());
    CHECK(std::isnan(back->volumes()[0]));
    CHECK(back->closes()[0] == 1.5);
  }
}

TEST_CASE("a malformed response names the bar and field", "[data][wire]") {
  SECTION("a bar that is not an array of six") {
    check_malformed_bar(decode_historical_response(
                            response_with_bars(R"([["2024-01-02T14:00:00Z",1,2,0.5,1.5]])", 1),
                            CancellationToken{}),
                        "0", "bar");
  }
  SECTION("a bad time") {
    check_malformed_bar(
        decode_historical_response(response_with_bars(R"([["2024-01-02T14:00:00Z",1,2,0.5,1.5,9],)"
                                                      R"(["noon",1,2,0.5,1.5,9]])",
                                                      2),
                                   CancellationToken{}),
        "1", "time");
  }
  SECTION("a value that is not a number") {
    check_malformed_bar(decode_historical_response(
                            response_with_bars(R"([["2024-01-02T14:00:00Z",1,"2",0.5,1.5,9]])", 1),
                            CancellationToken{}),
                        "0", "high");
  }
  SECTION("bars out of order") {
    check_malformed_bar(
        decode_historical_response(response_with_bars(R"([["2024-01-02T15:00:00Z",1,2,0.5,1.5,9],)"
                                                      R"(["2024-01-02T14:00:00Z",1,2,0.5,1.5,9]])",
                                                      2),
                                   CancellationToken{}),
        "1", "time");
  }
  SECTION("a count that differs from the bars") {
    const auto bad = decode_historical_response(
        response_with_bars(R"([["2024-01-02T14:00:00Z",1,2,0.5,1.5,9]])", 3), CancellationToken{});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == ErrorCode::kMalformedResponse);
    CHECK(bad.error().get("field") == "count");
  }
  SECTION("missing top-level fields") {
    for (const char* field : {"symbol", "timeframe", "bars"}) {
      INFO(field);
      Json body = response_with_bars("[]", 0);
      body.erase(field);
      const auto bad = decode_historical_response(body, CancellationToken{});
      REQUIRE_FALSE(bad.ok());
      CHECK(bad.error().code == ErrorCode::kMalformedResponse);
      CHECK(bad.error().get("field") == field);
    }
  }
}

TEST_CASE("decoding stops at a cancelled token", "[data][wire]") {
  const Json body = parsed(encode_historical_response(request_1h(), series_of(300)));
  CancellationSource source;
  source.cancel();
  const auto cancelled = decode_historical_response(body, source.token());
  REQUIRE_FALSE(cancelled.ok());
  CHECK(cancelled.error().code == ErrorCode::kCancelled);
}

TEST_CASE("pacing limits round-trip through JSON", "[data][wire]") {
  for (const PacingLimits& limits : {PacingLimits::interactive_brokers(), PacingLimits::unlimited(),
                                     PacingLimits{.max_requests = 2,
                                     .window = milliseconds(1500),
                                     .identical_interval = milliseconds(250),
                                     .max_contract_requests = 1,
                                     .contract_window = milliseconds(10)}}) {
    const Json json = pacing_limits_to_json(limits);
    CHECK(pacing_limits_from_json(json).value() == limits);
  }
  const Json ib = pacing_limits_to_json(PacingLimits::interactive_brokers());
  CHECK(ib.get_int("max_requests") == 60);
  CHECK(ib.get_int("window_ms") == 600000);
  CHECK(ib.get_int("identical_interval_ms") == 15000);
  CHECK(ib.get_int("max_contract_requests") == 5);
  CHECK(ib.get_int("contract_window_ms") == 2000);

  Json bad = ib;
  bad.set("window_ms", -1);
  const auto negative = pacing_limits_from_json(bad);
  REQUIRE_FALSE(negative.ok());
  CHECK(negative.error().code == ErrorCode::kMalformedResponse);
  CHECK(negative.error().get("field") == "window_ms");
  bad = ib;
  bad.erase("contract_window_ms");
  CHECK(pacing_limits_from_json(bad).error().get("field") == "contract_window_ms");
}
