#include "ktrdr/sdk/operation.hpp"

#include <date/date.h>

#include <catch2/catch.hpp>
#include <regex>
#include <set>

using namespace std::chrono_literals;
using ktrdr::OperationRecord;
using ktrdr::OperationState;

TEST_CASE("operation ids name the kind, the UTC time and 8 random hex digits", "[sdk][operation]") {
  const ktrdr::SystemTime now = date::sys_days(date::year(2026) / 11 / 28) + 10h + 15min;
  const std::string id = ktrdr::make_operation_id("data.load", now);
  CHECK(std::regex_match(id, std::regex("op_data_load_20261128_101500_[0-9a-f]{8}")));
  CHECK(std::regex_match(ktrdr::make_operation_id("my-kind/v2", now),
                         std::regex("op_my_kind_v2_20261128_101500_[0-9a-f]{8}")));
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) ids.insert(ktrdr::make_operation_id("k", now));
  CHECK(ids.size() == 100);
}

TEST_CASE("operation states have stable names and three are terminal", "[sdk][operation]") {
  for (auto state : {OperationState::kPending, OperationState::kRunning, OperationState::kCompleted,
                     OperationState::kFailed, OperationState::kCancelled}) {
    CHECK(ktrdr::operation_state_from_string(ktrdr::to_string(state)) == state);
  }
  CHECK_FALSE(ktrdr::operation_state_from_string("done").has_value());
  CHECK_FALSE(ktrdr::is_terminal(OperationState::kRunning));
  CHECK(ktrdr::is_terminal(OperationState::kCancelled));
}

TEST_CASE("an operation record survives a JSON round trip", "[sdk][operation]") {
  OperationRecord record;
  record.id = "op_data_load_20261128_101500_1a2b3c4d";
  record.kind = "data.load";
  record.name = "aapl-backfill";
  record.state = OperationState::kFailed;
  record.cancel_requested = true;
  record.cancel_reason = ktrdr::CancelReason::kTimeout;
  record.created_at = date::sys_days(date::year(2026) / 11 / 28) + 10h + 15min + 250ms;
  record.started_at = record.created_at + 1s;
  record.finished_at = record.created_at + 90s;
  record.progress.percentage = 42.5;
  record.progress.step = "fetch";
  record.progress.step_index = 2;
  record.progress.step_count = 3;
  record.progress.items_done = 1500;
  record.progress.items_total = 20000;
  record.progress.eta_seconds = 12.5;
  record.progress.context.set("symbol", "AAPL");
  record.params.set("symbol", "AAPL");
  record.routing.set("mode", "local");
  record.result = ktrdr::Json::object().set("bars", 1500);
  record.error = ktrdr::Error::io("disk full", {{"file", "AAPL_1h.csv"}});
  record.warnings = {"gap at 2024-01-02"};
  record.version = 9;

  const ktrdr::Json json = record.to_json();
  CHECK(json.get_string("state") == "failed");
  CHECK(json.get_string("cancel_reason") == "timeout");
  CHECK(json.get_string("created_at") == "2026-11-28T10:15:00.250Z");
  CHECK(json.at("error").get_string("code") == "io");
  CHECK(json.at("progress").get_number("eta_seconds") == 12.5);

  auto back = OperationRecord::from_json(json);
  REQUIRE(back.ok());
  CHECK(back->to_json() == json);
  CHECK(back->started_at == record.started_at);
  CHECK(back->error->context == record.error->context);
  CHECK(back->progress.items_total == 20000);
}

TEST_CASE("a pending record serialises missing times and progress ETA as null",
          "[sdk][operation]") {
  OperationRecord record;
  record.id = "op_x_20260101_000000_00000000";
  const ktrdr::Json json = record.to_json();
  CHECK(json.at("started_at").is_null());
  CHECK(json.at("finished_at").is_null());
  CHECK(json.at("error").is_null());
  CHECK(json.at("progress").at("eta_seconds").is_null());
  CHECK(json.at("progress").has("items_per_second"));
  auto back = OperationRecord::from_json(json);
  REQUIRE(back.ok());
  CHECK_FALSE(back->started_at.has_value());
  CHECK_FALSE(back->progress.eta_seconds.has_value());
}

TEST_CASE("malformed operation records are refused", "[sdk][operation]") {
  CHECK_FALSE(OperationRecord::from_json(ktrdr::Json::array()).ok());
  CHECK_FALSE(OperationRecord::from_json(ktrdr::Json::object().set("state", "running")).ok());
  auto bad_state =
      OperationRecord::from_json(ktrdr::Json::object().set("id", "op_1").set("state", "odd"));
  REQUIRE_FALSE(bad_state.ok());
  CHECK(bad_state.error().get("field") == "state");
  auto bad_time = OperationRecord::from_json(
      ktrdr::Json::object().set("id", "op_1").set("state", "running").set("started_at", "soon"));
  REQUIRE_FALSE(bad_time.ok());
  CHECK(bad_time.error().get("field") == "started_at");
}
