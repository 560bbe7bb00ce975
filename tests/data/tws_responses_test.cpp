#include "tws/tws_responses.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "tws/tws_versions.hpp"
#include "tws_notation.hpp"

using namespace ktrdr;
using namespace ktrdr::data::tws;
using ktrdr::data::tws::testing::msg;
using namespace std::chrono;

namespace {

TimeZone new_york() { return TimeZone::named("America/New_York").value_or_throw(); }

sys_seconds utc(year_month_day day, int hour = 0, int minute = 0, int second = 0) {
  return sys_days{day} + hours{hour} + minutes{minute} + seconds{second};
}

void check_malformed(const Error& error, const std::string& id, const std::string& field) {
  CHECK(error.code == ErrorCode::kMalformedResponse);
  CHECK(error.get("message_id") == id);
  CHECK(error.get("field") == field);
  CHECK_THAT(error.message, Catch::Contains("(" + id + ")") && Catch::Contains(field));
}

// pyfutures' captures (§3.3): the header and first bar as recorded; later bars are elided in
// the capture and filled in here.
const std::string kDailyBid =
    "17|0|20231111-21:34:26|20231115-21:34:26|2|"
    "20231110|2603.00|2616.00|2577.00|2596.00|-1|-1|-1|"
    "20231113|2596.00|2601.00|2571.00|2584.00|-1|-1|-1|";

// The AAPL contractData body recorded by rust-ibapi (§4), its elided lists filled in.
std::string aapl_contract_body(bool last_trade_date) {
  return std::string("AAPL|STK||") + (last_trade_date ? "|" : "") +
         "0||SMART|USD|AAPL|NMS|NMS|265598|0.01||ACTIVETIM,AD,ADJUST,ALERT|SMART,AMEX,NYSE|1|0|"
         "APPLE INC|NASDAQ||Technology|Computers|Computers|US/Eastern|"
         "20250324:0400-20250324:2000;20250325:0400-20250325:2000|"
         "20250324:0930-20250324:1600;20250325:0930-20250325:1600|||1|ISIN|US0378331005|1|||"
         "26,26,26|||COMMON|0.0001|0.0001|100|";
}

}  // namespace

TEST_CASE("any message's id can be read, known or not", "[data][tws][responses]") {
  CHECK(message_id(msg("88|1|345479400|")).value() == 88);
  CHECK(message_id(msg("49|1|1752606307|")).value() == 49);
  CHECK(static_cast<IncomingMessage>(message_id(msg("17|0|")).value()) ==
        IncomingMessage::kHistoricalData);
  CHECK(message_id({}).error().get("field") == "msgId");
  const Result<int> garbage = message_id(msg("x17|1|"));
  REQUIRE_FALSE(garbage.ok());
  CHECK(garbage.error().get("value") == "x17");
}

TEST_CASE("the connect ack is the first two-field message", "[data][tws][responses]") {
  SECTION("pyfutures' 176 and the brief's 187") {
    const auto ack = parse_connect_ack(msg("176|20240308 13:30:34 Greenwich Mean Time|"));
    REQUIRE(ack.ok());
    REQUIRE(ack->has_value());
    CHECK((*ack)->server_version == 176);
    CHECK((*ack)->connection_time == "20240308 13:30:34 Greenwich Mean Time");
    CHECK((*ack)->redirect.empty());
    CHECK(parse_connect_ack(msg("187|20250131 16:00:00 US/Eastern|")).value()->server_version ==
          187);
  }
  SECTION("other messages are not the ack") {
    CHECK_FALSE(parse_connect_ack(msg("15|1|DU1234567|")).value().has_value());
    CHECK_FALSE(parse_connect_ack(msg("176|")).value().has_value());
  }
  SECTION("a negative version redirects to host:port") {
    const auto ack = parse_connect_ack(msg("-176|gw2.example.com:4002|"));
    REQUIRE(ack.ok());
    CHECK((*ack)->server_version == 176);
    CHECK((*ack)->redirect == "gw2.example.com:4002");
    CHECK((*ack)->connection_time.empty());
    CHECK(parse_connect_ack(msg("-176||")).error().get("field") == "host:port");
    // Found by fuzz_tws_frames: negating INT_MIN overflowed.
    const auto int_min = parse_connect_ack(msg("-2147483648|gw2.example.com:4002|"));
    REQUIRE_FALSE(int_min.ok());
    CHECK(int_min.error().get("field") == "serverVersion");
    CHECK(int_min.error().get("value") == "-2147483648");
  }
  SECTION("a version outside the offered 100..187 is refused, naming it") {
    for (const char* version : {"201", "213", "188", "99"}) {
      INFO(version);
      const auto ack = parse_connect_ack(msg(std::string(version) + "|20250131 16:00:00 EST|"));
      REQUIRE_FALSE(ack.ok());
      CHECK(ack.error().code == ErrorCode::kMalformedResponse);
      CHECK(ack.error().get("field") == "serverVersion");
      CHECK(ack.error().get("value") == version);
      CHECK_THAT(ack.error().message, Catch::Contains(version) && Catch::Contains("v100..187"));
    }
    CHECK_THAT(parse_connect_ack(msg("201|x|")).error().message, Catch::Contains("binary"));
    CHECK(parse_connect_ack(msg("v176|x|")).error().get("value") == "v176");
  }
}

TEST_CASE("managedAccounts and nextValidId open the session", "[data][tws][responses]") {
  CHECK(parse_managed_accounts(msg("15|1|DU1234567|")).value() ==
        std::vector<std::string>{"DU1234567"});
  CHECK(parse_managed_accounts(msg("15|1|DU1234567,DU7654321,|")).value() ==
        std::vector<std::string>{"DU1234567", "DU7654321"});
  CHECK(parse_managed_accounts(msg("15|1||")).value().empty());
  CHECK(parse_next_valid_id(msg("9|1|117|")).value() == 117);
  check_malformed(parse_next_valid_id(msg("9|1|")).error(), "9", "orderId");
  check_malformed(parse_next_valid_id(msg("15|1|DU1234567|")).error(), "9", "msgId");
}

TEST_CASE("error messages parse in both layouts, keeping code and text", "[data][tws][responses]") {
  SECTION("166 on: advancedOrderRejectJson follows the text (nautilus_trader's notices)") {
    const TwsError notice =
        parse_error(msg("4|2|-1|2104|Market data farm connection is OK:usfarm.nj||"), 176).value();
    CHECK(notice.req_id == -1);
    CHECK(notice.code == 2104);
    CHECK(notice.text == "Market data farm connection is OK:usfarm.nj");
    CHECK(notice.advanced_order_reject_json.empty());
    const TwsError no_data = parse_error(msg("4|2|2|162|Historical Market Data Service error "
                                             "message:HMDS query returned no data: AAPL@SMART "
                                             "Trades||"),
                                         kMaxServerVersion)
                                 .value();
    CHECK(no_data.req_id == 2);
    CHECK(no_data.code == 162);
    CHECK_THAT(no_data.text, Catch::EndsWith("HMDS query returned no data: AAPL@SMART Trades"));
  }
  SECTION("below 166 the text is the last field") {
    const TwsError error =
        parse_error(msg("4|2|1|354|Requested market data is not subscribed.|"), 165).value();
    CHECK(error.req_id == 1);
    CHECK(error.code == 354);
    CHECK(error.text == "Requested market data is not subscribed.");
  }
  SECTION("the 166 layout without its json field is truncated") {
    const Result<TwsError> error =
        parse_error(msg("4|2|1|354|Requested market data is not subscribed.|"), 166);
    REQUIRE_FALSE(error.ok());
    check_malformed(error.error(), "4", "advancedOrderRejectJson");
    CHECK_THAT(error.error().message, Catch::Contains("truncated"));
  }
  SECTION("a code that is not a number is named with its value") {
    const Result<TwsError> error = parse_error(msg("4|2|1|abc|text||"), 176);
    REQUIRE_FALSE(error.ok());
    check_malformed(error.error(), "4", "errorCode");
    CHECK(error.error().get("value") == "abc");
  }
}

TEST_CASE("contractData yields the contract, its zone and its hours", "[data][tws][responses]") {
  const auto check_aapl = [](const TwsContractDetails& details) {
    CHECK(details.req_id == 1);
    CHECK(details.contract.con_id == 265598);
    CHECK(details.contract.symbol == "AAPL");
    CHECK(details.contract.sec_type == "STK");
    CHECK(details.contract.strike == 0.0);
    CHECK(details.contract.exchange == "SMART");
    CHECK(details.contract.primary_exchange == "NASDAQ");
    CHECK(details.contract.currency == "USD");
    CHECK(details.contract.local_symbol == "AAPL");
    CHECK(details.contract.trading_class == "NMS");
    CHECK(details.contract.multiplier.empty());
    CHECK(details.market_name == "NMS");
    CHECK(details.long_name == "APPLE INC");
    CHECK(details.min_tick == Approx(0.01));
    CHECK(details.time_zone_id == "US/Eastern");
    CHECK(details.trading_hours == "20250324:0400-20250324:2000;20250325:0400-20250325:2000");
    CHECK(details.liquid_hours == "20250324:0930-20250324:1600;20250325:0930-20250325:1600");
  };
  SECTION("versions 164-181: no version field, no lastTradeDate") {
    check_aapl(parse_contract_data(msg("10|1|" + aapl_contract_body(false)), 176).value());
  }
  SECTION("182 on: lastTradeDate after the contract month; 186's ineligibility count skipped") {
    const TwsContractDetails details =
        parse_contract_data(msg("10|1|" + aapl_contract_body(true) + "0|"), 187).value();
    check_aapl(details);
    CHECK(details.last_trade_date.empty());
  }
  SECTION("below 164: a version field, and mdSizeMultiplier after minTick from 110") {
    std::string body = aapl_contract_body(false);
    body.insert(body.find("0.01|") + 5, "100|");
    check_aapl(parse_contract_data(msg("10|8|1|" + body), 163).value());
  }
  SECTION("the fields after liquidHours may be missing") {
    const std::string body = aapl_contract_body(false);
    const std::string through_liquid_hours = body.substr(0, body.find("|||1|ISIN") + 1);
    check_aapl(parse_contract_data(msg("10|1|" + through_liquid_hours), 176).value());
  }
  SECTION("a truncated or non-numeric field is named") {
    check_malformed(parse_contract_data(msg("10|1|AAPL|STK||0||SMART|"), 176).error(), "10",
                    "currency");
    std::string body = aapl_contract_body(false);
    body.replace(body.find("265598"), 6, "26x598");
    const Result<TwsContractDetails> bad = parse_contract_data(msg("10|1|" + body), 176);
    check_malformed(bad.error(), "10", "conId");
    CHECK(bad.error().get("value") == "26x598");
  }
  SECTION("contractDataEnd closes the request") {
    CHECK(parse_contract_data_end(msg("52|1|9001|")).value() == 9001);
    check_malformed(parse_contract_data_end(msg("52|1|")).error(), "52", "reqId");
  }
}

TEST_CASE("headTimestamp reads epoch seconds and TWS's UTC form", "[data][tws][responses]") {
  const TwsHeadTimestamp step8 = parse_head_timestamp(msg("88|1|345479400|"), new_york()).value();
  CHECK(step8.req_id == 1);
  CHECK(step8.time == utc(1980y / 12 / 12, 14, 30));
  CHECK(parse_head_timestamp(msg("88|9000|1678323335|"), new_york()).value().time ==
        utc(2023y / 3 / 9, 0, 55, 35));
  CHECK(parse_head_timestamp(msg("88|0|20220329-08:00:00|"), new_york()).value().time ==
        utc(2022y / 3 / 29, 8));
  const Result<TwsHeadTimestamp> bad = parse_head_timestamp(msg("88|1|soon|"), new_york());
  check_malformed(bad.error(), "88", "headTimestamp");
  CHECK(bad.error().get("value") == "soon");
}

TEST_CASE("historicalData reads the captured date forms into UTC bars", "[data][tws][responses]") {
  SECTION("daily BID bars stay yyyymmdd with formatDate=2; -1 volume, WAP and count") {
    const TwsHistoricalData data =
        parse_historical_data(msg(kDailyBid), kMaxServerVersion, new_york()).value();
    CHECK(data.req_id == 0);
    CHECK(data.start == utc(2023y / 11 / 11, 21, 34, 26));
    CHECK(data.end == utc(2023y / 11 / 15, 21, 34, 26));
    REQUIRE(data.bars.size() == 2);
    const TwsBar& bar = data.bars[0];
    CHECK(bar.time == utc(2023y / 11 / 10));
    CHECK(bar.open == 2603.0);
    CHECK(bar.high == 2616.0);
    CHECK(bar.low == 2577.0);
    CHECK(bar.close == 2596.0);
    CHECK(bar.volume == -1.0);
    CHECK(bar.wap == -1.0);
    CHECK(bar.bar_count == -1);
    CHECK(data.bars[1].time == utc(2023y / 11 / 13));
  }
  SECTION("minute bars in epoch seconds under a string header") {
    const TwsHistoricalData data =
        parse_historical_data(msg("17|0|20231115-22:14:33|20231115-22:17:33|3|"
                                  "1700069220|2729.00|2729.00|2726.00|2726.00|-1|-1|-1|"
                                  "1700069280|2726.00|2727.00|2725.00|2727.00|-1|-1|-1|"
                                  "1700069340|2727.00|2728.00|2727.00|2728.00|-1|-1|-1|"),
                              kMaxServerVersion, new_york())
            .value();
    REQUIRE(data.bars.size() == 3);
    CHECK(data.bars[0].time == utc(2023y / 11 / 15, 17, 27));
    CHECK(data.bars[2].time == utc(2023y / 11 / 15, 17, 29));
    CHECK(data.bars[2].close == 2728.0);
  }
  SECTION("hourly FX with US/Eastern zones (ib_insync#555)") {
    const TwsHistoricalData data =
        parse_historical_data(
            msg("17|3|20230112 20:19:28 US/Eastern|20230211 20:19:28 US/Eastern|2|"
                "20221229 17:15:00 US/Eastern|1.06665|1.0668|1.0664|1.06675|-1|-1|-1|"
                "20221229 18:00:00 US/Eastern|1.06675|1.0671|1.0666|1.0669|-1|-1|-1|"),
            176, TimeZone::named("Etc/UTC").value_or_throw())
            .value();
    CHECK(data.start == utc(2023y / 1 / 13, 1, 19, 28));
    REQUIRE(data.bars.size() == 2);
    CHECK(data.bars[0].time == utc(2022y / 12 / 29, 22, 15));
    CHECK(data.bars[0].open == Approx(1.06665));
    CHECK(data.bars[1].time == utc(2022y / 12 / 29, 23));
  }
  SECTION("TRADES bars with decimal volume and WAP (the brief's step 11)") {
    const TwsHistoricalData data =
        parse_historical_data(
            msg("17|2|20250714 08:59:54 US/Eastern|20250715 08:59:54 US/Eastern|1|"
                "1752499800|209.93|210.91|207.67|207.89|5583527|208.961|28611|"),
            187, new_york())
            .value();
    REQUIRE(data.bars.size() == 1);
    CHECK(data.bars[0].time == utc(2025y / 7 / 14, 13, 30));
    CHECK(data.bars[0].volume == 5583527.0);
    CHECK(data.bars[0].wap == Approx(208.961));
    CHECK(data.bars[0].bar_count == 28611);
  }
  SECTION("the legacy two-space header is read in the zone the caller gives") {
    const std::string legacy =
        "17|9000|20230413  16:31:22|20230415  16:31:22|2|"
        "20230413|182.9400|186.5000|180.9400|185.9000|948837.22|184.869|324891|"
        "20230414|185.9000|186.2000|183.1000|184.0000|501234.5|184.5|200001|";
    const TwsHistoricalData data =
        parse_historical_data(msg(legacy), kMaxServerVersion, new_york()).value();
    CHECK(data.start == utc(2023y / 4 / 13, 20, 31, 22));  // EDT
    CHECK(data.bars[0].volume == Approx(948837.22));
    CHECK(data.bars[1].bar_count == 200001);
  }
  SECTION("below 124: a version field and hasGaps before barCount") {
    const TwsHistoricalData data =
        parse_historical_data(msg("17|3|0|20231111-21:34:26|20231115-21:34:26|1|"
                                  "20231110|2603.00|2616.00|2577.00|2596.00|-1|-1|false|-1|"),
                              123, new_york())
            .value();
    CHECK(data.req_id == 0);
    REQUIRE(data.bars.size() == 1);
    CHECK(data.bars[0].close == 2596.0);
    CHECK(data.bars[0].bar_count == -1);
  }
  SECTION("no bars") {
    CHECK(parse_historical_data(msg("17|4|20231111-21:34:26|20231115-21:34:26|0|"), 187, new_york())
              .value()
              .bars.empty());
  }
}

TEST_CASE("a truncated or malformed historicalData is an error naming field and bar",
          "[data][tws][responses]") {
  const TimeZone zone = new_york();
  SECTION("truncated inside the second bar") {
    const std::string truncated = kDailyBid.substr(0, kDailyBid.find("2584.00|"));
    const Result<TwsHistoricalData> data = parse_historical_data(msg(truncated), 187, zone);
    REQUIRE_FALSE(data.ok());
    check_malformed(data.error(), "17", "close");
    CHECK(data.error().get("bar") == "1");
    CHECK_THAT(data.error().message, Catch::Contains("truncated") && Catch::Contains("bar 1"));
  }
  SECTION("a count larger than the bars sent") {
    const Result<TwsHistoricalData> data =
        parse_historical_data(msg("17|0|20231111-21:34:26|20231115-21:34:26|100000|"), 187, zone);
    check_malformed(data.error(), "17", "date");
    CHECK(data.error().get("bar") == "0");
  }
  SECTION("a layout with hasGaps at 124 on misreads, and is caught") {
    const Result<TwsHistoricalData> data =
        parse_historical_data(msg("17|0|20231111-21:34:26|20231115-21:34:26|1|"
                                  "20231110|2603.00|2616.00|2577.00|2596.00|-1|-1|false|-1|"),
                              187, zone);
    REQUIRE_FALSE(data.ok());
    CHECK(data.error().code == ErrorCode::kMalformedResponse);
    // "false" is read as barCount.
    CHECK(data.error().get("field") == "barCount");
    CHECK(data.error().get("value") == "false");
  }
  SECTION("a count that disagrees with the fields") {
    const Result<TwsHistoricalData> data =
        parse_historical_data(msg("17|0|20231111-21:34:26|20231115-21:34:26|1|"
                                  "20231110|2603.00|2616.00|2577.00|2596.00|-1|-1|-1|"
                                  "20231113|2596.00|2601.00|2571.00|2584.00|-1|-1|-1|"),
                              187, zone);
    check_malformed(data.error(), "17", "itemCount");
    CHECK(data.error().get("value") == "1");
    CHECK_FALSE(data.error().get("bar").has_value());
  }
  SECTION("a price that is not a number") {
    std::string bad = kDailyBid;
    bad.replace(bad.find("2616.00"), 7, "2616,00");
    const Result<TwsHistoricalData> data = parse_historical_data(msg(bad), 187, zone);
    check_malformed(data.error(), "17", "high");
    CHECK(data.error().get("value") == "2616,00");
    CHECK(data.error().get("bar") == "0");
  }
  SECTION("formatDate=3's year-less dates are refused (ib_async#161)") {
    const Result<TwsHistoricalData> data = parse_historical_data(
        msg("17|6|20250714 08:59:54 US/Eastern|20250715 08:59:54 US/Eastern|1|"
            "0714 09:30:00 US/Eastern|209.93|210.91|207.67|207.89|5583527|208.961|28611|"),
        187, zone);
    check_malformed(data.error(), "17", "date");
    CHECK(data.error().get("value") == "0714 09:30:00 US/Eastern");
  }
  SECTION("a negative count") {
    check_malformed(
        parse_historical_data(msg("17|0|20231111-21:34:26|20231115-21:34:26|-1|"), 187, zone)
            .error(),
        "17", "itemCount");
  }
}
