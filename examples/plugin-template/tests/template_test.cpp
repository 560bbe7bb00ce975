// The template plugin's tests: its job kind run in-process by ktrdr::testing::PluginHarness,
// registered by the plugin's own register function.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "ktrdr/sdk/testing.hpp"
#include "template_manager.hpp"

// The plugin's two exports (src/template_plugin.cpp, compiled into this test).
extern "C" const KtrdrPluginDescriptor ktrdr_plugin_descriptor;
extern "C" void ktrdr_plugin_register(ktrdr::PluginRegistrar& registrar);

using ktrdr::Json;
using ktrdr::OperationState;
using ktrdr::testing::PluginHarness;
using template_plugin::kMovingAverageKind;

namespace {

Json average_params(std::int64_t points, std::int64_t window) {
  Json params = Json::object();
  params.set("points", points).set("window", window);
  return params;
}

}  // namespace

TEST_CASE("the plugin's registration is one the engine accepts", "[template]") {
  PluginHarness harness;

  REQUIRE(harness.load(ktrdr_plugin_register, &ktrdr_plugin_descriptor).ok());
  CHECK(harness.kinds() == std::vector<std::string>{kMovingAverageKind});
  REQUIRE(harness.adapters().size() == 1);
  CHECK(harness.adapters().front().env_prefix == "TEMPLATE");
}

TEST_CASE("a moving average over the price ramp ends at the ramp's last average", "[template]") {
  PluginHarness harness;
  REQUIRE(harness.load(ktrdr_plugin_register, &ktrdr_plugin_descriptor).ok());

  // Prices 100, 100.5, …, 599.5: the last 20 average 100 + 0.5 · (999 - 9.5).
  auto run = harness.run(kMovingAverageKind, average_params(1000, 20));

  REQUIRE(run.ok());
  CHECK(run->state() == OperationState::kCompleted);
  CHECK(run->record.result.get_int("processed") == 1000);
  CHECK(run->record.result.get_int("averages") == 981);
  CHECK(run->record.result.get_number("last_average") == Approx(594.75));
  CHECK(run->record.params.get_number("slope") == Approx(0.5));  // the schema's default
  CHECK(run->summary.starts_with("  981 averages of 20 points over 1,000 points, the last 594.75"));

  // Both steps are reported, in order, and the run ends at 100 % with every point counted.
  const std::vector<std::string> messages = run->messages();
  const auto fill = std::find(messages.begin(), messages.end(), "Filling the 20-point window");
  const auto slide =
      std::find(messages.begin(), messages.end(), "Averaging 1,000 points over a 20-point window");
  CHECK(fill < slide);
  CHECK(slide != messages.end());
  const ktrdr::ProgressState& last = run->progress.back();
  CHECK(last.percentage == Approx(100.0));
  CHECK(last.step == "slide");
  CHECK(last.items_done == 980);
  CHECK(last.items_unit == "points");
  CHECK(messages.back() == "Averaging 1,000 points over a 20-point window · 980/980 points");
}

TEST_CASE("params the schema refuses start nothing", "[template]") {
  PluginHarness harness;
  REQUIRE(harness.load(ktrdr_plugin_register, &ktrdr_plugin_descriptor).ok());

  SECTION("a window as long as the series") {
    auto run = harness.run(kMovingAverageKind, average_params(20, 20));

    REQUIRE_FALSE(run.ok());
    CHECK(run.error().code == ktrdr::ErrorCode::kInvalidArgument);
    CHECK(run.error().get("field") == "window");
  }
  SECTION("no points") {
    auto run = harness.run(kMovingAverageKind);

    REQUIRE_FALSE(run.ok());
    CHECK(run.error().code == ktrdr::ErrorCode::kInvalidArgument);
    CHECK(run.error().get("field") == "points");
  }
  CHECK(harness.registry().count() == 0);
}

TEST_CASE("a cancelled average keeps the points averaged so far", "[template]") {
  PluginHarness harness;
  REQUIRE(harness.load(ktrdr_plugin_register, &ktrdr_plugin_descriptor).ok());
  // Long enough to report items (at most every 100 ms): cancel at the first report.
  ktrdr::testing::RunOptions options;
  options.cancel_when = [](const ktrdr::ProgressState& state) {
    return state.step == "slide" && state.items_done > 0;
  };

  auto run = harness.run(kMovingAverageKind, average_params(2'000'000'000, 20), options);

  REQUIRE(run.ok());
  CHECK(run->state() == OperationState::kCancelled);
  REQUIRE(run->cancelled_after);
  const ktrdr::ProgressState& cancelled_at = run->progress.at(*run->cancelled_after - 1);
  const Json& partial = run->record.result;
  const auto processed = partial.get_int("processed").value_or(0);
  CHECK(processed >= 20 + cancelled_at.items_done);
  CHECK(processed < 2'000'000'000);
  CHECK(partial.get_int("averages") == processed - 19);
  CHECK(run->summary.find("(of 2,000,000,000 asked)") != std::string::npos);
}
