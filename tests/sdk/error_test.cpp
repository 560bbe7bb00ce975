#include "ktrdr/sdk/error.hpp"

#include <catch2/catch.hpp>

#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"

using ktrdr::Error;
using ktrdr::ErrorCode;

TEST_CASE("error factories set the code and keep message and context", "[sdk][error]") {
  const Error error = Error::timeout("GET /bars timed out", {{"url", "http://x/bars"}});
  CHECK(error.code == ErrorCode::kTimeout);
  CHECK(error.to_string() == "GET /bars timed out");
  CHECK(error.get("url") == "http://x/bars");
  CHECK_FALSE(error.get("file").has_value());
  CHECK(Error::invalid_argument("x").code == ErrorCode::kInvalidArgument);
  CHECK(Error::not_found("x").code == ErrorCode::kNotFound);
  CHECK(Error::conflict("x").code == ErrorCode::kConflict);
  CHECK(Error::cancelled("x").code == ErrorCode::kCancelled);
  CHECK(Error::io("x").code == ErrorCode::kIo);
  CHECK(Error::parse("x").code == ErrorCode::kParse);
  CHECK(Error::plugin_refused("x").code == ErrorCode::kPluginRefused);
  CHECK(Error::unavailable("x").code == ErrorCode::kUnavailable);
  CHECK(Error::internal("x").code == ErrorCode::kInternal);
  CHECK(Error::unauthenticated("x").code == ErrorCode::kUnauthenticated);
  CHECK(Error::forbidden("x").code == ErrorCode::kForbidden);
}

TEST_CASE("with() adds a context entry or replaces an existing one", "[sdk][error]") {
  Error error = Error::io("cannot read");
  error.with("file", "a.csv").with("line", "3").with("file", "b.csv");
  REQUIRE(error.context.size() == 2);
  CHECK(error.context[0] == std::pair<std::string, std::string>{"file", "b.csv"});
  CHECK(error.get("line") == "3");
}

TEST_CASE("error codes have stable snake_case names", "[sdk][error]") {
  CHECK(ktrdr::to_string(ErrorCode::kInvalidArgument) == "invalid_argument");
  CHECK(ktrdr::to_string(ErrorCode::kConnectionRefused) == "connection_refused");
  CHECK(ktrdr::to_string(ErrorCode::kUnauthenticated) == "unauthenticated");
  CHECK(ktrdr::to_string(ErrorCode::kForbidden) == "forbidden");
  for (int raw = 1; raw <= 15; ++raw) {
    const auto code = static_cast<ErrorCode>(raw);
    CHECK(ktrdr::error_code_from_string(ktrdr::to_string(code)) == code);
  }
  CHECK_FALSE(ktrdr::error_code_from_string("nonsense").has_value());
}

TEST_CASE("an error survives a JSON round trip", "[sdk][error]") {
  const Error error = Error::parse("bad row", {{"file", "a.csv"}, {"line", "7"}});
  const ktrdr::Json json = error.to_json();
  CHECK(json.get_string("code") == "parse");
  CHECK(json.get_string("message") == "bad row");
  CHECK(json.at("details").get_string("line") == "7");
  const Error back = Error::from_json(json);
  CHECK(back.code == error.code);
  CHECK(back.message == error.message);
  CHECK(back.context == error.context);
  auto unknown = ktrdr::Json::parse(R"({"code":"weird","message":"m"})");
  REQUIRE(unknown.ok());
  CHECK(Error::from_json(*unknown).code == ErrorCode::kInternal);
}

TEST_CASE("Result holds a value or an error", "[sdk][error]") {
  const ktrdr::Result<int> good = 3;
  CHECK(good.ok());
  CHECK(*good == 3);
  ktrdr::Result<int> bad = Error::not_found("no such bar");
  CHECK_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::kNotFound);
  CHECK_THROWS_AS(std::move(bad).value_or_throw(), ktrdr::ErrorException);
  const ktrdr::Result<void> done;
  CHECK(done.ok());
  try {
    ktrdr::Result<void>(Error::io("disk")).value_or_throw();
    FAIL("expected ErrorException");
  } catch (const ktrdr::ErrorException& e) {
    CHECK(e.error().code == ErrorCode::kIo);
    CHECK(std::string(e.what()) == "disk");
  }
}
