// data.load and data.validate through DataManager, in-process, against the csv-archive provider
// over ../shared/data: each mode, re-runs, cancellation, bad inputs, strict outcomes (and a load
// whose late segments fail, against a scripted provider).
#include "data_load.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <sstream>

#include "csv_archive_provider.hpp"
#include "data_config.hpp"
#include "data_manager.hpp"
#include "data_progress_renderer.hpp"
#include "data_validation.hpp"
#include "fake_bar_provider.hpp"
#include "ib_error.hpp"
#include "ktrdr/sdk/csv_bar_store.hpp"
#include "ktrdr/sdk/executor.hpp"
#include "ktrdr/sdk/host_service.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "load_request.hpp"
#include "managed_operations.hpp"
#include "shared_data.hpp"
#include "temp_dir.hpp"

using namespace ktrdr;
using namespace ktrdr::data;
using Catch::Matchers::Contains;

namespace {

std::chrono::sys_seconds at(const char* text) {
  return std::chrono::floor<std::chrono::seconds>(parse_iso8601(text).value());
}

std::string read_bytes(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A DataManager over the shared archive, with its store in a temp directory.
struct Harness {
  explicit Harness(std::string pacing = "unlimited", std::uint32_t speedup = 1,
                   std::map<std::string, std::string> env = {},
                   std::filesystem::path archive = KTRDR_SHARED_DATA_DIR)
      : config(make_config(store_dir.path(), std::move(archive), std::move(pacing), speedup)),
        executor(std::make_unique<ThreadPoolExecutor>(1)),
        manager({&registry, executor.get()}, config,
                [env = std::move(env)](const std::string& name) -> std::optional<std::string> {
                  const auto it = env.find(name);
                  if (it == env.end()) return std::nullopt;
                  return it->second;
                }) {}
  ~Harness() { executor.reset(); }

  static DataConfig make_config(const std::filesystem::path& dir, std::filesystem::path archive,
                                std::string pacing, std::uint32_t speedup) {
    DataConfig config;
    config.data_dir = dir;
    config.csv_archive.directory = std::move(archive);
    config.csv_archive.pacing = std::move(pacing);
    config.pacing_speedup = speedup;
    return config;
  }

  OperationRecord load(Json params, CancellationToken parent = {}) {
    return test::wait_finished(registry, manager.start_load(test::checked_request(
                                             kLoadKind, std::move(params),
                                             LoadRequest::schema(config), std::move(parent))));
  }

  OperationRecord validate(Json params) {
    return test::wait_finished(
        registry, manager.start_validate(test::checked_request(kValidateKind, std::move(params),
                                                               DataValidation::schema(config))));
  }

  BarSeries stored(const std::string& symbol, Timeframe tf) const {
    auto series = CsvBarStore(store_dir.path()).read(symbol, tf);
    REQUIRE(series.ok());
    return std::move(series).value();
  }

  test::TempDir store_dir;
  DataConfig config;
  OperationRegistry registry;
  std::unique_ptr<ThreadPoolExecutor> executor;
  DataManager manager;
};

// The IB host service over a harness's csv-archive provider, served on loopback while it lives.
struct ServedArchive {
  explicit ServedArchive(const Harness& local)
      : service(local.config.make_provider("csv-archive").value(), local.config.make_clock()) {
    for (const RouteSpec& route : service.routes()) {
      server.route(route.method, route.pattern, route.handler, route.requires_auth, route.quick);
    }
    REQUIRE(server.start().ok());
  }
  ~ServedArchive() { server.stop(); }

  // The environment that routes a Harness's loads through this service.
  std::map<std::string, std::string> routing_env() const {
    return {{"USE_IB_HOST_SERVICE", "true"}, {"IB_HOST_SERVICE_URL", server.url()}};
  }

  IbHostService service;
  HostService server{HostServiceOptions{}};
};

Json load_params(const char* symbol, const char* tf, const char* mode, const char* start,
                 const char* end) {
  Json params = Json::object();
  params.set("symbol", symbol).set("timeframe", tf).set("mode", mode);
  if (start) params.set("start", start);
  if (end) params.set("end", end);
  return params;
}

BarSeries source_slice(const char* file, const char* symbol, const char* from, const char* to) {
  return test::read_shared(file, symbol, Timeframe::k1h).slice(at(from), at(to));
}

// A DataLoad of AAPL 1h over the 90 days before 2024-01-01 (three 30-day segments, newest first)
// from a scripted provider, run as a managed operation, with its store in a temp directory.
struct ScriptedLoad {
  ScriptedLoad()
      : orchestrator({&registry, executor.get()}, "TEST", "http://127.0.0.1:1", nullptr,
                     [](const std::string&) { return std::optional<std::string>(); }) {}
  ~ScriptedLoad() { executor.reset(); }

  OperationRecord run(bool strict) {
    LoadRequest request;
    request.symbol = "AAPL";
    request.timeframe = Timeframe::k1h;
    request.mode = LoadMode::kTail;
    request.start = test::day_at(-90);
    request.end = test::day_at(0);
    request.provider = provider->name();
    request.data_dir = store_dir.path();
    request.strict = strict;
    auto load = std::make_shared<DataLoad>(std::move(request), adapter);
    OperationRequest operation;
    operation.kind = kLoadKind;
    return test::wait_finished(
        registry, orchestrator.start_managed_operation(
                      operation, [load](OperationContext& context) { return load->run(context); }));
  }

  test::TempDir store_dir;
  std::shared_ptr<test::FakeBarProvider> provider = std::make_shared<test::FakeBarProvider>();
  std::shared_ptr<IbDataAdapter> adapter =
      std::make_shared<IbDataAdapter>(provider, "local", std::make_unique<ScaledPacingClock>(1000));
  OperationRegistry registry;
  std::unique_ptr<ThreadPoolExecutor> executor = std::make_unique<ThreadPoolExecutor>(1);
  ServiceOrchestrator orchestrator;
};

}  // namespace

TEST_CASE("tail loads exactly the source bars of the range, and a re-run fetches nothing",
          "[data][load]") {
  Harness h;
  const auto first = h.load(load_params("EURUSD", "1h", "tail", "2021-01-01", "2021-04-01"));
  INFO(first.to_json().dump());
  REQUIRE(first.state == OperationState::kCompleted);
  const BarSeries expected = source_slice("EURUSD_1h.csv", "EURUSD", "2021-01-01", "2021-04-01");
  CHECK(h.stored("EURUSD", Timeframe::k1h) == expected);
  CHECK(first.result.get_int("bars_fetched") == static_cast<std::int64_t>(expected.size()));
  CHECK(first.result.get_int("provider_requests") >= 3);  // three months of 1h: one month each
  CHECK(first.result.at("segments").get_int("failed") == 0);
  CHECK(first.result.at("quality").get_int("error") == 0);
  // The archive itself lacks 2021-01-21T15:00 (a real hole): reported, and remembered.
  CHECK(first.result.at("gaps").get_int("left") == 1);
  CHECK(first.result.at("gaps").at("left_details")[0].get_string("reason") ==
        "the provider has no data for it");

  const auto again = h.load(load_params("EURUSD", "1h", "tail", "2021-01-01", "2021-04-01"));
  REQUIRE(again.state == OperationState::kCompleted);
  CHECK(again.result.get_int("provider_requests") == 0);
  CHECK(again.result.get_int("bars_fetched") == 0);
  CHECK(h.stored("EURUSD", Timeframe::k1h) == expected);
}

TEST_CASE("backfill after tail fills exactly the missing range", "[data][load]") {
  Harness h;
  REQUIRE(h.load(load_params("AAPL", "1h", "tail", "2025-03-01", "2025-06-01")).state ==
          OperationState::kCompleted);
  const auto before = h.stored("AAPL", Timeframe::k1h);
  const auto backfill = h.load(load_params("AAPL", "1h", "backfill", "2024-06-01", "2025-06-01"));
  INFO(backfill.to_json().dump());
  REQUIRE(backfill.state == OperationState::kCompleted);
  const BarSeries missing = test::read_shared("AAPL_1h.csv", "AAPL", Timeframe::k1h)
                                .slice(at("2024-06-01"), before.timestamps().front());
  CHECK(backfill.result.get_int("bars_fetched") == static_cast<std::int64_t>(missing.size()));
  CHECK(backfill.result.get_int("bars_before") == static_cast<std::int64_t>(before.size()));
  CHECK(h.stored("AAPL", Timeframe::k1h) ==
        source_slice("AAPL_1h.csv", "AAPL", "2024-06-01", "2025-06-01"));
}

TEST_CASE("full fills the holes inside the stored data and both ends", "[data][load]") {
  Harness h;
  // The store holds February 2021 without its second week.
  BarSeries seeded = source_slice("EURUSD_1h.csv", "EURUSD", "2021-02-01", "2021-02-08");
  REQUIRE(seeded.merge(source_slice("EURUSD_1h.csv", "EURUSD", "2021-02-15", "2021-03-01")).ok());
  REQUIRE(CsvBarStore(h.store_dir.path()).save(seeded).ok());

  const auto full = h.load(load_params("EURUSD", "1h", "full", "2021-01-01", "2021-04-01"));
  INFO(full.to_json().dump());
  REQUIRE(full.state == OperationState::kCompleted);
  CHECK(h.stored("EURUSD", Timeframe::k1h) ==
        source_slice("EURUSD_1h.csv", "EURUSD", "2021-01-01", "2021-04-01"));
  CHECK(full.result.at("gaps").get_int("found") >= 3);  // before, the hole, after
  CHECK(full.result.at("gaps").get_int("left") == 1);   // the archive's own hole

  SECTION("then tail without a start asks for nothing; with an earlier start, only that") {
    const auto tail = h.load(load_params("EURUSD", "1h", "tail", nullptr, "2021-04-01"));
    REQUIRE(tail.state == OperationState::kCompleted);
    CHECK(tail.result.get_int("provider_requests") == 0);
    const auto earlier = h.load(load_params("EURUSD", "1h", "tail", "2020-12-01", "2021-04-01"));
    REQUIRE(earlier.state == OperationState::kCompleted);
    CHECK(earlier.result.get_int("provider_requests").value_or(-1) == 2);  // 31 days
    CHECK(h.stored("EURUSD", Timeframe::k1h) ==
          source_slice("EURUSD_1h.csv", "EURUSD", "2020-12-01", "2021-04-01"));
  }
}

TEST_CASE("local reads the store only", "[data][load]") {
  Harness h;
  const auto local = h.load(load_params("EURUSD", "1h", "local", nullptr, nullptr));
  REQUIRE(local.state == OperationState::kCompleted);
  CHECK(local.result.get_int("provider_requests") == 0);
  CHECK(local.result.get_int("bars_after") == 0);
}

TEST_CASE("a corrupt store file fails the load naming file and line, and is left untouched",
          "[data][load]") {
  Harness h;
  const std::string header = "timestamp,open,high,low,close,volume\n";
  const std::string good = "2021-01-04T00:00:00Z,1.2,1.3,1.1,1.25,100\n";
  struct Case {
    const char* what;
    std::string text;
    const char* line;
  };
  const Case cases[] = {
      {"a bad number", header + good + "2021-01-04T01:00:00Z,1.2,abc,1.1,1.25,100\n", "3"},
      {"a missing column", header + good + "2021-01-04T01:00:00Z,1.2,1.3,1.1,1.25\n", "3"},
      {"a wrong header", "time,o,h,l,c,v\n" + good, "1"},
      {"a timestamp past the supported range", header + good + "2300-01-04T01:00:00Z,1,2,1,1,1\n",
       "3"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    const auto path = h.store_dir.write("EURUSD_1h.csv", c.text);
    const auto load = h.load(load_params("EURUSD", "1h", "tail", "2021-01-01", "2021-02-01"));
    REQUIRE(load.state == OperationState::kFailed);
    REQUIRE(load.error);
    CHECK(load.error->code == ErrorCode::kParse);
    CHECK_THAT(load.error->message, Contains("EURUSD_1h.csv"));
    CHECK(load.error->get("line") == c.line);
    CHECK(read_bytes(path) == c.text);
  }
}

TEST_CASE("unknown symbols and timeframes the provider lacks fail clearly", "[data][load]") {
  Harness h;
  const auto unknown = h.load(load_params("NOSUCH", "1h", "tail", "2021-01-01", "2021-02-01"));
  REQUIRE(unknown.state == OperationState::kFailed);
  CHECK_THAT(unknown.error->message, Contains("200") && Contains("NOSUCH"));
  const auto no_tf = h.load(load_params("AAPL", "5m", "tail", "2025-01-01", "2025-02-01"));
  REQUIRE(no_tf.state == OperationState::kFailed);
  CHECK_THAT(no_tf.error->message, Contains("5m") && Contains("AAPL") && Contains("1h"));
  CHECK_FALSE(std::filesystem::exists(h.store_dir.path() / "AAPL_5m.csv"));
}

TEST_CASE("the schema rejects bad params before a load starts, naming each", "[data][load]") {
  const ParamSchema schema = LoadRequest::schema(DataConfig{});
  const auto first_error = [&](Json params) {
    const auto errors = schema.validate(params);
    REQUIRE_FALSE(errors.empty());
    return errors.front();
  };
  CHECK(first_error(load_params("../etc", "1h", "tail", nullptr, nullptr)).get("field") ==
        "symbol");
  CHECK(first_error(load_params("A..B", "1h", "tail", nullptr, nullptr)).get("field") == "symbol");
  CHECK(first_error(load_params("AAPL", "2h", "tail", nullptr, nullptr)).get("field") ==
        "timeframe");
  CHECK(first_error(load_params("AAPL", "1h", "sideways", nullptr, nullptr)).get("field") ==
        "mode");
  const Error order = first_error(load_params("AAPL", "1h", "tail", "2025-02-01", "2025-01-01"));
  CHECK(order.get("field") == "start");
  CHECK_THAT(order.message, Contains("before"));
  CHECK(first_error(load_params("AAPL", "1h", "tail", "yesterday", nullptr)).get("field") ==
        "start");
  // Past 2262 a time no longer fits in 64-bit nanoseconds: refused, not wrapped to another year.
  struct Range {
    const char* start;
    const char* end;
    const char* field;
  };
  for (const Range r :
       {Range{"2300-01-01", nullptr, "start"}, Range{"1600-01-01", nullptr, "start"},
        Range{"2020-01-01", "2263-01-01", "end"}}) {
    INFO(r.field << " " << (r.end ? r.end : r.start));
    const Error range = first_error(load_params("AAPL", "1h", "tail", r.start, r.end));
    CHECK(range.get("field") == r.field);
    CHECK_THAT(range.message, Contains(r.field) && Contains("supported range") &&
                                  Contains("1678-01-01T00:00:00Z to 2261-12-31T23:59:59Z"));
  }
}

TEST_CASE("a strict load whose late segments fail fails, keeping its bars and figures",
          "[data][load]") {
  ScriptedLoad load;
  load.provider->fail_after(1, make_ib_error(IbErrorKind::kInvalidRequest, "scripted refusal"));
  const auto strict = load.run(true);
  INFO(strict.to_json().dump());
  REQUIRE(strict.state == OperationState::kFailed);
  REQUIRE(strict.error);
  const Json segments = strict.result.at("segments");
  CHECK(segments.get_int("ok") == 1);
  const auto failed = segments.get_int("failed").value_or(0);
  CHECK(failed >= 1);
  CHECK(ib_error_kind(*strict.error) == IbErrorKind::kInvalidRequest);
  CHECK(strict.error->get("segments_failed") == std::to_string(failed));
  CHECK_THAT(strict.error->message, Contains(std::to_string(failed) + " of ") &&
                                        Contains("segments of the AAPL 1h load failed") &&
                                        Contains("scripted refusal") && Contains("strict: false"));
  const auto fetched = strict.result.get_int("bars_fetched").value_or(0);
  CHECK(fetched > 0);
  CHECK(strict.result.get_int("bars_after") == fetched);
  const auto saved = CsvBarStore(load.store_dir.path()).read("AAPL", Timeframe::k1h);
  REQUIRE(saved.ok());
  CHECK(static_cast<std::int64_t>(saved->size()) == fetched);

  SECTION("with strict: false the same load completes with a warning per failed segment") {
    ScriptedLoad lenient;
    lenient.provider->fail_after(1, make_ib_error(IbErrorKind::kInvalidRequest, "refusal"));
    const auto done = lenient.run(false);
    REQUIRE(done.state == OperationState::kCompleted);
    CHECK(done.result.at("segments").get_int("failed") == failed);
    CHECK(static_cast<std::int64_t>(done.warnings.size()) == failed);
    CHECK(done.result.get_int("bars_fetched") == fetched);
  }
}

TEST_CASE("a cancelled load keeps every bar it fetched", "[data][load]") {
  // IB's pacing on a real clock: the sixth request for one contract waits two seconds, so the
  // cancel lands while the load is under way.
  Harness h("ib", 1);
  CancellationSource cancel;
  const auto subscription = h.registry.subscribe([&](const OperationRecord& record) {
    if (record.progress.context.get_int("current_segment").value_or(0) >= 4) cancel.cancel();
  });
  const auto load =
      h.load(load_params("EURUSD", "1h", "tail", "2019-01-01", "2021-01-01"), cancel.token());
  INFO(load.to_json().dump());
  REQUIRE(load.state == OperationState::kCancelled);
  const auto fetched = load.result.get_int("bars_fetched").value_or(0);
  CHECK(fetched > 0);
  const BarSeries saved = h.stored("EURUSD", Timeframe::k1h);
  CHECK(static_cast<std::int64_t>(saved.size()) == fetched);
  const BarSeries source = test::read_shared("EURUSD_1h.csv", "EURUSD", Timeframe::k1h);
  CHECK(saved == source.slice(saved.timestamps().front(),
                              saved.timestamps().back() + std::chrono::hours(1)));
}

TEST_CASE("data.validate finds the anomalies PROVENANCE.md lists and repairs only when asked",
          "[data][validate]") {
  Harness h;
  const auto file =
      h.store_dir.copy_in(std::string(KTRDR_SHARED_DATA_DIR) + "/anomalies/SPY_1h__gcfc.csv");
  std::filesystem::rename(file, h.store_dir.path() / "SPY_1h.csv");
  const std::string bytes = read_bytes(h.store_dir.path() / "SPY_1h.csv");
  Json params = Json::object();
  params.set("series", std::vector<std::string>{"SPY:1h"});
  params.set("strict", false);  // its errors fail a strict job (see below)
  const auto check = h.validate(params);
  REQUIRE(check.state == OperationState::kCompleted);
  const Json report = check.result.at("series")[0];
  const auto issue = [&](const char* name) {
    const Json issues = report.at("issues");
    for (std::size_t i = 0; i < issues.size(); ++i) {
      if (issues[i].get_string("check") == name) return issues[i];
    }
    return Json();
  };
  CHECK_THAT(issue("duplicate_timestamps").get_string("message").value_or(""),
             Contains("60 extra rows"));
  CHECK(issue("conflicting_duplicates").get_int("count") > 0);
  CHECK(issue("zero_volume_runs").get_int("count") > 0);
  CHECK(issue("candle_spikes").get_int("count") > 0);
  CHECK(read_bytes(h.store_dir.path() / "SPY_1h.csv") == bytes);

  params.set("repair", true);
  const auto repaired = h.validate(params);
  REQUIRE(repaired.state == OperationState::kCompleted);
  CHECK(repaired.result.at("series")[0].at("repairs").get_int("duplicates_removed") == 60);
  const BarSeries after = h.stored("SPY", Timeframe::k1h);
  CHECK(after.size() == 8820 - 60);
  CHECK(after.is_sorted());

  SECTION("the clean files yield no errors") {
    for (const char* name : {"AAPL_1h.csv", "EURUSD_1h.csv", "BTCUSDT_1h.csv"}) {
      h.store_dir.copy_in(std::string(KTRDR_SHARED_DATA_DIR) + "/" + name);
    }
    Json lenient = Json::object();
    lenient.set("strict", false);
    const auto all = h.validate(lenient);
    REQUIRE(all.state == OperationState::kCompleted);
    const Json series = all.result.at("series");
    REQUIRE(series.size() == 4);
    for (std::size_t i = 0; i < series.size(); ++i) {
      if (series[i].get_string("symbol") == "SPY") continue;
      INFO(series[i].dump());
      CHECK(series[i].at("counts").get_int("error") == 0);
    }
  }
}

TEST_CASE("a strict data.validate fails on error-severity issues, keeping its report",
          "[data][validate]") {
  Harness h;
  const auto spy =
      h.store_dir.copy_in(std::string(KTRDR_SHARED_DATA_DIR) + "/anomalies/SPY_1h__gcfc.csv");
  std::filesystem::rename(spy, h.store_dir.path() / "SPY_1h.csv");
  h.store_dir.copy_in(std::string(KTRDR_SHARED_DATA_DIR) + "/AAPL_1h.csv");
  const std::string bytes = read_bytes(h.store_dir.path() / "SPY_1h.csv");

  const auto strict = h.validate(Json::object());
  INFO(strict.to_json().dump());
  REQUIRE(strict.state == OperationState::kFailed);
  REQUIRE(strict.error);
  CHECK(strict.error->code == ErrorCode::kInvalidArgument);
  CHECK(strict.error->get("series") == "SPY 1h");
  const auto errors = strict.result.at("totals").get_int("error").value_or(0);
  CHECK(errors > 0);
  CHECK(strict.error->get("errors") == std::to_string(errors));
  CHECK_THAT(strict.error->message,
             Contains("quality error") && Contains("SPY 1h") && Contains("strict: false"));
  CHECK(strict.result.at("series").size() == 2);
  CHECK(read_bytes(h.store_dir.path() / "SPY_1h.csv") == bytes);

  Json lenient = Json::object();
  lenient.set("strict", false);
  const auto accepted = h.validate(lenient);
  REQUIRE(accepted.state == OperationState::kCompleted);
  CHECK(accepted.result.at("totals").get_int("error") == errors);
  REQUIRE(accepted.warnings.size() == 1);
  CHECK_THAT(accepted.warnings[0], Contains("quality error"));

  Json clean = Json::object();
  clean.set("series", std::vector<std::string>{"AAPL:1h"});
  const auto aapl = h.validate(clean);
  CHECK(aapl.state == OperationState::kCompleted);
  CHECK(aapl.warnings.empty());
}

TEST_CASE(
    "a load through the IB host service gives the same bars, figures and progress as a "
    "local one",
    "[data][load]") {
  // The IB host service over the same archive, with IB's pacing on a clock 4x real time (faster,
  // and the client's 5 % margin on the 2 s rule shrinks below loopback jitter on a busy machine).
  Harness local("ib", 4);
  const ServedArchive served(local);
  Harness remote("ib", 4, served.routing_env());

  const Json params = load_params("EURUSD", "1h", "tail", "2020-01-01", "2020-09-01");
  const auto here = local.load(params);
  const auto there = remote.load(params);
  REQUIRE(here.state == OperationState::kCompleted);
  REQUIRE(there.state == OperationState::kCompleted);
  CHECK(here.routing.get_string("mode") == "local");
  CHECK(there.routing.get_string("mode") == "host_service");
  CHECK(there.result.get_string("provider") == "ib-host-service");
  CHECK(local.stored("EURUSD", Timeframe::k1h) == remote.stored("EURUSD", Timeframe::k1h));
  // Pacing waits are left out: whether a request waits depends on how long the ones before took.
  for (const char* figure : {"bars_before", "bars_after", "bars_fetched", "provider_requests"}) {
    INFO(figure);
    CHECK(here.result.get_int(figure) == there.result.get_int(figure));
  }
  CHECK(here.result.at("segments") == there.result.at("segments"));
  CHECK(here.result.at("gaps") == there.result.at("gaps"));
  CHECK(here.result.at("quality").at("issues") == there.result.at("quality").at("issues"));
  CHECK(here.progress.message == there.progress.message);
  CHECK(here.progress.percentage == there.progress.percentage);
  for (const char* field : {"operation", "symbol", "timeframe", "mode", "current_segment",
                            "total_segments", "bars_processed", "requests"}) {
    INFO(field);
    CHECK(here.progress.context.at(field) == there.progress.context.at(field));
  }
  CHECK(served.service.stats().get_int("pacing_violations") == 0);
}

TEST_CASE(
    "a load from a vendor file with duplicate timestamps reports each one, locally and through "
    "the IB host service",
    "[data][load][source]") {
  // The SPY 1h anomaly file (PROVENANCE.md) as a vendor archive's file.
  const test::TempDir archive;
  std::filesystem::copy_file(
      std::filesystem::path(KTRDR_SHARED_DATA_DIR) / "anomalies" / "SPY_1h__gcfc.csv",
      archive.path() / "SPY_1h.csv");
  const auto expected =
      CsvArchiveProvider({.directory = archive.path()}).source_report("SPY", Timeframe::k1h, {});
  REQUIRE(expected.ok());
  REQUIRE(expected->has_value());
  REQUIRE((*expected)->rows_dropped > 0);

  Harness local("unlimited", 1, {}, archive.path());
  const Json params = load_params("SPY", "1h", "tail", "2022-08-01", "2022-09-01");
  const auto here = local.load(params);
  REQUIRE(here.state == OperationState::kCompleted);
  const Json sources = here.result.at("sources");
  REQUIRE(sources.size() == 1);  // no store file yet
  CHECK(sources[0] == (*expected)->to_json());
  const auto dropped = std::to_string((*expected)->rows_dropped) + " row(s) dropped";
  CHECK(std::any_of(here.warnings.begin(), here.warnings.end(), [&](const std::string& w) {
    return w.find(dropped) != std::string::npos && w.find("SPY_1h.csv") != std::string::npos;
  }));
  CHECK_THAT(DataProgressRenderer().render_result(here.result),
             Contains("duplicate timestamps") &&
                 Contains(std::to_string((*expected)->rows_dropped) + " rows dropped"));

  // The same report through the IB host service.
  {
    const ServedArchive served(local);
    Harness remote("unlimited", 1, served.routing_env());
    const auto there = remote.load(params);
    REQUIRE(there.state == OperationState::kCompleted);
    CHECK(there.result.at("sources") == sources);
  }

  // Loaded again: the store's file, written by the load, holds one row per timestamp.
  const auto again = local.load(params);
  REQUIRE(again.state == OperationState::kCompleted);
  REQUIRE(again.result.at("sources").size() == 2);
  const Json store = again.result.at("sources")[1];
  CHECK(store.get_string("source") == "store " + (local.store_dir.path() / "SPY_1h.csv").string());
  CHECK(store.get_int("duplicate_timestamps") == 0);
}

TEST_CASE(
    "a store file with duplicate rows and naive timestamps is reported, not rewritten, by "
    "a local load",
    "[data][load][source]") {
  Harness h;
  const auto file = h.store_dir.path() / "AAPL_1h.csv";
  const std::string bytes =
      "Date,Open,High,Low,Close,Volume\n"
      "2024-03-01 14:30:00,1,1,1,1,1\n"
      "2024-03-01 15:30:00,2,2,2,2,2\n"
      "2024-03-01 14:30:00,1,1,1,1,5\n";
  {
    std::ofstream out(file, std::ios::binary);
    out << bytes;
  }
  const auto local = h.load(load_params("AAPL", "1h", "local", nullptr, nullptr));
  REQUIRE(local.state == OperationState::kCompleted);
  const Json sources = local.result.at("sources");
  REQUIRE(sources.size() == 1);
  const Json store = sources[0];
  CHECK(store.get_bool("naive_timestamps") == true);
  CHECK(store.get_int("duplicate_timestamps") == 1);
  CHECK(store.get_int("conflicting_timestamps") == 1);
  CHECK(store.at("duplicates")[0].get_int("kept_line") == 4);
  REQUIRE(local.warnings.size() >= 2);
  CHECK_THAT(local.warnings[0], Contains("read as UTC"));
  CHECK_THAT(local.warnings[1], Contains("on lines 2 4 (line 4 kept)"));
  CHECK(read_bytes(file) == bytes);
}
