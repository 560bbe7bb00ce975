#include "ktrdr/sdk/testing.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

using namespace std::chrono_literals;
using ktrdr::CancellationSource;
using ktrdr::CancellationToken;
using ktrdr::ErrorCode;
using ktrdr::Json;
using ktrdr::OperationContext;
using ktrdr::OperationRequest;
using ktrdr::OperationState;
using ktrdr::testing::PluginHarness;
using ktrdr::testing::RunOptions;

namespace {

constexpr const char* kSum = "harness.sum";
constexpr const char* kFail = "harness.fail";
constexpr const char* kStubborn = "harness.stubborn";

// "item 2/4" while summing, "all 4 items" at 100 %; "sum 20 over 4 items" for the result.
class ItemRenderer final : public ktrdr::ProgressRenderer {
 public:
  std::string render_message(const ktrdr::ProgressState& state) const override {
    if (state.percentage >= 100.0) return "all " + std::to_string(state.step_count) + " items";
    return "item " + std::to_string(state.step_index) + "/" + std::to_string(state.step_count);
  }
  std::string render_result(const Json& result) const override {
    char sum[32];
    std::snprintf(sum, sizeof sum, "%g", result.get_number("sum").value_or(0.0));
    return std::string("sum ") + sum + " over " +
           std::to_string(result.get_int("items").value_or(0)) + " items";
  }
};

// The test's domain, as a plugin would write it. harness.sum adds scale·1 … scale·count, one
// phase per item: entering a phase is always emitted, so every item is one progress event.
// harness.fail fails after its first phase; harness.stubborn ignores its token and waits for
// `release`.
class SumManager final : public ktrdr::ServiceOrchestrator {
 public:
  SumManager(ktrdr::HostServices services, CancellationToken release)
      : ServiceOrchestrator(services, "HARNESS", "http://127.0.0.1:5999",
                            std::make_shared<ItemRenderer>()),
        release_(std::move(release)) {}

  static ktrdr::ParamSchema schema() {
    ktrdr::ParamSchema schema;
    schema.add({.name = "count",
                .type = ktrdr::ParamType::kInteger,
                .required = true,
                .description = "items to add",
                .minimum = 1,
                .maximum = 100});
    schema.add({.name = "scale",
                .type = ktrdr::ParamType::kNumber,
                .default_value = Json::number(1.0),
                .description = "each item is its number times this"});
    return schema;
  }

  ktrdr::Result<std::string> sum(const OperationRequest& request) {
    return start_managed_operation(request, &SumManager::sum_items);
  }
  ktrdr::Result<std::string> fail(const OperationRequest& request) {
    return start_managed_operation(request, &SumManager::lose_feed);
  }
  ktrdr::Result<std::string> stubborn(const OperationRequest& request) {
    return start_managed_operation(request, [release = release_](OperationContext&) {
      release.wait_for(1min);
      return Json::object();
    });
  }

 private:
  static Json totals(std::int64_t items, double sum) {
    Json json = Json::object();
    json.set("items", items).set("sum", sum);
    return json;
  }

  static Json sum_items(OperationContext& context) {
    const std::int64_t count = *context.params().get_int("count");
    const double scale = *context.params().get_number("scale");
    std::vector<std::pair<std::string, double>> items;
    for (std::int64_t i = 1; i <= count; ++i) items.emplace_back("item " + std::to_string(i), 1.0);
    const ktrdr::PhasePlan phases(context.progress(), std::move(items));
    double sum = 0.0;
    for (std::int64_t i = 0; i < count; ++i) {
      if (context.token().is_cancelled()) {
        context.set_partial_result(totals(i, sum));
        context.token().throw_if_cancelled("harness.sum item loop");
      }
      phases.enter(static_cast<std::size_t>(i));
      sum += scale * static_cast<double>(i + 1);
    }
    return totals(count, sum);
  }

  static Json lose_feed(OperationContext& context) {
    ktrdr::PhasePlan(context.progress(), {{"fetch", 1.0}}).enter(0);
    context.add_warning("prices arrive late");
    Json partial = Json::object();
    partial.set("fetched", 0);
    context.set_partial_result(partial);
    throw ktrdr::ErrorException(
        ktrdr::Error::unavailable("the price feed went away", {{"feed", "prices"}}));
  }

  CancellationToken release_;
};

void register_sum_domain(ktrdr::PluginRegistrar& registrar, CancellationToken release) {
  auto manager = std::make_shared<SumManager>(registrar.host(), std::move(release));
  ktrdr::register_domain<SumManager>(
      registrar, manager, {.name = "SumAdapter", .description = "sums in-process"},
      {{.kind = kSum,
        .description = "Sum items",
        .schema = SumManager::schema(),
        .start = &SumManager::sum},
       {.kind = kFail, .description = "Fail", .schema = {}, .start = &SumManager::fail},
       {.kind = kStubborn,
        .description = "Ignore cancellation",
        .schema = {},
        .start = &SumManager::stubborn}});
}

KtrdrPluginDescriptor descriptor(const char* name, const char* kinds) {
  KtrdrPluginDescriptor d{};
  std::snprintf(d.name, sizeof d.name, "%s", name);
  std::snprintf(d.kinds, sizeof d.kinds, "%s", kinds);
  return d;
}

// The sum domain loaded in a harness. `release` lets harness.stubborn's operations end before the
// harness waits for them.
struct LoadedDomain {
  LoadedDomain() {
    const KtrdrPluginDescriptor declared =
        descriptor("harness", "harness.sum, harness.fail, harness.stubborn");
    auto loaded = harness.load(
        [this](ktrdr::PluginRegistrar& r) { register_sum_domain(r, release.token()); }, &declared);
    REQUIRE(loaded.ok());
  }
  ~LoadedDomain() { release.cancel(); }

  CancellationSource release;
  PluginHarness harness;
};

Json sum_params(std::int64_t count) {
  Json params = Json::object();
  params.set("count", count);
  return params;
}

std::vector<double> percentages(const ktrdr::testing::RunReport& run) {
  std::vector<double> values;
  for (const ktrdr::ProgressState& state : run.progress) values.push_back(state.percentage);
  return values;
}

bool has_context(const ktrdr::Error& error, const std::string& key, const std::string& value) {
  return std::find(error.context.begin(), error.context.end(), std::pair{key, value}) !=
         error.context.end();
}

}  // namespace

TEST_CASE("the harness reports a completed run's result and every progress state in order",
          "[sdk][testing]") {
  LoadedDomain domain;
  Json params = sum_params(4);
  params.set("scale", 2.0);

  auto run = domain.harness.run(kSum, params);

  REQUIRE(run.ok());
  CHECK(run->state() == OperationState::kCompleted);
  CHECK_FALSE(run->record.error);
  CHECK(run->record.result.get_int("items") == 4);
  CHECK(run->record.result.get_number("sum") == Approx(20.0));
  CHECK(run->summary == "sum 20 over 4 items");
  CHECK(percentages(*run) == std::vector<double>{0.0, 25.0, 50.0, 75.0, 100.0});
  CHECK(run->messages() ==
        std::vector<std::string>{"item 1/4", "item 2/4", "item 3/4", "item 4/4", "all 4 items"});
  CHECK(run->progress.front().step == "item 1");
  CHECK_FALSE(run->cancelled_after);
  CHECK_FALSE(run->record.cancel_requested);
}

TEST_CASE("the harness checks params against the kind's schema before anything runs",
          "[sdk][testing]") {
  LoadedDomain domain;

  SECTION("a missing required param and an unknown one are both reported, and nothing starts") {
    Json params = Json::object();
    params.set("colour", "red");

    auto run = domain.harness.run(kSum, params);

    REQUIRE_FALSE(run.ok());
    CHECK(run.error().code == ErrorCode::kInvalidArgument);
    CHECK(has_context(run.error(), "field", "count"));
    CHECK(has_context(run.error(), "field", "colour"));
    CHECK(domain.harness.registry().count() == 0);
  }
  SECTION("a value out of range names its field") {
    auto run = domain.harness.run(kSum, sum_params(0));

    REQUIRE_FALSE(run.ok());
    CHECK(run.error().code == ErrorCode::kInvalidArgument);
    CHECK(run.error().get("field") == "count");
    CHECK(domain.harness.registry().count() == 0);
  }
  SECTION("defaults are filled in, and the run sees them") {
    Json params = sum_params(3);
    CHECK(domain.harness.validate(kSum, params).empty());
    CHECK(params.get_number("scale") == Approx(1.0));

    auto run = domain.harness.run(kSum, sum_params(3));

    REQUIRE(run.ok());
    CHECK(run->record.params.get_number("scale") == Approx(1.0));
    CHECK(run->record.result.get_number("sum") == Approx(6.0));
  }
  SECTION("an unknown kind is not found") {
    auto run = domain.harness.run("harness.nothing", sum_params(3));

    REQUIRE_FALSE(run.ok());
    CHECK(run.error().code == ErrorCode::kNotFound);
  }
}

TEST_CASE("the harness reports a failing kind's error, warnings and partial result",
          "[sdk][testing]") {
  LoadedDomain domain;

  auto run = domain.harness.run(kFail);

  REQUIRE(run.ok());
  CHECK(run->state() == OperationState::kFailed);
  REQUIRE(run->record.error);
  CHECK(run->record.error->code == ErrorCode::kUnavailable);
  CHECK(run->record.error->get("feed") == "prices");
  CHECK(run->record.result.get_int("fetched") == 0);
  CHECK(run->record.warnings == std::vector<std::string>{"prices arrive late"});
  CHECK(run->messages() == std::vector<std::string>{"item 1/1"});
}

TEST_CASE("the harness cancels a run at a progress event, keeping its partial result",
          "[sdk][testing]") {
  LoadedDomain domain;
  RunOptions options;

  SECTION("after the N-th event: the body stops at its next token check") {
    options.cancel_after_progress = 2;

    auto run = domain.harness.run(kSum, sum_params(10), options);

    REQUIRE(run.ok());
    CHECK(run->state() == OperationState::kCancelled);
    CHECK(run->record.cancel_reason == ktrdr::CancelReason::kUser);
    CHECK(run->cancelled_after == 2u);
    CHECK(run->messages() == std::vector<std::string>{"item 1/10", "item 2/10"});
    CHECK(run->record.result.get_int("items") == 2);
    CHECK(run->record.result.get_number("sum") == Approx(3.0));
    CHECK(run->summary == "sum 3 over 2 items");
  }
  SECTION("when a predicate on the progress holds, with the reason asked for") {
    options.cancel_when = [](const ktrdr::ProgressState& state) { return state.step_index == 3; };
    options.cancel_reason = ktrdr::CancelReason::kShutdown;

    auto run = domain.harness.run(kSum, sum_params(10), options);

    REQUIRE(run.ok());
    CHECK(run->state() == OperationState::kCancelled);
    CHECK(run->record.cancel_reason == ktrdr::CancelReason::kShutdown);
    CHECK(run->cancelled_after == 3u);
    CHECK(run->record.result.get_int("items") == 3);
  }
  SECTION("a predicate that throws is reported as an error") {
    options.cancel_when = [](const ktrdr::ProgressState&) -> bool {
      throw std::runtime_error("predicate bug");
    };

    auto run = domain.harness.run(kSum, sum_params(3), options);

    REQUIRE_FALSE(run.ok());
    CHECK(run.error().code == ErrorCode::kInternal);
  }
}

TEST_CASE("the harness stops waiting for a kind that ignores cancellation, with a timeout error",
          "[sdk][testing]") {
  LoadedDomain domain;
  RunOptions options;
  options.wait_limit = 200ms;

  auto run = domain.harness.run(kStubborn, Json::object(), options);

  REQUIRE_FALSE(run.ok());
  CHECK(run.error().code == ErrorCode::kTimeout);
  CHECK(run.error().get("state") == "running");
  // The harness asked the operation to stop before giving up on it.
  const auto record = domain.harness.registry().get(run.error().get("id").value_or(""));
  REQUIRE(record);
  CHECK(record->cancel_requested);
  CHECK(record->cancel_reason == ktrdr::CancelReason::kTimeout);
}

TEST_CASE("the harness loads a registration the engine would accept and refuses the others",
          "[sdk][testing]") {
  CancellationSource release;
  const auto register_fn = [&release](ktrdr::PluginRegistrar& r) {
    register_sum_domain(r, release.token());
  };

  SECTION("kinds, renderer and adapter are recorded") {
    PluginHarness harness;
    const KtrdrPluginDescriptor declared =
        descriptor("harness", "harness.fail,harness.stubborn,harness.sum");

    REQUIRE(harness.load(register_fn, &declared).ok());
    CHECK(harness.kinds() == std::vector<std::string>{kFail, kStubborn, kSum});
    REQUIRE(harness.find_kind(kSum));
    CHECK(harness.find_kind(kSum)->schema.find("count"));
    REQUIRE(harness.adapters().size() == 1);
    CHECK(harness.adapters().front().env_prefix == "HARNESS");
    ktrdr::ProgressState state;
    state.step_index = 1;
    state.step_count = 2;
    CHECK(harness.renderer().render_message(state) == "item 1/2");
  }
  SECTION("a kind outside the plugin's namespace") {
    PluginHarness harness;
    const KtrdrPluginDescriptor declared =
        descriptor("other", "harness.fail,harness.stubborn,harness.sum");

    auto loaded = harness.load(register_fn, &declared);

    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == ErrorCode::kPluginRefused);
    CHECK(loaded.error().get("plugin") == "other");
  }
  SECTION("a declared kind that is not registered") {
    PluginHarness harness;
    const KtrdrPluginDescriptor declared =
        descriptor("harness", "harness.fail,harness.stubborn,harness.sum,harness.extra");

    auto loaded = harness.load(register_fn, &declared);

    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == ErrorCode::kPluginRefused);
  }
  SECTION("a kind registered twice") {
    PluginHarness harness;

    auto loaded = harness.load([&](ktrdr::PluginRegistrar& r) {
      register_fn(r);
      register_fn(r);
    });

    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == ErrorCode::kPluginRefused);
  }
  SECTION("a register function that throws") {
    PluginHarness harness;

    auto loaded =
        harness.load([](ktrdr::PluginRegistrar&) { throw std::runtime_error("no config"); });

    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == ErrorCode::kPluginRefused);
  }
}
