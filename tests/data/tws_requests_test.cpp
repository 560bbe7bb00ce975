#include "tws/tws_requests.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "tws/tws_time.hpp"
#include "tws/tws_versions.hpp"
#include "tws_notation.hpp"

using namespace ktrdr;
using namespace ktrdr::data::tws;
using ktrdr::data::tws::testing::nul;
using namespace std::chrono;
using namespace std::string_literals;

namespace {

// The frame a builder's fields make.
std::string wire(const Fields& fields) { return encode_message(fields).value(); }

TwsContract aapl() {
  return TwsContract{.symbol = "AAPL", .sec_type = "STK", .exchange = "SMART", .currency = "USD"};
}

// The contract pyfutures' captures ask for: conId only, on ICEEUSOFT.
TwsContract ice_conid() { return TwsContract{.con_id = 553444806, .exchange = "ICEEUSOFT"}; }

TwsHistoricalDataRequest aapl_1m_of_1h() {
  return TwsHistoricalDataRequest{.req_id = 2,
                                  .contract = aapl(),
                                  .bar_size = "1 hour",
                                  .duration = "1 M",
                                  .use_rth = true,
                                  .what_to_show = "TRADES",
                                  .format_date = 2};
}

}  // namespace

TEST_CASE("startApi matches the captured bytes, capabilities from version 72",
          "[data][tws][requests]") {
  // wrighter/ib-scripts#13: b'\x00\x00\x00\x0871\x002\x000\x00\x00' (clientId 0).
  CHECK(wire(start_api(kMaxServerVersion, 0)) == "\x00\x00\x00\x08"s + nul("71|2|0||"));
  // pyfutures, and the brief's §10 step 3: clientId 1.
  CHECK(wire(start_api(176, 1)) == "\x00\x00\x00\x08"s + nul("71|2|1||"));
  CHECK(start_api(71, 1) == Fields{"71", "2", "1"});
  CHECK(start_api(72, 1, "cap") == Fields{"71", "2", "1", "cap"});
}

TEST_CASE("reqContractDetails matches the AMGN capture, issuerId from version 176",
          "[data][tws][requests]") {
  const TwsContract amgn{
      .symbol = "AMGN", .sec_type = "STK", .exchange = "SMART", .currency = "USD"};
  // wrighter/ib-scripts#13: b'\x00\x00\x00*9\x008\x001\x000\x00AMGN\x00STK\x00\x000.0\x00\x00
  // \x00SMART\x00\x00USD\x00\x00\x000\x00\x00\x00\x00', 42 bytes, 19 fields.
  CHECK(wire(req_contract_details(176, 1, amgn)) ==
        "\x00\x00\x00*"s + nul("9|8|1|0|AMGN|STK||0.0|||SMART||USD|||0||||"));
  CHECK(req_contract_details(kMaxServerVersion, 1, amgn).size() == 19);
  const Fields before_issuer = req_contract_details(175, 1, amgn);
  CHECK(before_issuer.size() == 18);
  CHECK(before_issuer.back() == "");
}

TEST_CASE("reqHeadTimestamp matches the brief's step 7 and the pyfutures capture",
          "[data][tws][requests]") {
  SECTION("§10 step 7: AAPL TRADES, useRTH, epoch dates: 18 fields, 49 bytes") {
    const Fields fields = req_head_timestamp(187, 1, aapl(), "TRADES", true, 2).value();
    CHECK(fields.size() == 18);
    CHECK(wire(fields) ==
          "\x00\x00\x00\x31"s + nul("87|1|0|AAPL|STK||0.0|||SMART||USD|||0|1|TRADES|2|"));
  }
  SECTION("pyfutures: a conId-only contract, BID, date strings (48 bytes)") {
    // b"\x00\x00\x00087\x000\x00553444806\x00\x00\x00\x000.0\x00\x00\x00ICEEUSOFT\x00\x00\x00
    // \x00\x000\x001\x00BID\x001\x00"
    CHECK(wire(req_head_timestamp(176, 0, ice_conid(), "BID", true, 1).value()) ==
          "\x00\x00\x00\x30"s +  // 0x30: the '0' in the capture
              nul("87|0|553444806||||0.0|||ICEEUSOFT|||||0|1|BID|1|"));
  }
  SECTION("a server older than 118 cannot take it, nor one older than 123 its cancel") {
    const Result<Fields> head = req_head_timestamp(117, 1, aapl(), "TRADES", true, 2);
    REQUIRE_FALSE(head.ok());
    CHECK(head.error().code == ErrorCode::kConflict);
    CHECK(head.error().get("server_version") == "117");
    CHECK(head.error().get("needed_version") == "118");
    CHECK_FALSE(cancel_head_timestamp(122, 1).ok());
  }
}

TEST_CASE("cancels are 90|reqId| and 25|1|reqId|", "[data][tws][requests]") {
  CHECK(wire(cancel_head_timestamp(187, 1).value()) == "\x00\x00\x00\x05"s + nul("90|1|"));
  CHECK(wire(cancel_historical_data(2)) == "\x00\x00\x00\x07"s + nul("25|1|2|"));
}

TEST_CASE("reqHistoricalData matches the brief's step 10 with barSize before duration",
          "[data][tws][requests]") {
  SECTION("endDateTime empty (now): 23 fields, 64 bytes") {
    const Fields fields = req_historical_data(187, aapl_1m_of_1h());
    CHECK(fields.size() == 23);
    CHECK(wire(fields) ==
          "\x00\x00\x00\x40"s +
              nul("20|2|0|AAPL|STK||0.0|||SMART||USD|||0||1 hour|1 M|1|TRADES|2|0||"));
  }
  SECTION("a fixed end in UTC: 81 bytes") {
    TwsHistoricalDataRequest request = aapl_1m_of_1h();
    request.end_date_time = format_end_date_time(sys_days{2025y / 1 / 31} + 21h);
    CHECK(wire(req_historical_data(187, request)) ==
          "\x00\x00\x00\x51"s +
              nul("20|2|0|AAPL|STK||0.0|||SMART||USD|||0|20250131-21:00:00|1 hour|1 M|1|TRADES|"
                  "2|0||"));
  }
}

TEST_CASE("reqHistoricalData matches the public captures", "[data][tws][requests]") {
  SECTION("pyfutures: 4 days of daily BID bars by conId (62 bytes)") {
    // b"\x00\x00\x00>20\x000\x00553444806\x00\x00\x00\x000.0\x00\x00\x00ICEEUSOFT\x00\x00\x00
    // \x00\x000\x00\x001 day\x004 D\x001\x00BID\x002\x000\x00\x00"
    const TwsHistoricalDataRequest request{.req_id = 0,
                                           .contract = ice_conid(),
                                           .bar_size = "1 day",
                                           .duration = "4 D",
                                           .use_rth = true,
                                           .what_to_show = "BID",
                                           .format_date = 2};
    CHECK(wire(req_historical_data(176, request)) ==
          "\x00\x00\x00>"s + nul("20|0|553444806||||0.0|||ICEEUSOFT|||||0||1 day|4 D|1|BID|2|0||"));
  }
  SECTION("wrighter/ib-scripts#1: MNQ continuous future, 1-second bars (85 bytes)") {
    // b'\x00\x00\x00U20\x002\x000\x00MNQ\x00CONTFUT\x00\x000.0\x00\x00\x00GLOBEX\x00\x00USD
    // \x00\x00\x000\x0020220701 00:00:00\x001 secs\x001 D\x000\x00TRADES\x001\x000\x00\x00'
    const TwsHistoricalDataRequest request{
        .req_id = 2,
        .contract =
            TwsContract{
                .symbol = "MNQ", .sec_type = "CONTFUT", .exchange = "GLOBEX", .currency = "USD"},
        .end_date_time = "20220701 00:00:00",
        .bar_size = "1 secs",
        .duration = "1 D",
        .use_rth = false,
        .what_to_show = "TRADES",
        .format_date = 1};
    CHECK(wire(req_historical_data(176, request)) ==
          "\x00\x00\x00U"s + nul("20|2|0|MNQ|CONTFUT||0.0|||GLOBEX||USD|||0|20220701 00:00:00|"
                                 "1 secs|1 D|0|TRADES|1|0||"));
  }
}

TEST_CASE("reqHistoricalData below version 124 has a version field and no keepUpToDate",
          "[data][tws][requests]") {
  const Fields fields = req_historical_data(123, aapl_1m_of_1h());
  CHECK(fields.size() == 23);
  CHECK(fields[0] == "20");
  CHECK(fields[1] == "6");
  CHECK(fields[2] == "2");
  CHECK(fields[21] == "2");  // formatDate, then chartOptions
  CHECK(fields[22] == "");
}

TEST_CASE("contract fields carry strike, expiry and flags as TWS reads them",
          "[data][tws][requests]") {
  const TwsContract option{.con_id = 12345,
                           .symbol = "SPY",
                           .sec_type = "OPT",
                           .last_trade_date_or_contract_month = "20250321",
                           .strike = 572.5,
                           .right = "C",
                           .multiplier = "100",
                           .exchange = "SMART",
                           .primary_exchange = "ARCA",
                           .currency = "USD",
                           .local_symbol = "SPY   250321C00572500",
                           .trading_class = "SPY",
                           .include_expired = true};
  const Fields fields = req_contract_details(187, 7, option);
  CHECK(Fields(fields.begin() + 2, fields.end()) ==
        Fields{"7", "12345", "SPY", "OPT", "20250321", "572.5", "C", "100", "SMART", "ARCA", "USD",
               "SPY   250321C00572500", "SPY", "1", "", "", ""});
  TwsContract whole = option;
  whole.strike = 400;
  CHECK(req_contract_details(187, 7, whole)[7] == "400.0");
}

TEST_CASE("a BAG contract is sent with no combo legs", "[data][tws][requests]") {
  TwsHistoricalDataRequest request = aapl_1m_of_1h();
  request.contract.sec_type = "BAG";
  const Fields fields = req_historical_data(187, request);
  REQUIRE(fields.size() == 24);
  CHECK(fields[21] == "0");  // legs, after formatDate
}
