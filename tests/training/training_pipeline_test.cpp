// training.train, training.evaluate and training.features through TrainingManager, in-process,
// on the real series in ../shared/data (read as a store) and the shipped strategies.

// LibTorch's headers (through training_request.hpp) come before Catch's: both define CHECK.
#include "training_request.hpp"
// (kept apart so that include sorting leaves it first)
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include "ktrdr/sdk/executor.hpp"
#include "ktrdr/sdk/operations_registry.hpp"
#include "managed_operations.hpp"
#include "temp_dir.hpp"
#include "training_manager.hpp"

using namespace ktrdr;
using namespace ktrdr::training;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

std::string strategy_path(const char* name) {
  return std::string(KTRDR_SOURCE_DIR) + "/configs/strategies/" + name;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The comma-separated fields of one CSV line.
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream cells(line);
  for (std::string cell; std::getline(cells, cell, ',');) fields.push_back(cell);
  return fields;
}

// A TrainingManager with its own registry and executor; models go to a temp directory.
struct Harness {
  Harness()
      : executor(std::make_unique<ThreadPoolExecutor>(1)),
        manager({&registry, executor.get()},
                [](const std::string&) { return std::optional<std::string>{}; }) {}
  ~Harness() { executor.reset(); }

  Json train_params(const char* strategy) const {
    Json params = Json::object();
    params.set("strategy", strategy_path(strategy))
        .set("data_dir", KTRDR_SHARED_DATA_DIR)
        .set("models_dir", models.path().string());
    return params;
  }

  OperationRecord train(Json params, CancellationToken parent = {}) {
    return test::wait_finished(
        registry, manager.start_train(test::checked_request(
                      kTrainKind, std::move(params), TrainingRequest::train_schema(), parent)));
  }

  OperationRecord evaluate(Json params) {
    return test::wait_finished(
        registry, manager.start_evaluate(test::checked_request(
                      kEvaluateKind, std::move(params), TrainingRequest::evaluate_schema())));
  }

  test::TempDir models;
  OperationRegistry registry;
  std::unique_ptr<ThreadPoolExecutor> executor;
  TrainingManager manager;
};

}  // namespace

TEST_CASE("training.train on AAPL 1h writes complete artifacts that training.evaluate reloads",
          "[training][pipeline]") {
  Harness h;
  const auto trained = h.train(h.train_params("rsi_macd_mlp.yaml"));
  INFO(trained.to_json().dump());
  REQUIRE(trained.state == OperationState::kCompleted);
  const Json& result = trained.result;
  const fs::path model = result.get_string("model_path").value();
  CHECK(model.filename() == "AAPL_1h_v1");
  for (const char* file : {"model.pt", "strategy.yaml", "features.json", "history.json",
                           "metrics.json", "metadata.json"}) {
    INFO(file);
    CHECK(fs::is_regular_file(model / file));
  }
  CHECK(fs::read_symlink(model.parent_path() / "latest") == "AAPL_1h_v1");
  CHECK(read_text(model / "strategy.yaml") == read_text(strategy_path("rsi_macd_mlp.yaml")));
  const Json metadata = *Json::parse(read_text(model / "metadata.json"));
  CHECK(metadata.get_int("seed") == 42);
  CHECK(metadata.get_string("device") == "cpu");
  CHECK(metadata.at("data").at("inputs")[0].get_string("checksum_fnv1a64")->size() == 16);
  CHECK(metadata.has("libtorch_version"));
  const Json rows = result.at("rows");
  CHECK(rows.get_int("train") > rows.get_int("validation"));
  CHECK(result.at("test_metrics").get_int("samples") == rows.get_int("test"));
  CHECK(result.get_int("best_epoch") <= result.get_int("epochs_run"));
  CHECK(trained.progress.percentage == Approx(100.0));
  CHECK(trained.progress.context.get_string("operation") == "model_training");
  CHECK(trained.progress.context.get_int("total_epochs") == 30);

  SECTION("evaluating the saved model on its test rows gives the same metrics") {
    Json params = Json::object();
    params.set("model", model.parent_path().string())
        .set("data_dir", KTRDR_SHARED_DATA_DIR)
        .set("start", rows.get_string("test_from").value());
    const auto evaluated = h.evaluate(params);
    INFO(evaluated.to_json().dump());
    REQUIRE(evaluated.state == OperationState::kCompleted);
    CHECK(evaluated.result.get_string("model_path") == model.string());
    CHECK(evaluated.result.get_int("rows") == rows.get_int("test"));
    CHECK(evaluated.result.at("test_metrics") == result.at("test_metrics"));
  }
  SECTION("a second run with the same seed is the next version with the same metrics") {
    const auto again = h.train(h.train_params("rsi_macd_mlp.yaml"));
    REQUIRE(again.state == OperationState::kCompleted);
    CHECK(fs::path(again.result.get_string("model_path").value()).filename() == "AAPL_1h_v2");
    CHECK(again.result.at("test_metrics") == result.at("test_metrics"));
    CHECK(again.result.get_int("best_epoch") == result.get_int("best_epoch"));
    CHECK(fs::read_symlink(model.parent_path() / "latest") == "AAPL_1h_v2");
  }
}

TEST_CASE("training trains on several symbols and on EURUSD", "[training][pipeline]") {
  Harness h;
  const auto multi = h.train(h.train_params("trend_strength_mlp.yaml"));
  INFO(multi.to_json().dump());
  REQUIRE(multi.state == OperationState::kCompleted);
  CHECK(multi.result.at("symbols").as_string_array() == std::vector<std::string>{"MSFT", "NVDA"});
  CHECK(fs::path(multi.result.get_string("model_path").value()).filename() == "MSFT-NVDA_1h_v1");

  const auto eurusd = h.train(h.train_params("eurusd_momentum_v3.yaml"));
  INFO(eurusd.to_json().dump());
  REQUIRE(eurusd.state == OperationState::kCompleted);
  CHECK(eurusd.result.at("rows").get_int("train") > 10000);
}

TEST_CASE(
    "training fails clearly on a missing series or settings that leave no rows, writing "
    "nothing",
    "[training][pipeline]") {
  Harness h;
  Json params = h.train_params("rsi_macd_mlp.yaml");
  params.set("symbols", std::vector<std::string>{"QQQ"});
  const auto missing = h.train(params);
  REQUIRE(missing.state == OperationState::kFailed);
  CHECK_THAT(missing.error->message, Contains("QQQ_1h.csv") && Contains("data.load"));

  test::TempDir dir;
  std::string text = read_text(strategy_path("rsi_macd_mlp.yaml"));
  const std::string rsi = "{name: \"rsi\", period: 14,";
  REQUIRE(text.find(rsi) != std::string::npos);
  text.replace(text.find(rsi), rsi.size(), "{name: \"rsi\", period: 5000,");
  params = h.train_params("rsi_macd_mlp.yaml");
  params.set("strategy", dir.write("long_rsi.yaml", text).string());
  const auto no_rows = h.train(params);
  REQUIRE(no_rows.state == OperationState::kFailed);
  CHECK_THAT(no_rows.error->message, Contains("no usable rows") && Contains("5000"));
  CHECK(fs::is_empty(h.models.path()));
}

TEST_CASE("an SMA's fuzzy sets read close / SMA, and a feature constant over the train rows is "
          "named in a warning",
          "[training][pipeline]") {
  Harness h;
  test::TempDir dir;
  std::string text = read_text(strategy_path("rsi_macd_mlp.yaml"));
  const auto replace = [&](const std::string& from, const std::string& to) {
    REQUIRE(text.find(from) != std::string::npos);
    text.replace(text.find(from), from.size(), to);
  };
  replace("  - {name: \"macd\",", "  - {name: \"sma\", period: 20}\n  - {name: \"macd\",");
  replace("  macd:  ", "  sma:\n    below: [0.97, 0.99, 1.0]\n    above: [1.0, 1.01, 1.03]\n  macd:  ");
  replace("[65, 80, 100]", "[101, 102, 103]");  // RSI never exceeds 100: always 0
  replace("epochs: 30", "epochs: 2");
  Json params = h.train_params("rsi_macd_mlp.yaml");
  params.set("strategy", dir.write("sma_ratio.yaml", text).string());
  const auto trained = h.train(params);
  INFO(trained.to_json().dump());
  REQUIRE(trained.state == OperationState::kCompleted);
  const std::vector<std::string> constant = trained.result.at("constant_features").as_string_array();
  CHECK(constant == std::vector<std::string>{"rsi_overbought", "rsi_overbought_lag1",
                                             "rsi_overbought_lag2"});
  REQUIRE(trained.warnings.size() == 1);
  CHECK_THAT(trained.warnings[0], Contains("3 of 21 features are constant") &&
                                      Contains("rsi_overbought = 0"));

  Json export_params = Json::object();
  export_params.set("strategy", params.get_string("strategy").value())
      .set("data_dir", KTRDR_SHARED_DATA_DIR)
      .set("output_dir", (h.models.path() / "features").string());
  const auto exported = test::wait_finished(
      h.registry, h.manager.start_features(test::checked_request(
                      kFeaturesKind, export_params, TrainingRequest::features_schema())));
  REQUIRE(exported.state == OperationState::kCompleted);
  std::stringstream lines(read_text(exported.result.at("files")[0].get_string("file").value()));
  std::string header;
  std::getline(lines, header);
  const std::vector<std::string> columns = csv_fields(header);
  const auto column = [&](const std::string& name) {
    const auto at = std::find(columns.begin(), columns.end(), name);
    REQUIRE(at != columns.end());
    return static_cast<std::size_t>(at - columns.begin());
  };
  const std::size_t sma = column("sma");
  const std::size_t below = column("sma_below");
  std::map<std::string, double> closes;
  {
    std::stringstream bars(read_text(std::string(KTRDR_SHARED_DATA_DIR) + "/AAPL_1h.csv"));
    std::string line;
    std::getline(bars, line);
    while (std::getline(bars, line)) {
      const std::vector<std::string> f = csv_fields(line);
      closes[f[0]] = std::stod(f[4]);
    }
  }
  std::size_t checked = 0;
  std::size_t nonzero = 0;
  for (std::string line; std::getline(lines, line);) {
    const std::vector<std::string> f = csv_fields(line);
    REQUIRE(closes.contains(f[0]));
    const double ratio = closes.at(f[0]) / std::stod(f[sma]);
    const double expected = ratio <= 0.97 || ratio >= 1.0 ? 0.0
                            : ratio <= 0.99             ? (ratio - 0.97) / 0.02
                                                        : (1.0 - ratio) / 0.01;
    CHECK(std::stod(f[below]) == Approx(expected).margin(1e-6));
    nonzero += expected > 0.0 ? 1 : 0;
    ++checked;
  }
  CHECK(checked > 3000);
  CHECK(nonzero > checked / 10);
}

TEST_CASE("cancelling training mid-epoch ends it in the train phase and writes no model",
          "[training][pipeline]") {
  Harness h;
  CancellationSource cancel;
  const auto subscription = h.registry.subscribe([&](const OperationRecord& record) {
    const auto epoch = record.progress.context.get_int("current_epoch").value_or(0);
    if (!cancel.is_cancelled() && epoch >= 2) cancel.cancel();
  });
  Json params = h.train_params("eurusd_momentum_v3.yaml");
  const auto run = h.train(params, cancel.token());
  REQUIRE(cancel.is_cancelled());
  CHECK(run.state == OperationState::kCancelled);
  // It stopped inside training: a trainer that missed the cancel would train on to the end and go
  // through test to save, where the pipeline's own check would end it cancelled all the same.
  CHECK(run.progress.context.get_string("phase") == "train");
  CHECK(fs::is_empty(h.models.path()));
}

TEST_CASE("cancelling training while indicators are computed ends it there",
          "[training][pipeline]") {
  Harness h;
  CancellationSource cancel;
  std::string phase_at_cancel;
  const auto subscription = h.registry.subscribe([&](const OperationRecord& record) {
    const auto phase = record.progress.context.get_string("phase").value_or("");
    if (phase_at_cancel.empty() && phase == "indicators") {
      phase_at_cancel = phase;
      cancel.cancel();
    }
  });
  const auto run = h.train(h.train_params("eurusd_momentum_v3.yaml"), cancel.token());
  CHECK(phase_at_cancel == "indicators");
  CHECK(run.state == OperationState::kCancelled);
  CHECK(run.progress.context.get_string("phase") != "train");
  CHECK(fs::is_empty(h.models.path()));
}

TEST_CASE("cancelling training as it saves ends it cancelled with no model published",
          "[training][pipeline]") {
  Harness h;
  CancellationSource cancel;
  const auto subscription = h.registry.subscribe([&](const OperationRecord& record) {
    if (record.progress.context.get_string("phase") == "save") cancel.cancel();
  });
  const auto run = h.train(h.train_params("rsi_macd_mlp.yaml"), cancel.token());
  CHECK(run.state == OperationState::kCancelled);
  const fs::path strategy_dir = h.models.path() / "rsi_macd_mlp";
  CHECK_FALSE(fs::exists(strategy_dir / "latest"));
  CHECK_FALSE(fs::exists(strategy_dir / "AAPL_1h_v1"));
}

TEST_CASE("temp directories of runs killed while saving are removed by the next run",
          "[training][pipeline]") {
  Harness h;
  const pid_t dead = fork();
  if (dead == 0) _exit(0);
  REQUIRE(dead > 0);
  REQUIRE(waitpid(dead, nullptr, 0) == dead);
  const fs::path strategy_dir = h.models.path() / "rsi_macd_mlp";
  const fs::path stale = strategy_dir / (".tmp-AAPL_1h-" + std::to_string(dead) + "-1");
  const fs::path live = strategy_dir / (".tmp-AAPL_1h-" + std::to_string(getpid()) + "-2");
  for (const fs::path& dir : {stale, live}) {
    fs::create_directories(dir);
    std::ofstream(dir / "model.pt") << "partial";
  }
  const auto run = h.train(h.train_params("rsi_macd_mlp.yaml"));
  REQUIRE(run.state == OperationState::kCompleted);
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(live / "model.pt"));  // a live process's: not ours to remove
}

TEST_CASE("training.features writes the indicators, features and labels of every row",
          "[training][pipeline]") {
  Harness h;
  Json params = Json::object();
  params.set("strategy", strategy_path("rsi_macd_mlp.yaml"))
      .set("data_dir", KTRDR_SHARED_DATA_DIR)
      .set("output_dir", (h.models.path() / "features").string());
  const auto run = test::wait_finished(
      h.registry, h.manager.start_features(test::checked_request(
                      kFeaturesKind, params, TrainingRequest::features_schema())));
  INFO(run.to_json().dump());
  REQUIRE(run.state == OperationState::kCompleted);
  const Json file = run.result.at("files")[0];
  const std::string text = read_text(file.get_string("file").value());
  std::stringstream lines(text);
  std::string header;
  std::getline(lines, header);
  CHECK_THAT(header, Contains("timestamp,rsi,macd,macd.signal,macd.histogram,rsi_oversold"));
  CHECK(header.ends_with(",label"));
  std::size_t rows = 0;
  for (std::string line; std::getline(lines, line); ++rows) {
    CHECK((line.ends_with(",BUY") || line.ends_with(",HOLD") || line.ends_with(",SELL")));
  }
  CHECK(static_cast<std::int64_t>(rows) == file.get_int("rows"));
  CHECK(rows > 3000);
}

TEST_CASE("a job naming a broken strategy blames its `strategy` param, keeping the file's key",
          "[training][pipeline]") {
  const test::TempDir dir;
  std::string text = read_text(strategy_path("rsi_macd_mlp.yaml"));
  const auto at = text.find("epochs: 30");
  REQUIRE(at != std::string::npos);
  text.replace(at, 10, "epochs: 0");
  Json params = Json::object();
  params.set("strategy", dir.write("strategy.yaml", text).string());
  const auto errors = TrainingRequest::train_schema().validate(params);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].get("field") == "strategy");
  CHECK(errors[0].get("strategy_field") == "model.training.epochs");
  CHECK_THAT(errors[0].message, Catch::Matchers::Contains("strategy.yaml:") &&
                                    Catch::Matchers::Contains("model.training.epochs"));
}
