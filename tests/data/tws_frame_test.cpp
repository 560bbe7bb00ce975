#include "tws/tws_frame.hpp"

#include <catch2/catch.hpp>
#include <string>

#include "tws_notation.hpp"

using namespace ktrdr;
using namespace ktrdr::data::tws;
using namespace std::string_literals;
using ktrdr::data::tws::testing::nul;

namespace {

// The brief's server ack, as pyfutures' mock server sends it:
// b"\x00\x00\x00*176\x0020240308 13:30:34 Greenwich Mean Time\x00".
const std::string kAckFrame = "\x00\x00\x00*"s + nul("176|20240308 13:30:34 Greenwich Mean Time|");

// Every complete message the reader holds now.
std::vector<Fields> drain(FrameReader& reader) {
  std::vector<Fields> messages;
  while (true) {
    Result<std::optional<Fields>> next = reader.next();
    REQUIRE(next.ok());
    if (!next->has_value()) return messages;
    messages.push_back(std::move(**next));
  }
}

}  // namespace

TEST_CASE("fields encode as NUL-terminated text behind a big-endian length", "[data][tws]") {
  CHECK(encode_fields({"71", "2", "1", ""}).value() == nul("71|2|1||"));
  CHECK(frame_payload("abc").value() == "\x00\x00\x00\x03"s + "abc");
  CHECK(frame_payload(std::string(0x1234, 'x')).value().substr(0, 4) == "\x00\x00\x12\x34"s);
  // The brief's §10 step 3: startApi with clientId 1 and empty capabilities.
  CHECK(encode_message({"71", "2", "1", ""}).value() == "\x00\x00\x00\x08"s + nul("71|2|1||"));
}

TEST_CASE("a field that is not printable ASCII is refused, naming it", "[data][tws]") {
  const Result<std::string> encoded = encode_fields({"20", "2", "AA\x01PL"});
  REQUIRE_FALSE(encoded.ok());
  CHECK(encoded.error().code == ErrorCode::kInvalidArgument);
  CHECK(encoded.error().get("message_id") == "20");
  CHECK(encoded.error().get("field") == "2");
  CHECK(encoded.error().get("value") == "AA\\x01PL");
  CHECK_THAT(encoded.error().message, Catch::Contains("field 2") && Catch::Contains("AA\\x01PL"));
  CHECK_FALSE(encode_message({"20", "caf\xC3\xA9"}).ok());
  CHECK_FALSE(encode_fields({"20", "a\0b"s}).ok());
}

TEST_CASE("a frame payload must be 1 to 0xFFFFFF bytes long", "[data][tws]") {
  const Result<std::string> empty = frame_payload("");
  REQUIRE_FALSE(empty.ok());
  CHECK(empty.error().get("length") == "0");
  const Result<std::string> oversize = frame_payload(std::string(0x1000000, 'x'));
  REQUIRE_FALSE(oversize.ok());
  CHECK(oversize.error().get("length") == "16777216");
  CHECK_THAT(oversize.error().message, Catch::Contains("16777216"));
  CHECK_FALSE(encode_message({}).ok());
}

TEST_CASE("the handshake is API\\0 then the framed version offer", "[data][tws]") {
  SECTION("the brief's §10 step 1: v100..187") {
    CHECK(encode_handshake(100, 187).value() == "API\x00\x00\x00\x00\x09v100..187"s);
  }
  SECTION("connect options follow one space, and the length counts them") {
    CHECK(encode_handshake(100, 187, "+PACEAPI").value() ==
          "API\x00\x00\x00\x00\x12v100..187 +PACEAPI"s);
  }
  SECTION("a single version is offered as v<min>, as IB's C++ client does") {
    // pyfutures' Python client sends "v176..176" instead; either form is a valid offer.
    CHECK(encode_handshake(176, 176).value() == "API\x00\x00\x00\x00\x04v176"s);
  }
  SECTION("an empty or inverted range, and unprintable options, are refused") {
    CHECK(encode_handshake(187, 100).error().get("min_version") == "187");
    CHECK_FALSE(encode_handshake(0, 187).ok());
    CHECK_FALSE(encode_handshake(100, 187, "+PACE\nAPI").ok());
  }
}

TEST_CASE("a payload splits on NUL without the element after the last terminator", "[data][tws]") {
  CHECK(split_fields("a\0\0b\0"s) == Fields{"a", "", "b"});
  CHECK(split_fields(nul("71|2|1||")) == Fields{"71", "2", "1", ""});
  CHECK(split_fields("\0"s) == Fields{""});
  // The version offer carries no terminator: its text is the one field.
  CHECK(split_fields("v100..187 +PACEAPI") == Fields{"v100..187 +PACEAPI"});
}

TEST_CASE("the reader yields a frame fed byte by byte only once it is complete", "[data][tws]") {
  FrameReader reader;
  for (std::size_t i = 0; i + 1 < kAckFrame.size(); ++i) {
    reader.feed(kAckFrame.substr(i, 1));
    const Result<std::optional<Fields>> next = reader.next();
    REQUIRE(next.ok());
    CHECK_FALSE(next->has_value());
  }
  CHECK(reader.buffered() == kAckFrame.size() - 1);
  reader.feed(kAckFrame.substr(kAckFrame.size() - 1));
  const Result<std::optional<Fields>> next = reader.next();
  REQUIRE(next.ok());
  REQUIRE(next->has_value());
  CHECK(**next == Fields{"176", "20240308 13:30:34 Greenwich Mean Time"});
  CHECK(reader.buffered() == 0);
}

TEST_CASE("the reader splits several frames fed at once, keeping a partial one", "[data][tws]") {
  // The start of nautilus_trader's post-connect stream, plus half of the next frame.
  const std::string accounts = encode_message({"15", "1", "DU1234567"}).value();
  const std::string next_id = encode_message({"9", "1", "117"}).value();
  const std::string notice =
      encode_message({"4", "2", "-1", "2104", "Market data farm connection is OK:usfarm.nj", ""})
          .value();
  FrameReader reader;
  reader.feed(accounts + next_id + notice.substr(0, 10));
  CHECK(drain(reader) == std::vector<Fields>{{"15", "1", "DU1234567"}, {"9", "1", "117"}});
  CHECK(reader.buffered() == 10);
  reader.feed(notice.substr(10) + accounts.substr(0, 2));
  CHECK(drain(reader) == std::vector<Fields>{{"4", "2", "-1", "2104",
                                              "Market data farm connection is OK:usfarm.nj", ""}});
  reader.feed(accounts.substr(2));
  CHECK(drain(reader) == std::vector<Fields>{{"15", "1", "DU1234567"}});
}

TEST_CASE("the reader takes the pyfutures version offer once its API prefix is read",
          "[data][tws]") {
  // b"API\x00\x00\x00\x00\tv176..176": the server reads the 4 sign bytes, then frames.
  const std::string opening = "API\x00\x00\x00\x00\x09v176..176"s;
  REQUIRE(opening.substr(0, 4) == "API\0"s);
  FrameReader reader;
  reader.feed(opening.substr(4));
  CHECK(drain(reader) == std::vector<Fields>{{"v176..176"}});
}

TEST_CASE("a frame of exactly 0xFFFFFF bytes is accepted", "[data][tws]") {
  const std::string payload = std::string(kMaxPayloadLength - 1, 'x') + '\0';
  FrameReader reader;
  reader.feed("\x00\xFF\xFF\xFF"s);
  reader.feed(payload.substr(0, 1000));
  CHECK_FALSE(reader.next().value().has_value());
  reader.feed(payload.substr(1000));
  const Result<std::optional<Fields>> next = reader.next();
  REQUIRE(next.ok());
  REQUIRE(next->has_value());
  REQUIRE((*next)->size() == 1);
  CHECK((*next)->front().size() == kMaxPayloadLength - 1);
}

TEST_CASE("a declared length of 0x1000000 or 0 breaks the stream for good", "[data][tws]") {
  const auto length = GENERATE("\x01\x00\x00\x00"s, "\x00\x00\x00\x00"s);
  const std::string declared = length == "\x01\x00\x00\x00"s ? "16777216" : "0";
  FrameReader reader;
  reader.feed(length);
  const Result<std::optional<Fields>> next = reader.next();
  REQUIRE_FALSE(next.ok());
  CHECK(next.error().code == ErrorCode::kMalformedResponse);
  CHECK(next.error().get("length") == declared);
  CHECK_THAT(next.error().message, Catch::Contains(declared + " bytes"));
  // Later bytes cannot resynchronise it.
  reader.feed(encode_message({"9", "1", "1"}).value());
  const Result<std::optional<Fields>> later = reader.next();
  REQUIRE_FALSE(later.ok());
  CHECK(later.error().get("length") == declared);
}
