#include "ktrdr/sdk/service_orchestrator.hpp"

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <latch>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace std::chrono_literals;
using ktrdr::CancellationSource;
using ktrdr::CancellationToken;
using ktrdr::Json;
using ktrdr::OperationContext;
using ktrdr::OperationRecord;
using ktrdr::OperationRequest;
using ktrdr::OperationState;

namespace {

// A domain renderer: "epoch 3/50" from the context.
class EpochRenderer final : public ktrdr::ProgressRenderer {
 public:
  std::string render_message(const ktrdr::ProgressState& state) const override {
    return "epoch " + std::to_string(state.context.get_int("epoch").value_or(0)) + "/" +
           std::to_string(state.context.get_int("epochs").value_or(0));
  }
};

using Env = std::map<std::string, std::string>;

ktrdr::EnvLookup fake_env(Env values) {
  return [values = std::move(values)](const std::string& name) -> std::optional<std::string> {
    const auto it = values.find(name);
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

// A domain manager as a plugin would write one.
class TrainingManager : public ktrdr::ServiceOrchestrator {
 public:
  TrainingManager(ktrdr::HostServices services, ktrdr::EnvLookup env)
      : ServiceOrchestrator(services, "TRAINING", "http://localhost:5002",
                            std::make_shared<EpochRenderer>(), std::move(env)) {}
};

// Registry, executor and manager, torn down in a safe order: the executor drains its tasks
// before the manager and the registry they use are destroyed.
struct Engine {
  explicit Engine(Env env = {})
      : executor(std::make_unique<ktrdr::ThreadPoolExecutor>(2)),
        manager({&registry, executor.get()}, fake_env(std::move(env))) {}
  ~Engine() { executor.reset(); }

  OperationRecord run_to_end(const OperationRequest& request, ktrdr::OperationBody body) {
    auto id = manager.start_managed_operation(request, std::move(body));
    REQUIRE(id.ok());
    auto record = registry.wait_terminal(*id);
    REQUIRE(record);
    return *record;
  }

  ktrdr::OperationRegistry registry;
  std::unique_ptr<ktrdr::ThreadPoolExecutor> executor;
  TrainingManager manager;
};

OperationRequest train_request() {
  OperationRequest request;
  request.kind = "training.train";
  request.name = "mlp-aapl";
  request.params.set("epochs", 50);
  return request;
}

}  // namespace

TEST_CASE("a managed operation runs on the executor and completes with its result",
          "[sdk][orchestrator]") {
  Engine engine;
  // Written by the body, read after wait_terminal (which orders them): no assertions off-thread.
  bool on_caller = true;
  std::optional<std::int64_t> epochs;
  ktrdr::RoutingMode mode = ktrdr::RoutingMode::kHostService;
  const auto caller = std::this_thread::get_id();
  const OperationRecord record = engine.run_to_end(train_request(), [&](OperationContext& ctx) {
    on_caller = std::this_thread::get_id() == caller;
    epochs = ctx.params().get_int("epochs");
    mode = ctx.routing().mode;
    ctx.add_warning("small dataset");
    ctx.progress().set_fraction(0.5);
    return Json::object().set("accuracy", 0.9);
  });
  CHECK_FALSE(on_caller);
  CHECK(epochs == 50);
  CHECK(mode == ktrdr::RoutingMode::kLocal);
  CHECK(record.state == OperationState::kCompleted);
  CHECK(record.kind == "training.train");
  CHECK(record.name == "mlp-aapl");
  CHECK(record.result.get_number("accuracy") == 0.9);
  CHECK(record.progress.percentage == Approx(100.0));
  CHECK(record.routing.get_string("mode") == "local");
  CHECK(record.warnings == std::vector<std::string>{"small dataset"});
  CHECK(record.started_at.has_value());
  CHECK(record.finished_at.has_value());
}

TEST_CASE("progress messages come from the domain renderer", "[sdk][orchestrator]") {
  Engine engine;
  std::mutex mutex;
  std::vector<std::string> messages;
  const auto subscription = engine.registry.subscribe([&](const OperationRecord& record) {
    std::lock_guard lock(mutex);
    if (!record.progress.message.empty()) messages.push_back(record.progress.message);
  });
  const OperationRecord record = engine.run_to_end(train_request(), [](OperationContext& ctx) {
    ctx.reporter().set_context(Json::object().set("epoch", 0).set("epochs", 50));
    auto train = ctx.progress().sub("train", 0, 100, 1, 1);
    ctx.reporter().set_context_field("epoch", 15);
    train.set_fraction(0.3);
    ctx.reporter().flush();
    return Json::object();
  });
  CHECK(record.progress.message == "epoch 15/50");
  std::lock_guard lock(mutex);
  REQUIRE_FALSE(messages.empty());
  CHECK(std::find(messages.begin(), messages.end(), "epoch 0/50") != messages.end());
  CHECK(messages.back() == "epoch 15/50");
}

TEST_CASE("a body that fails with an Error ends the operation failed with that error",
          "[sdk][orchestrator]") {
  Engine engine;
  const OperationRecord record =
      engine.run_to_end(train_request(), [](OperationContext& ctx) -> Json {
        ctx.set_partial_result(Json::object().set("epochs_done", 3));
        throw ktrdr::ErrorException(ktrdr::Error::io("disk full", {{"file", "model.pt"}}));
      });
  CHECK(record.state == OperationState::kFailed);
  REQUIRE(record.error);
  CHECK(record.error->code == ktrdr::ErrorCode::kIo);
  CHECK(record.error->message == "disk full");
  CHECK(record.error->get("file") == "model.pt");
  CHECK(record.result.get_int("epochs_done") == 3);
}

TEST_CASE("any other exception ends the operation failed as internal", "[sdk][orchestrator]") {
  Engine engine;
  SECTION("a standard exception") {
    const OperationRecord record = engine.run_to_end(
        train_request(), [](OperationContext&) -> Json { throw std::runtime_error("boom"); });
    CHECK(record.state == OperationState::kFailed);
    REQUIRE(record.error);
    CHECK(record.error->code == ktrdr::ErrorCode::kInternal);
    CHECK(record.error->message == "unexpected error in training.train: boom");
  }
  SECTION("something that is not an exception") {
    const OperationRecord record =
        engine.run_to_end(train_request(), [](OperationContext&) -> Json { throw 42; });
    CHECK(record.state == OperationState::kFailed);
    CHECK(record.error->code == ktrdr::ErrorCode::kInternal);
  }
}

TEST_CASE("cancelling mid-run ends the operation cancelled and keeps the partial result",
          "[sdk][orchestrator][cancel]") {
  Engine engine;
  std::latch started(1);
  auto id = engine.manager.start_managed_operation(train_request(), [&](OperationContext& ctx) {
    ctx.set_partial_result(Json::object().set("epochs_done", 7));
    started.count_down();
    ctx.token().wait_for(10s);
    ctx.token().throw_if_cancelled("epoch 8");
    return Json::object().set("epochs_done", 50);
  });
  REQUIRE(id.ok());
  started.wait();
  CHECK(engine.registry.get(*id)->state == OperationState::kRunning);
  // A body the cancel did not reach would end completed with epochs_done 50, after its 10 s wait.
  REQUIRE(engine.registry.request_cancel(*id, ktrdr::CancelReason::kUser, "Ctrl-C").ok());
  const auto record = engine.registry.wait_terminal(*id);
  REQUIRE(record);
  CHECK(record->state == OperationState::kCancelled);
  CHECK(record->cancel_requested);
  CHECK(record->cancel_reason == ktrdr::CancelReason::kUser);
  CHECK(record->result.get_int("epochs_done") == 7);

  CHECK_FALSE(engine.registry.complete(*id, Json::object().set("epochs_done", 50)));
  CHECK(engine.registry.get(*id)->to_json() == record->to_json());
}

TEST_CASE("a body that returns after cancellation still ends cancelled with what it returned",
          "[sdk][orchestrator][cancel]") {
  Engine engine;
  std::latch started(1);
  auto id = engine.manager.start_managed_operation(train_request(), [&](OperationContext& ctx) {
    started.count_down();
    ctx.token().wait_for(10s);
    return Json::object().set("epochs_done", 4);
  });
  REQUIRE(id.ok());
  started.wait();
  REQUIRE(engine.registry.request_cancel(*id).ok());
  const auto record = engine.registry.wait_terminal(*id);
  REQUIRE(record);
  CHECK(record->state == OperationState::kCancelled);
  CHECK(record->result.get_int("epochs_done") == 4);
}

TEST_CASE("a cancel arriving after the body committed its effect ends the operation completed",
          "[sdk][orchestrator][cancel]") {
  Engine engine;
  std::latch committed(1);
  std::latch cancel_sent(1);
  auto id = engine.manager.start_managed_operation(train_request(), [&](OperationContext& ctx) {
    ctx.commit();  // e.g. the model is saved and `latest` points at it
    committed.count_down();
    cancel_sent.wait();
    return Json::object().set("model_path", "models/x_v1");
  });
  REQUIRE(id.ok());
  committed.wait();
  REQUIRE(engine.registry.request_cancel(*id).ok());
  cancel_sent.count_down();
  const auto record = engine.registry.wait_terminal(*id);
  REQUIRE(record);
  CHECK(record->state == OperationState::kCompleted);
  CHECK(record->cancel_requested);
  CHECK(record->result.get_string("model_path") == "models/x_v1");
}

TEST_CASE("a timeout cancels the operation with reason timeout", "[sdk][orchestrator][cancel]") {
  Engine engine;
  OperationRequest request = train_request();
  request.timeout = 30ms;
  const OperationRecord record = engine.run_to_end(request, [](OperationContext& ctx) {
    ctx.token().wait_for(10s);
    ctx.token().throw_if_cancelled("training");
    return Json::object();
  });
  CHECK(record.state == OperationState::kCancelled);
  CHECK(record.cancel_reason == ktrdr::CancelReason::kTimeout);
  CHECK_FALSE(record.cancel_requested);
}

TEST_CASE("cancelling the request's parent token cancels the operation",
          "[sdk][orchestrator][cancel]") {
  Engine engine;
  const CancellationSource shutdown;
  OperationRequest request = train_request();
  request.parent = shutdown.token();
  std::latch started(1);
  auto id = engine.manager.start_managed_operation(request, [&](OperationContext& ctx) {
    started.count_down();
    ctx.token().wait_for(10s);
    ctx.token().throw_if_cancelled("training");
    return Json::object();
  });
  REQUIRE(id.ok());
  started.wait();
  shutdown.cancel(ktrdr::CancelReason::kShutdown, "SIGTERM");
  const auto record = engine.registry.wait_terminal(*id);
  REQUIRE(record);
  CHECK(record->state == OperationState::kCancelled);
  CHECK(record->cancel_reason == ktrdr::CancelReason::kParent);
}

TEST_CASE("an operation cancelled before it starts never runs its body",
          "[sdk][orchestrator][cancel]") {
  Engine engine;
  const CancellationSource parent;
  parent.cancel();
  OperationRequest request = train_request();
  request.parent = parent.token();
  std::atomic<bool> ran{false};
  const OperationRecord record = engine.run_to_end(request, [&](OperationContext&) {
    ran.store(true);
    return Json::object();
  });
  CHECK_FALSE(ran.load());
  CHECK(record.state == OperationState::kCancelled);
  CHECK_FALSE(record.started_at.has_value());
}

TEST_CASE("a bad routing setting is returned as an error and nothing is registered",
          "[sdk][orchestrator][routing]") {
  Engine engine(Env{{"USE_TRAINING_HOST_SERVICE", "maybe"}});
  std::atomic<bool> ran{false};
  auto id = engine.manager.start_managed_operation(train_request(), [&](OperationContext&) {
    ran.store(true);
    return Json::object();
  });
  REQUIRE_FALSE(id.ok());
  CHECK(id.error().code == ktrdr::ErrorCode::kInvalidArgument);
  CHECK_THAT(id.error().message,
             Catch::Contains("USE_TRAINING_HOST_SERVICE") && Catch::Contains("maybe"));
  CHECK(engine.registry.count() == 0);
  CHECK_FALSE(ran.load());
}

TEST_CASE("routing follows the environment unless the job overrides it",
          "[sdk][orchestrator][routing]") {
  Engine engine(Env{{"USE_TRAINING_HOST_SERVICE", "true"},
                    {"TRAINING_HOST_SERVICE_URL", "http://127.0.0.1:9"}});
  SECTION("the environment: the operation goes to the host service, not the local body") {
    bool ran_locally = false;
    const OperationRecord record = engine.run_to_end(train_request(), [&](OperationContext&) {
      ran_locally = true;
      return Json::object();
    });
    CHECK_FALSE(ran_locally);
    CHECK(record.routing.get_string("mode") == "host_service");
    CHECK(record.routing.get_string("url") == "http://127.0.0.1:9");
    CHECK(record.routing.get_string("source") == "env USE_TRAINING_HOST_SERVICE");
    // Nothing listens there: a clear failure naming the service and the URL.
    CHECK(record.state == OperationState::kFailed);
    REQUIRE(record.error.has_value());
    CHECK(record.error->code == ktrdr::ErrorCode::kConnectionRefused);
    CHECK_THAT(record.error->message, Catch::Contains("TRAINING host service") &&
                                          Catch::Contains("http://127.0.0.1:9"));
  }
  SECTION("the job's own choice") {
    OperationRequest request = train_request();
    request.routing.use_host_service = false;
    const OperationRecord record =
        engine.run_to_end(request, [](OperationContext&) { return Json::object(); });
    CHECK(record.routing.get_string("mode") == "local");
    CHECK(record.routing.get_string("source") == "job");
  }
}

TEST_CASE("execute_with_progress renders each update for the caller", "[sdk][orchestrator]") {
  Engine engine;
  std::vector<std::string> messages;
  const int result = engine.manager.execute_with_progress(
      [](ktrdr::ProgressStep step) {
        step.reporter().set_context(Json::object().set("epoch", 2).set("epochs", 5));
        step.set_fraction(0.4);
        step.reporter().flush();
        return 7;
      },
      [&](const ktrdr::ProgressState& state) { messages.push_back(state.message); },
      ktrdr::ProgressOptions{.min_interval = 0ms});
  CHECK(result == 7);
  REQUIRE_FALSE(messages.empty());
  CHECK(messages.back() == "epoch 2/5");
}

TEST_CASE("execute_with_cancellation refuses a cancelled token before and after the body",
          "[sdk][orchestrator][cancel]") {
  Engine engine;
  const CancellationSource source;
  CHECK(engine.manager.execute_with_cancellation([](const CancellationToken&) { return 3; },
                                                 source.token()) == 3);
  CHECK_THROWS_AS(engine.manager.execute_with_cancellation(
                      [&](const CancellationToken&) { source.cancel(); }, source.token()),
                  ktrdr::CancelledError);
  int runs = 0;
  CHECK_THROWS_AS(engine.manager.execute_with_cancellation(
                      [&](const CancellationToken&) { return ++runs; }, source.token()),
                  ktrdr::CancelledError);
  CHECK(runs == 0);
}

namespace {

// A domain whose adapter routes each call itself (as the data domain's IbDataAdapter does).
class AdapterRoutedManager : public ktrdr::ServiceOrchestrator {
 public:
  AdapterRoutedManager(ktrdr::HostServices services, ktrdr::EnvLookup env)
      : ServiceOrchestrator(services, "IB", "http://localhost:5001", nullptr, std::move(env)) {
    route_inside_body();
  }
};

}  // namespace

TEST_CASE("a domain that routes inside its body runs the body here with the host decision",
          "[sdk][orchestrator]") {
  ktrdr::OperationRegistry registry;
  auto executor = std::make_unique<ktrdr::ThreadPoolExecutor>(1);
  AdapterRoutedManager manager({&registry, executor.get()},
                               fake_env({{"USE_IB_HOST_SERVICE", "true"},
                                         {"IB_HOST_SERVICE_URL", "http://127.0.0.1:1"}}));
  ktrdr::RoutingDecision seen;
  auto id = manager.start_managed_operation(train_request(), [&](OperationContext& ctx) {
    seen = ctx.routing();
    return Json::object().set("ran_here", true);
  });
  REQUIRE(id.ok());
  const auto record = registry.wait_terminal(*id);
  executor.reset();
  REQUIRE(record);
  CHECK(record->state == OperationState::kCompleted);
  CHECK(record->result.get_bool("ran_here") == true);
  CHECK(seen.mode == ktrdr::RoutingMode::kHostService);
  CHECK(seen.url == "http://127.0.0.1:1");
  CHECK(record->routing.get_string("mode") == "host_service");
}
