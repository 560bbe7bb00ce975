// The training host service's endpoints over real HTTP on loopback: start, status while
// training, stop (answering once stopped), sessions, and a bad strategy refused up front.
#include "training_host_service.hpp"

#include <catch2/catch.hpp>

#include "ktrdr/sdk/async_service_adapter.hpp"
#include "ktrdr/sdk/executor.hpp"
#include "ktrdr/sdk/host_service.hpp"
#include "temp_dir.hpp"

using namespace ktrdr;
using namespace ktrdr::training;
using Catch::Matchers::Contains;

namespace {

struct Service {
  Service()
      : executor(std::make_unique<ThreadPoolExecutor>(1)),
        manager({&registry, executor.get()},
                [](const std::string&) { return std::optional<std::string>{}; }),
        server({}) {
    for (const RouteSpec& route : TrainingHostService(manager, registry, nullptr).routes()) {
      server.route(route.method, route.pattern, route.handler, route.requires_auth, route.quick);
    }
    REQUIRE(server.start().ok());
    client = std::move(AsyncServiceAdapter::create(server.url()).value());
  }
  ~Service() {
    client.reset();
    server.stop();
    executor.reset();
  }

  test::TempDir dir;
  OperationRegistry registry;
  std::unique_ptr<ThreadPoolExecutor> executor;
  TrainingManager manager;
  HostService server;
  std::unique_ptr<AsyncServiceAdapter> client;
};

}  // namespace

TEST_CASE("the training host service starts, reports, lists and stops a session",
          "[training][host]") {
  Service s;
  Json params = Json::object();
  params.set("strategy", KTRDR_LONG_STRATEGY)
      .set("data_dir", KTRDR_SHARED_DATA_DIR)
      .set("models_dir", (s.dir.path() / "models").string())
      .set("name", "long-eurusd");
  auto started = s.client->post_json("/training/start", params);
  INFO((started ? started->dump() : started.error().message));
  REQUIRE(started.ok());
  const std::string id = started->get_string("session_id").value();

  // Status while it trains: wait (on the registry's notifications) until an epoch has ended.
  CancellationSource deadline;
  deadline.cancel_after(std::chrono::seconds(60));
  std::mutex mutex;
  std::condition_variable training;
  bool in_epoch = false;
  const auto subscription = s.registry.subscribe([&](const OperationRecord& record) {
    if (record.id != id || record.progress.context.at("epochs").size() < 1) return;
    std::lock_guard lock(mutex);
    in_epoch = true;
    training.notify_all();
  });
  {
    std::unique_lock lock(mutex);
    REQUIRE(training.wait_for(lock, std::chrono::seconds(60), [&] { return in_epoch; }));
  }
  auto status = s.client->get_json("/training/status/" + id);
  REQUIRE(status.ok());
  CHECK(status->get_string("status") == "running");
  CHECK(status->get_string("name") == "long-eurusd");
  CHECK(status->at("progress").get_int("total_epochs") == 500);
  CHECK(status->at("progress").get_string("phase") == "train");
  REQUIRE(status->at("metrics_history").size() >= 1);
  CHECK(status->at("metrics_history")[0].get_int("epoch") == 1);
  CHECK(status->at("metrics_history")[0].get_number("train_loss").has_value());
  CHECK(status->at("memory").get_int("rss_bytes") > 0);
  CHECK(status->get_string("device") == "cpu");

  auto listed = s.client->get_json("/training/sessions");
  REQUIRE(listed.ok());
  REQUIRE(listed->at("sessions").size() == 1);
  CHECK(listed->at("sessions")[0].get_string("session_id") == id);

  Json stop = Json::object();
  stop.set("session_id", id);
  // Answered once stopped: a stop that did not reach the training (500 epochs) would answer
  // "running", or not within the client's 30 s request timeout.
  auto stopped = s.client->post_json("/training/stop", stop);
  REQUIRE(stopped.ok());
  CHECK(stopped->get_string("status") == "cancelled");
  CHECK(s.client->get_json("/training/status/" + id)->get_string("status") == "cancelled");
  CHECK_FALSE(std::filesystem::exists(s.dir.path() / "models"));
}

TEST_CASE("the training host service refuses bad requests with the reason", "[training][host]") {
  Service s;
  Json params = Json::object();
  params.set("strategy",
             s.dir.write("bad.yaml", "name: x\nindicators:\n  - {name: nosuch}\n").string());
  auto refused = s.client->post_json("/training/start", params);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.error().get("status") == "400");
  CHECK_THAT(refused.error().message, Contains("bad.yaml") && Contains("nosuch"));
  auto missing = s.client->get_json("/training/status/op_nope");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().get("status") == "404");
}
