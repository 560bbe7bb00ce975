#include <catch2/catch.hpp>

#include "instrument.hpp"

using namespace ktrdr;
using namespace ktrdr::data;

TEST_CASE("instruments are parsed and inferred from symbols", "[data][instrument]") {
  CHECK(parse_instrument("forex").value() == Instrument::kForex);
  REQUIRE_FALSE(parse_instrument("bond").ok());
  CHECK(parse_instrument("bond").error().get("value") == "bond");
  CHECK(infer_instrument("EURUSD") == Instrument::kForex);
  CHECK(infer_instrument("usdjpy") == Instrument::kForex);
  CHECK(infer_instrument("BTCUSDT") == Instrument::kCrypto);
  CHECK(infer_instrument("ETH-USD") == Instrument::kCrypto);
  CHECK(infer_instrument("AAPL") == Instrument::kStock);
  CHECK(infer_instrument("BRK.B") == Instrument::kStock);
  CHECK(infer_instrument("EURUSX") == Instrument::kStock);
  CHECK(market_of(Instrument::kForex) == Market::kFx);
  CHECK(market_of(Instrument::kStock) == Market::kUsEquity);
  CHECK(market_of(Instrument::kCrypto) == Market::kCrypto);
}
