// Strategy::load: KTRDR's v2 example and the shipped strategies load with their values; v3's
// indicator map, fuzzy-set `indicator` and `nn_inputs`; and every check, each error naming
// file, line and key path.
#include "strategy.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "temp_dir.hpp"

using namespace ktrdr;
using namespace ktrdr::training;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using ktrdr::test::TempDir;

namespace {

const std::filesystem::path kStrategies =
    std::filesystem::path(KTRDR_SOURCE_DIR) / "configs" / "strategies";
const std::filesystem::path kSharedExample =
    std::filesystem::path(KTRDR_SHARED_DIR) / "examples" / "strategy-v2.yaml";

// A small valid v2 strategy; the error cases each change one thing in it.
constexpr std::string_view kValid = R"(name: test_strategy
description: a strategy for tests
training_data:
  symbols: {mode: single_symbol, list: [AAPL]}
  timeframes: {mode: single_timeframe, list: [1h], base_timeframe: 1h}
  history_required: 10
indicators:
  - {name: rsi, period: 14, source: close}
  - {name: macd, fast_period: 12, slow_period: 26, signal_period: 9}
fuzzy_sets:
  rsi:
    oversold: {type: triangular, parameters: [0, 20, 35]}
    overbought: {type: triangular, parameters: [65, 80, 100]}
  macd:
    negative: {type: trapezoidal, parameters: [-10, -5, -0.5, 0]}
model:
  type: mlp
  architecture: {hidden_layers: [16, 8], activation: relu, output_activation: softmax, dropout: 0.1}
  features: {include_price_context: false, lookback_periods: 1, scale_features: true}
  training:
    learning_rate: 0.001
    batch_size: 32
    epochs: 10
    optimizer: adam
    early_stopping: {enabled: true, patience: 3, monitor: val_loss, min_delta: 0.0}
training:
  method: supervised
  labels: {source: zigzag, zigzag_threshold: 0.03, label_lookahead: 20}
  data_split: {train: 0.7, validation: 0.15, test: 0.15}
)";

// `text` with its first `from` replaced by `to`.
std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  const auto at = out.find(from);
  REQUIRE(at != std::string::npos);
  out.replace(at, from.size(), to);
  return out;
}

// The 1-based line of the first occurrence of `needle` in `text`.
int line_containing(std::string_view text, std::string_view needle) {
  const auto at = text.find(needle);
  REQUIRE(at != std::string_view::npos);
  int line = 1;
  for (std::size_t i = 0; i < at; ++i) line += text[i] == '\n' ? 1 : 0;
  return line;
}

Result<Strategy> load_text(const TempDir& dir, std::string_view text) {
  return Strategy::load(dir.write("strategy.yaml", text));
}

// Loads `text`, expects it to fail on `field` at the line holding `needle`, with a message
// containing `fragment`; returns the error.
Error expect_error(std::string_view text, const std::string& field, std::string_view needle,
                   const std::string& fragment) {
  const TempDir dir;
  const auto file = dir.path() / "strategy.yaml";
  auto loaded = load_text(dir, text);
  REQUIRE_FALSE(loaded.ok());
  const Error& error = loaded.error();
  INFO(error.message);
  const std::string line = std::to_string(line_containing(text, needle));
  CHECK(error.code == ErrorCode::kInvalidArgument);
  CHECK(error.get("file") == file.string());
  CHECK(error.get("line") == line);
  CHECK(error.get("field") == field);
  CHECK_THAT(error.message, StartsWith(file.string() + ":" + line + ": `" + field + "` "));
  CHECK_THAT(error.message, Contains(fragment));
  return error;
}

std::vector<std::string> names_of(const std::vector<FuzzySetSpec>& sets) {
  std::vector<std::string> names;
  for (const auto& set : sets) names.push_back(set.input + "_" + set.name);
  return names;
}

const IndicatorSpec& indicator(const Strategy& strategy, std::string_view id) {
  for (const auto& spec : strategy.indicators) {
    if (spec.id == id) return spec;
  }
  FAIL("no indicator " << id);
  return strategy.indicators.front();
}

}  // namespace

TEST_CASE("KTRDR's v2 example loads with every value it gives", "[training][strategy]") {
  auto loaded = Strategy::load(kSharedExample);
  INFO((loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded.ok());
  const Strategy& s = *loaded;
  CHECK(s.name == "rsi_macd_mlp");
  CHECK(s.description == "MLP on fuzzy RSI and MACD memberships");
  CHECK(s.symbols == std::vector<std::string>{"AAPL", "MSFT"});
  CHECK(s.timeframes == std::vector<Timeframe>{Timeframe::k1h, Timeframe::k4h, Timeframe::k1d});
  CHECK(s.base_timeframe == Timeframe::k1h);
  CHECK(s.history_required == 200);

  REQUIRE(s.indicators.size() == 2);
  CHECK(s.indicators[0].id == "rsi");
  CHECK(s.indicators[0].type == "rsi");
  CHECK(s.indicators[0].source == "close");
  CHECK(s.indicators[0].params == std::map<std::string, double>{{"period", 14}});
  CHECK(s.indicators[1].id == "macd");
  CHECK(s.indicators[1].params == std::map<std::string, double>{{"fast_period", 12},
                                                                {"slow_period", 26},
                                                                {"signal_period", 9}});

  CHECK(names_of(s.fuzzy_sets) == std::vector<std::string>{"rsi_oversold", "rsi_neutral",
                                                           "rsi_overbought", "macd_negative",
                                                           "macd_positive"});
  CHECK(s.fuzzy_sets[0].shape == MembershipShape::kTriangular);
  CHECK(s.fuzzy_sets[0].parameters == std::vector<double>{0, 20, 35});
  CHECK(s.fuzzy_sets[3].shape == MembershipShape::kTrapezoidal);
  CHECK(s.fuzzy_sets[3].parameters == std::vector<double>{-10, -5, -0.5, 0});

  CHECK(s.model.type == "mlp");
  CHECK(s.model.hidden_layers == std::vector<int>{50, 25});
  CHECK(s.model.activation == Activation::kRelu);
  CHECK(s.model.dropout == Approx(0.2));
  CHECK(s.model.lookback_periods == 2);
  CHECK(s.model.scale_features);
  CHECK(s.model.learning_rate == Approx(0.001));
  CHECK(s.model.batch_size == 32);
  CHECK(s.model.epochs == 100);
  CHECK(s.model.optimizer == OptimizerKind::kAdam);
  CHECK(s.model.early_stopping.enabled);
  CHECK(s.model.early_stopping.patience == 15);
  CHECK(s.model.early_stopping.monitor == MonitorMetric::kValLoss);
  CHECK(s.model.early_stopping.min_delta == Approx(0.0001));
  CHECK(s.labels.source == "zigzag");
  CHECK(s.labels.zigzag_threshold == Approx(0.03));
  CHECK(s.labels.label_lookahead == 20);
  CHECK(s.labels.method == LabelMethod::kSegments);  // KTRDR's labels unless a file says else
  CHECK(s.model.class_weights.mode == ClassWeighting::kNone);
  CHECK(s.split.train == Approx(0.7));
  CHECK(s.split.validation == Approx(0.15));
  CHECK(s.split.test == Approx(0.15));

  CHECK(s.source_file == kSharedExample);
  CHECK(s.document.at("version").as_string() == "2.0");
  CHECK(s.document.at("decisions").get_number("confidence_threshold") == 0.6);
  CHECK(s.document.at("deployment").at("target_symbols").get_string("mode") == "group_restricted");
  CHECK(s.document.at("scope").as_string() == "universal");
}

TEST_CASE("every shipped strategy loads", "[training][strategy]") {
  std::size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kStrategies)) {
    if (entry.path().extension() != ".yaml") continue;
    ++count;
    auto loaded = Strategy::load(entry.path());
    INFO(entry.path().string() << ": " << (loaded.ok() ? "" : loaded.error().message));
    CHECK(loaded.ok());
    if (loaded.ok()) CHECK(loaded->name == entry.path().stem().string());
  }
  CHECK(count == 3);
}

TEST_CASE("the shipped v2 strategy trains fuzzy RSI and MACD on AAPL 1h", "[training][strategy]") {
  auto loaded = Strategy::load(kStrategies / "rsi_macd_mlp.yaml");
  REQUIRE(loaded.ok());
  const Strategy& s = *loaded;
  CHECK(s.symbols == std::vector<std::string>{"AAPL"});
  CHECK(s.timeframes == std::vector<Timeframe>{Timeframe::k1h});
  CHECK(s.indicators.size() == 2);
  CHECK(s.fuzzy_sets.size() == 5);
  CHECK(s.model.hidden_layers == std::vector<int>{32, 16});
  CHECK(s.model.epochs == 30);
  CHECK(s.model.early_stopping.enabled);
  CHECK(s.document.has("decisions"));
  CHECK(s.document.has("deployment"));
}

TEST_CASE("the shipped multi-symbol strategy reads MSFT and NVDA with five indicators",
          "[training][strategy]") {
  auto loaded = Strategy::load(kStrategies / "trend_strength_mlp.yaml");
  REQUIRE(loaded.ok());
  const Strategy& s = *loaded;
  CHECK(s.symbols == std::vector<std::string>{"MSFT", "NVDA"});
  CHECK(s.timeframes == std::vector<Timeframe>{Timeframe::k1h});
  CHECK(s.indicators.size() == 5);
  CHECK(indicator(s, "adx_14").type == "adx");
  CHECK(indicator(s, "stoch_14").params.at("k_period") == 14);
  bool reads_secondary = false;
  for (const auto& set : s.fuzzy_sets) reads_secondary |= set.input == "adx_14.plus_di";
  CHECK(reads_secondary);
}

TEST_CASE("the shipped v3 strategy reads an indicator map and nn_inputs on EURUSD 1h",
          "[training][strategy]") {
  auto loaded = Strategy::load(kStrategies / "eurusd_momentum_v3.yaml");
  REQUIRE(loaded.ok());
  const Strategy& s = *loaded;
  CHECK(s.symbols == std::vector<std::string>{"EURUSD"});
  CHECK(s.timeframes == std::vector<Timeframe>{Timeframe::k1h});
  CHECK(indicator(s, "rsi_14").type == "rsi");
  REQUIRE_FALSE(s.fuzzy_sets.empty());
  CHECK(s.fuzzy_sets.front().input == "rsi_14");
  bool gaussian = false;
  for (const auto& set : s.fuzzy_sets) gaussian |= set.shape == MembershipShape::kGaussian;
  CHECK(gaussian);
}

TEST_CASE("a v2 indicator's feature_id is its id", "[training][strategy]") {
  const TempDir dir;
  const std::string text = replaced(replaced(kValid, "- {name: rsi, period: 14,",
                                             "- {name: RSI, feature_id: rsi_14, period: 14,"),
                                    "  rsi:\n", "  rsi_14:\n");
  auto loaded = load_text(dir, text);
  INFO((loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded.ok());
  CHECK(loaded->indicators[0].id == "rsi_14");
  CHECK(loaded->indicators[0].type == "rsi");
  CHECK(loaded->indicators[0].params == std::map<std::string, double>{{"period", 14}});
  CHECK(loaded->fuzzy_sets[0].input == "rsi_14");
}

TEST_CASE("fuzzy-set keys may spell a v2 indicator's id in another case, as KTRDR's files do",
          "[training][strategy]") {
  const TempDir dir;
  // KTRDR's test_multi_full_combined.yaml: `name: BollingerBands` keyed `BollingerBands:`, and
  // v15_rsi_adx_stochastic.yaml: `feature_id: adx_14` keyed `ADX_14:`.
  const std::string text =
      replaced(replaced(replaced(kValid, "- {name: rsi, period: 14,", "- {name: RSI, period: 14,"),
                        "  - {name: macd, fast_period: 12, slow_period: 26, signal_period: 9}",
                        "  - {name: BollingerBands, period: 20, multiplier: 2.0}\n"
                        "  - {name: adx, feature_id: adx_14, period: 14}"),
               "  macd:\n    negative: {type: trapezoidal, parameters: [-10, -5, -0.5, 0]}",
               "  BollingerBands:\n    high: {type: triangular, parameters: [100, 150, 200]}\n"
               "  ADX_14.plus_di:\n    strong: {type: triangular, parameters: [20, 40, 100]}");
  auto loaded = load_text(dir, text);
  INFO((loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded.ok());
  REQUIRE(loaded->fuzzy_sets.size() == 4);
  CHECK(loaded->fuzzy_sets[0].input == "rsi");
  CHECK(loaded->fuzzy_sets[2].input == "bollingerbands");
  CHECK(loaded->fuzzy_sets[2].group == "BollingerBands");
  CHECK(loaded->fuzzy_sets[3].input == "adx_14.plus_di");
}

TEST_CASE("the rows' dates may be given under training_data, as KTRDR's files do",
          "[training][strategy]") {
  const TempDir dir;
  const auto dates_of = [&](const std::string& text) {
    auto loaded = load_text(dir, text);
    INFO((loaded.ok() ? "" : loaded.error().message));
    REQUIRE(loaded.ok());
    return std::pair{loaded->start, loaded->end};
  };
  using std::chrono::sys_days;
  using std::chrono::year;
  const auto range =
      dates_of(replaced(kValid, "  history_required: 10",
                        "  history_required: 10\n"
                        "  date_range: {start: \"2021-01-01\", end: \"2023-01-01\"}"));
  CHECK(range.first == sys_days{year{2021} / 1 / 1});
  CHECK(range.second == sys_days{year{2023} / 1 / 1});
  const auto start_only = dates_of(replaced(kValid, "  history_required: 10",
                                            "  history_required: 10\n  start_date: 2022-06-01"));
  CHECK(start_only.first == sys_days{year{2022} / 6 / 1});
  CHECK_FALSE(start_only.second.has_value());

  // Given twice: an error naming the first place.
  auto twice = load_text(dir, replaced(replaced(kValid, "  history_required: 10",
                                                "  history_required: 10\n  start_date: 2022-06-01"),
                                       "  method: supervised",
                                       "  method: supervised\n  date_range: {start: 2021-01-01}"));
  REQUIRE_FALSE(twice.ok());
  CHECK_THAT(twice.error().message,
             Catch::Matchers::Contains("training.date_range") &&
                 Catch::Matchers::Contains("already given by `training_data`"));
}

TEST_CASE("KTRDR's `loss: cross_entropy` is what ktrdr trains with; another loss is refused",
          "[training][strategy]") {
  const TempDir dir;
  auto loaded = load_text(
      dir, replaced(kValid, "    optimizer: adam", "    optimizer: adam\n    loss: cross_entropy"));
  INFO((loaded.ok() ? "" : loaded.error().message));
  CHECK(loaded.ok());
  auto focal = load_text(
      dir, replaced(kValid, "    optimizer: adam", "    optimizer: adam\n    loss: focal"));
  REQUIRE_FALSE(focal.ok());
  CHECK_THAT(focal.error().message, Catch::Matchers::Contains("model.training.loss") &&
                                        Catch::Matchers::Contains("cross_entropy"));
}

TEST_CASE("the symbol embedding may be given under model.architecture, as KTRDR's files do",
          "[training][strategy]") {
  const TempDir dir;
  auto loaded =
      load_text(dir, replaced(kValid, "dropout: 0.1}", "dropout: 0.1, symbol_embedding_dim: 32}"));
  INFO((loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded.ok());
  CHECK(loaded->model.symbol_embedding_dim == 32);
}

TEST_CASE("the architecture may be given flat under model, as KTRDR's v3_minimal.yaml does",
          "[training][strategy]") {
  const TempDir dir;
  const std::string flat =
      "  type: mlp\n  hidden_layers: [32, 16]\n  dropout: 0.2\n  activation: tanh\n";
  auto loaded = load_text(
      dir, replaced(kValid,
                    "  type: mlp\n  architecture: {hidden_layers: [16, 8], activation: relu, "
                    "output_activation: softmax, dropout: 0.1}\n",
                    flat));
  INFO((loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded.ok());
  CHECK(loaded->model.hidden_layers == std::vector<int>{32, 16});
  CHECK(loaded->model.dropout == 0.2);
  CHECK(loaded->model.activation == Activation::kTanh);

  // Given in both places: an error at the flat key.
  auto twice = load_text(dir, replaced(kValid, "  type: mlp\n", "  type: mlp\n  dropout: 0.3\n"));
  REQUIRE_FALSE(twice.ok());
  CHECK_THAT(twice.error().message, Catch::Matchers::Contains("model.dropout") &&
                                        Catch::Matchers::Contains("give it once"));
}

TEST_CASE("defaults fill what a file leaves out", "[training][strategy]") {
  const TempDir dir;
  auto loaded = load_text(dir, R"(name: bare
training_data:
  symbols: {list: [AAPL]}
  timeframes: {list: [1d, 1h]}
indicators:
  - {name: rsi, period: 14}
fuzzy_sets:
  rsi:
    low: [0, 20, 40]
)");
  INFO((loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded.ok());
  const Strategy& s = *loaded;
  CHECK(s.base_timeframe == Timeframe::k1h);  // the shortest
  CHECK(s.timeframes == std::vector<Timeframe>{Timeframe::k1h, Timeframe::k1d});
  CHECK(s.history_required == 0);
  CHECK(s.indicators[0].source == "close");
  CHECK(s.fuzzy_sets[0].shape == MembershipShape::kTriangular);
  const ModelSpec model;
  CHECK(s.model.hidden_layers == model.hidden_layers);
  CHECK(s.model.epochs == model.epochs);
  CHECK_FALSE(s.model.early_stopping.enabled);
  CHECK(s.labels.zigzag_threshold == LabelSpec{}.zigzag_threshold);
  CHECK(s.split.train == DataSplit{}.train);
}

TEST_CASE("a base timeframe other than the shortest comes first", "[training][strategy]") {
  const TempDir dir;
  auto loaded =
      load_text(dir, replaced(kValid, "{mode: single_timeframe, list: [1h], base_timeframe: 1h}",
                              "{mode: multi_timeframe, list: [1h, 4h, 1d], base_timeframe: 4h}"));
  INFO((loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded.ok());
  CHECK(loaded->base_timeframe == Timeframe::k4h);
  CHECK(loaded->timeframes ==
        std::vector<Timeframe>{Timeframe::k4h, Timeframe::k1h, Timeframe::k1d});
}

TEST_CASE("v3 files: an indicator map, fuzzy sets naming their indicator, nn_inputs",
          "[training][strategy]") {
  const std::string v3 = R"(name: v3_test
version: "3.0"
training_data:
  symbols: {mode: single, symbol: EURUSD}
  timeframes: {mode: single, timeframe: 1h}
indicators:
  rsi_14: {type: rsi, period: 14}
  macd_std: {type: macd, fast_period: 12, slow_period: 26, signal_period: 9}
fuzzy_sets:
  rsi_momentum:
    indicator: rsi_14
    oversold: [0, 25, 40]
    overbought: {type: triangular, parameters: [60, 75, 100]}
  macd_cross:
    indicator: macd_std.signal
    below: {type: gaussian, parameters: [-1, 0.5]}
  unused:
    indicator: rsi_14
    middle: [30, 50, 70]
nn_inputs:
  - {fuzzy_set: macd_cross, timeframes: all}
  - fuzzy_set: rsi_momentum
    timeframes: [1h]
model:
  architecture: {hidden_layers: [8]}
training:
  labels: {source: zigzag, zigzag_threshold: 0.01}
)";
  SECTION("loads: the sets nn_inputs lists, in its order") {
    const TempDir dir;
    auto loaded = load_text(dir, v3);
    INFO((loaded.ok() ? "" : loaded.error().message));
    REQUIRE(loaded.ok());
    const Strategy& s = *loaded;
    CHECK(s.symbols == std::vector<std::string>{"EURUSD"});
    CHECK(s.timeframes == std::vector<Timeframe>{Timeframe::k1h});
    REQUIRE(s.indicators.size() == 2);
    CHECK(s.indicators[0].id == "rsi_14");
    CHECK(s.indicators[1].id == "macd_std");
    CHECK(s.indicators[1].type == "macd");
    CHECK(names_of(s.fuzzy_sets) == std::vector<std::string>{"macd_std.signal_below",
                                                             "rsi_14_oversold",
                                                             "rsi_14_overbought"});
    std::vector<std::string> features;
    for (const FuzzySetSpec& set : s.fuzzy_sets) features.push_back(FuzzySet::create(set)->feature_name());
    CHECK(features == std::vector<std::string>{"macd_cross_below", "rsi_momentum_oversold",
                                               "rsi_momentum_overbought"});
    CHECK(s.fuzzy_sets[0].shape == MembershipShape::kGaussian);
    CHECK(s.fuzzy_sets[1].parameters == std::vector<double>{0, 25, 40});
  }
  SECTION("nn_inputs naming an undeclared fuzzy set") {
    const std::string text = replaced(v3, "{fuzzy_set: macd_cross,", "{fuzzy_set: macd_crossing,");
    expect_error(text, "nn_inputs[0].fuzzy_set", "fuzzy_set: macd_crossing",
                 "\"macd_crossing\", which is not declared (fuzzy sets: rsi_momentum, "
                 "macd_cross, unused)");
  }
  SECTION("nn_inputs choosing some timeframes feed those sets on those timeframes only") {
    const TempDir dir;
    const std::string text =
        replaced(replaced(v3, "{mode: single, timeframe: 1h}", "{list: [1h, 1d]}"),
                 "timeframes: [1h]", "timeframes: [1d]");
    auto loaded = load_text(dir, text);
    INFO((loaded.ok() ? "" : loaded.error().message));
    REQUIRE(loaded.ok());
    CHECK(loaded->fuzzy_sets[0].timeframes.empty());
    CHECK(loaded->fuzzy_sets[1].timeframes == std::vector<Timeframe>{Timeframe::k1d});
  }
  SECTION("nn_inputs naming a timeframe training_data does not list") {
    const std::string text = replaced(v3, "timeframes: [1h]", "timeframes: [4h]");
    expect_error(text, "nn_inputs[1].timeframes[0]", "timeframes: [4h]",
                 "one of the timeframes of training_data (1h), got \"4h\"");
  }
  SECTION("a fuzzy set's indicator that is not declared") {
    const std::string text = replaced(v3, "indicator: rsi_14\n", "indicator: rsi_21\n");
    expect_error(text, "fuzzy_sets.rsi_momentum.indicator", "indicator: rsi_21",
                 "indicator \"rsi_21\", which is not declared (indicators: rsi_14, macd_std)");
  }
  SECTION("two sets making one feature") {
    const std::string text = replaced(
        replaced(v3, "  unused:\n", "  macd:\n    indicator: macd_std\n    cross_below: [0, 1, 2]\n  unused:\n"),
        "model:\n", "  - {fuzzy_set: macd}\nmodel:\n");
    expect_error(text, "fuzzy_sets.macd.cross_below", "cross_below: [0, 1, 2]",
                 "makes feature \"macd_cross_below\"");
  }
  SECTION("two groups reading one output with the same set names make distinct features") {
    const TempDir dir;
    auto loaded = load_text(dir, replaced(replaced(v3, "middle: [30, 50, 70]", "oversold: [30, 50, 70]"),
                                          "model:\n", "  - {fuzzy_set: unused}\nmodel:\n"));
    INFO((loaded.ok() ? "" : loaded.error().message));
    REQUIRE(loaded.ok());
    CHECK(FuzzySet::create(loaded->fuzzy_sets.back())->feature_name() == "unused_oversold");
  }
  SECTION("an unused set may repeat a feature name") {
    const TempDir dir;
    auto loaded = load_text(dir, replaced(v3, "middle: [30, 50, 70]", "oversold: [30, 50, 70]"));
    INFO((loaded.ok() ? "" : loaded.error().message));
    CHECK(loaded.ok());
  }
  SECTION("a v3 single mode with a list of two symbols") {
    const std::string text =
        replaced(v3, "{mode: single, symbol: EURUSD}", "{mode: single, list: [EURUSD, GBPUSD]}");
    expect_error(text, "training_data.symbols.mode", "mode: single, list",
                 "is \"single\" but 2 symbols are listed");
  }
}

TEST_CASE("each mistake is reported with file, line and key path", "[training][strategy]") {
  struct Case {
    const char* name;
    std::string_view from;
    std::string_view to;
    std::string field;
    std::string_view needle;  // text on the line the error must name ("" = `to`)
    std::string fragment;
  };
  const std::vector<Case> cases = {
      {"an unknown top-level key", "description: a strategy for tests",
       "description: x\ncolour: blue", "colour", "colour:", "is not a key of a strategy"},
      {"an unknown nested key", "dropout: 0.1}", "dropout: 0.1, layers: 3}",
       "model.architecture.layers", "layers: 3", "is not a key of `model.architecture`"},
      {"a key given twice", "  history_required: 10",
       "  history_required: 10\n  history_required: 5", "training_data.history_required",
       "history_required: 5", "given twice"},
      {"a missing name", "name: test_strategy\n", "", "name", "description:", "is required"},
      {"a bad name", "name: test_strategy", "name: ../up", "name", "", "letters, digits"},
      {"no symbols", "list: [AAPL]", "list: []", "training_data.symbols.list", "", "non-empty"},
      {"an invalid symbol", "list: [AAPL]", "list: [AAPL, \"A/B\"]",
       "training_data.symbols.list[1]", "", "A/B"},
      {"a symbol listed twice", "list: [AAPL]", "list: [AAPL, AAPL]",
       "training_data.symbols.list[1]", "", "twice"},
      {"single_symbol with two symbols", "single_symbol, list: [AAPL]",
       "single_symbol, list: [AAPL, MSFT]", "training_data.symbols.mode", "", "2 symbols"},
      {"an unknown symbols mode", "mode: single_symbol", "mode: few_symbols",
       "training_data.symbols.mode", "", "must be one of"},
      {"an unknown timeframe", "list: [1h], base", "list: [1h, 2h], base",
       "training_data.timeframes.list[1]", "", "2h"},
      {"a base timeframe not listed", "base_timeframe: 1h", "base_timeframe: 4h",
       "training_data.timeframes.base_timeframe", "", "not one of the listed timeframes (1h)"},
      {"a negative history", "history_required: 10", "history_required: -1",
       "training_data.history_required", "", "at least 0"},
      {"no indicators",
       "indicators:\n  - {name: rsi, period: 14, source: close}\n"
       "  - {name: macd, fast_period: 12, slow_period: 26, signal_period: 9}",
       "indicators: []", "indicators", "", "at least one indicator"},
      {"an unknown indicator type", "{name: rsi, period: 14,", "{name: rsx, period: 14,",
       "indicators[0].name", "", "rsx"},
      {"an indicator parameter out of range", "{name: rsi, period: 14,", "{name: rsi, period: 0,",
       "indicators[0].period", "", "period"},
      {"an unknown indicator parameter", "{name: rsi, period: 14,",
       "{name: rsi, period: 14, speed: 2,", "indicators[0].speed", "", "speed"},
      {"a text indicator parameter", "{name: rsi, period: 14,", "{name: rsi, period: fast,",
       "indicators[0].period", "", "number"},
      {"a list as an indicator parameter", "{name: rsi, period: 14,", "{name: rsi, period: [14],",
       "indicators[0].period", "", "a word or true/false"},
      {"an unknown label method", "source: zigzag,", "source: zigzag, method: triple_barrier,",
       "training.labels.method", "", "segments, first_touch"},
      {"unknown class weights", "learning_rate: 0.001",
       "learning_rate: 0.001\n    class_weights: auto", "model.training.class_weights",
       "class_weights: auto", "none, balanced"},
      {"a class weight for an unknown class", "learning_rate: 0.001",
       "learning_rate: 0.001\n    class_weights: {BUY: 1, WAIT: 2}",
       "model.training.class_weights.WAIT", "class_weights: {BUY: 1, WAIT: 2}", "BUY, HOLD, SELL"},
      {"a negative class weight", "learning_rate: 0.001",
       "learning_rate: 0.001\n    class_weights: {SELL: -1}", "model.training.class_weights.SELL",
       "class_weights: {SELL: -1}", ">= 0"},
      {"class weights all 0", "learning_rate: 0.001",
       "learning_rate: 0.001\n    class_weights: {BUY: 0, HOLD: 0, SELL: 0}",
       "model.training.class_weights", "class_weights: {BUY: 0", "weight > 0"},
      {"an indicator without a type", "{name: rsi, period: 14, source: close}",
       "{period: 14, source: close}", "indicators[0]", "", "needs `name`"},
      {"two indicators with one id", "{name: macd, fast_period: 12",
       "{name: rsi, period: 21}\n  - {name: macd, fast_period: 12", "indicators[1]",
       "{name: rsi, period: 21}", "distinct `feature_id`"},
      {"a fuzzy set of an undeclared indicator", "  macd:\n    negative:",
       "  stoch:\n    low: [0, 10, 20]\n  macd:\n    negative:", "fuzzy_sets.stoch",
       "stoch:", "indicator \"stoch\", which is not declared (indicators: rsi, macd)"},
      {"a fuzzy set of an output the indicator lacks", "  macd:\n    negative:",
       "  macd.nope:\n    low: [0, 1, 2]\n  macd:\n    negative:", "fuzzy_sets.macd.nope",
       "macd.nope:", "which indicator \"macd\" does not compute"},
      {"fuzzy parameters that decrease", "parameters: [0, 20, 35]", "parameters: [0, 40, 35]",
       "fuzzy_sets.rsi.oversold.parameters", "", "must not decrease"},
      {"too few fuzzy parameters", "parameters: [0, 20, 35]", "parameters: [0, 20]",
       "fuzzy_sets.rsi.oversold.parameters", "", "takes 3 parameters"},
      {"an unknown fuzzy set type", "oversold: {type: triangular", "oversold: {type: bell",
       "fuzzy_sets.rsi.oversold.type", "", "bell"},
      {"a fuzzy set without parameters", "oversold: {type: triangular, parameters: [0, 20, 35]}",
       "oversold: {type: triangular}", "fuzzy_sets.rsi.oversold", "", "needs `parameters`"},
      {"a model type other than mlp", "  type: mlp", "  type: lstm", "model.type", "",
       "must be one of: mlp"},
      {"empty hidden layers", "hidden_layers: [16, 8]", "hidden_layers: []",
       "model.architecture.hidden_layers", "", "non-empty"},
      {"a zero-sized layer", "hidden_layers: [16, 8]", "hidden_layers: [16, 0]",
       "model.architecture.hidden_layers[1]", "", "positive"},
      {"a fractional layer", "hidden_layers: [16, 8]", "hidden_layers: [16, 8.5]",
       "model.architecture.hidden_layers[1]", "", "integer"},
      {"an unknown activation", "activation: relu", "activation: gelu",
       "model.architecture.activation", "", "relu, tanh, sigmoid, leaky_relu"},
      {"dropout of 1", "dropout: 0.1", "dropout: 1.0", "model.architecture.dropout", "", "[0, 1)"},
      {"negative dropout", "dropout: 0.1", "dropout: -0.1", "model.architecture.dropout", "",
       "[0, 1)"},
      {"price context that is not a boolean", "include_price_context: false",
       "include_price_context: maybe", "model.features.include_price_context", "",
       "must be true or false"},
      {"a learning rate of 0", "learning_rate: 0.001", "learning_rate: 0",
       "model.training.learning_rate", "", "> 0"},
      {"a negative gradient clip", "learning_rate: 0.001",
       "learning_rate: 0.001\n    gradient_clip: -1", "model.training.gradient_clip",
       "gradient_clip: -1", "must be >= 0"},
      {"an unknown scheduler", "learning_rate: 0.001",
       "learning_rate: 0.001\n    lr_scheduler: {type: warmup}", "model.training.lr_scheduler.type",
       "lr_scheduler: {type: warmup}", "none, step, exponential, reduce_on_plateau, cosine"},
      {"a scheduler gamma of 0", "learning_rate: 0.001",
       "learning_rate: 0.001\n    lr_scheduler: {type: step, gamma: 0}",
       "model.training.lr_scheduler.gamma", "lr_scheduler: {type: step, gamma: 0}", "(0, 1]"},
      {"an input_size of 0", "type: mlp", "type: mlp\n  input_size: 0", "model.input_size",
       "input_size: 0", "at least 1"},
      {"a symbol embedding of 0 values", "type: mlp", "type: mlp\n  symbol_embedding_dim: 0",
       "model.symbol_embedding_dim", "symbol_embedding_dim: 0", "at least 1"},
      {"a symbol embedding given twice", "type: mlp\n  architecture: {hidden_layers",
       "type: mlp\n  symbol_embedding_dim: 8\n  architecture: {symbol_embedding_dim: 4, "
       "hidden_layers",
       "model.architecture.symbol_embedding_dim", "architecture: {symbol_embedding_dim: 4",
       "give it once"},
      {"a setting in both training blocks", "method: supervised", "method: supervised\n  epochs: 5",
       "training.epochs", "epochs: 5", "also given as `model.training.epochs`"},
      {"a date range that ends before it starts", "method: supervised",
       "method: supervised\n  date_range: {start: 2024-06-01, end: 2024-01-01}",
       "training.date_range.end", "date_range:", "must be after start"},
      {"a bad date", "method: supervised", "method: supervised\n  date_range: {start: 2024-13-01}",
       "training.date_range.start", "date_range:", "2024-13-01"},
      {"std_dev and multiplier together", "  - {name: macd,",
       "  - {name: bbands, period: 20, std_dev: 2, multiplier: 2}\n  - {name: macd,",
       "indicators[1].std_dev", "{name: bbands", "give std_dev or multiplier, not both"},
      {"an unknown price reference", "  rsi:\n    oversold:",
       "  rsi:\n    input_transform: {type: price_ratio, reference: vwap}\n    oversold:",
       "fuzzy_sets.rsi.input_transform.reference", "input_transform:", "close, high, low, open"},
      {"a batch size of 0", "batch_size: 32", "batch_size: 0", "model.training.batch_size", "",
       "at least 1"},
      {"zero epochs", "epochs: 10", "epochs: 0", "model.training.epochs", "", "at least 1"},
      {"epochs as text", "epochs: 10", "epochs: \"10\"", "model.training.epochs", "",
       "must be an integer"},
      {"an unknown optimizer", "optimizer: adam", "optimizer: adagrad", "model.training.optimizer",
       "", "adam, sgd, rmsprop"},
      {"an unknown monitor", "monitor: val_loss", "monitor: loss",
       "model.training.early_stopping.monitor", "", "val_loss, val_accuracy"},
      {"a patience of 0", "patience: 3", "patience: 0", "model.training.early_stopping.patience",
       "", "at least 1"},
      {"labels other than zigzag", "source: zigzag", "source: fixed_horizon",
       "training.labels.source", "", "zigzag"},
      {"a zigzag threshold of 0", "zigzag_threshold: 0.03", "zigzag_threshold: 0",
       "training.labels.zigzag_threshold", "", "(0, 1)"},
      {"a zigzag threshold of 3 (percent, not a fraction)", "zigzag_threshold: 0.03",
       "zigzag_threshold: 3", "training.labels.zigzag_threshold", "", "(0, 1)"},
      {"a split that does not sum to 1", "test: 0.15}", "test: 0.25}", "training.data_split",
       "data_split:", "sum to 1"},
      {"a split part above 1", "data_split: {train: 0.7, validation: 0.15, test: 0.15}",
       "data_split: {train: 1.2, validation: -0.1, test: -0.1}", "training.data_split.train", "",
       "[0, 1]"},
      {"no validation split with early stopping",
       "data_split: {train: 0.7, validation: 0.15, test: 0.15}",
       "data_split: {train: 0.8, validation: 0, test: 0.2}", "training.data_split.validation", "",
       "early_stopping"},
      {"a method other than supervised", "method: supervised", "method: reinforcement",
       "training.method", "", "supervised"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      const std::string text = replaced(kValid, c.from, c.to);
      expect_error(text, c.field, c.needle.empty() ? c.to : c.needle, c.fragment);
    }
  }
}

TEST_CASE("a fuzzy set may read an indicator's secondary output", "[training][strategy]") {
  const TempDir dir;
  auto loaded = load_text(dir, replaced(kValid, "  macd:\n    negative:",
                                        "  macd.signal:\n    rising: [0, 1, 2]\n  macd:\n    "
                                        "negative:"));
  INFO((loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded.ok());
  CHECK(names_of(loaded->fuzzy_sets) == std::vector<std::string>{"rsi_oversold", "rsi_overbought",
                                                                 "macd.signal_rising",
                                                                 "macd_negative"});
}

TEST_CASE("several mistakes are reported together, in file order", "[training][strategy]") {
  const std::string text =
      replaced(replaced(kValid, "epochs: 10", "epochs: 0"), "list: [AAPL]", "list: [\"A/B\"]");
  const Error error = expect_error(text, "training_data.symbols.list[0]", "list: [\"A/B\"]", "A/B");
  const auto second = error.message.find('\n');
  REQUIRE(second != std::string::npos);
  CHECK_THAT(error.message.substr(second + 1),
             Contains("`model.training.epochs` must be at least 1"));
}

TEST_CASE("files that are not strategies", "[training][strategy]") {
  const TempDir dir;
  SECTION("a missing file is an I/O error naming it") {
    auto loaded = Strategy::load(dir.path() / "absent.yaml");
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == ErrorCode::kIo);
    CHECK_THAT(loaded.error().message, Contains("absent.yaml"));
  }
  SECTION("invalid YAML is a parse error with its line") {
    const auto file = dir.write("bad.yaml", "name: x\nindicators: [\n  {name: rsi\n");
    auto loaded = Strategy::load(file);
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == ErrorCode::kParse);
    CHECK(loaded.error().get("file") == file.string());
    CHECK_THAT(loaded.error().message, StartsWith(file.string() + ":"));
    CHECK_THAT(loaded.error().message, Contains("invalid YAML"));
  }
  SECTION("an empty file") {
    auto loaded = load_text(dir, "");
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == ErrorCode::kInvalidArgument);
    CHECK_THAT(loaded.error().message, Contains("a strategy file is a mapping"));
  }
  SECTION("a list instead of a mapping") {
    auto loaded = load_text(dir, "- name: x\n");
    REQUIRE_FALSE(loaded.ok());
    CHECK(loaded.error().code == ErrorCode::kInvalidArgument);
    CHECK(loaded.error().get("line") == "1");
  }
}

TEST_CASE("to_string gives the names strategy files use", "[training][strategy]") {
  CHECK(to_string(Activation::kRelu) == "relu");
  CHECK(to_string(Activation::kTanh) == "tanh");
  CHECK(to_string(Activation::kSigmoid) == "sigmoid");
  CHECK(to_string(Activation::kLeakyRelu) == "leaky_relu");
  CHECK(to_string(OptimizerKind::kAdam) == "adam");
  CHECK(to_string(OptimizerKind::kSgd) == "sgd");
  CHECK(to_string(OptimizerKind::kRmsprop) == "rmsprop");
  CHECK(to_string(MonitorMetric::kValLoss) == "val_loss");
  CHECK(to_string(MonitorMetric::kValAccuracy) == "val_accuracy");
}

TEST_CASE("label method, class weights and indicator options", "[training][strategy]") {
  const TempDir dir;
  std::string text = replaced(kValid, "source: zigzag,", "source: zigzag, method: first_touch,");
  text = replaced(text, "learning_rate: 0.001",
                  "learning_rate: 0.001\n    class_weights: {BUY: 2, SELL: 1.5}");
  text = replaced(text, "{name: rsi, period: 14,",
                  "{name: atr, feature_id: rsi, period: 14, smoothing: wilder,");
  auto loaded = load_text(dir, text);
  INFO((loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded.ok());
  CHECK(loaded->labels.method == LabelMethod::kFirstTouch);
  CHECK(loaded->model.class_weights.mode == ClassWeighting::kGiven);
  CHECK(loaded->model.class_weights.given == std::array<double, 3>{2.0, 1.0, 1.5});
  CHECK(loaded->indicators[0].options.at("smoothing") == "wilder");

  auto balanced = load_text(dir, replaced(kValid, "learning_rate: 0.001",
                                          "learning_rate: 0.001\n    class_weights: balanced"));
  REQUIRE(balanced.ok());
  CHECK(balanced->model.class_weights.mode == ClassWeighting::kBalanced);

  auto bad_option =
      load_text(dir, replaced(kValid, "{name: rsi, period: 14,",
                              "{name: atr, feature_id: rsi, period: 14, smoothing: fancy,"));
  REQUIRE_FALSE(bad_option.ok());
  CHECK_THAT(bad_option.error().message, Contains("smoothing") && Contains("fancy"));
}

TEST_CASE("fuzzy sets of a moving average read close / MA; others read the value",
          "[training][strategy]") {
  const TempDir dir;
  std::string text = replaced(kValid, "  - {name: macd,",
                              "  - {name: SimpleMovingAverage, feature_id: sma_20, period: 20}\n"
                              "  - {name: ema, feature_id: ema_9, period: 9}\n"
                              "  - {name: bbands, period: 20}\n  - {name: macd,");
  text = replaced(text, "  macd:\n    negative:",
                  "  sma_20:\n    above: [1.0, 1.02, 1.05]\n  ema_9:\n    below: [0.95, 0.98, "
                  "1.0]\n  bbands.upper:\n    high: [100, 200, 300]\n  macd:\n    negative:");
  auto loaded = load_text(dir, text);
  INFO((loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded.ok());
  std::map<std::string, std::string> ratio;
  for (const FuzzySetSpec& set : loaded->fuzzy_sets) ratio[set.input] = set.price_ratio;
  CHECK(ratio == std::map<std::string, std::string>{{"rsi", ""},
                                                    {"sma_20", "close"},
                                                    {"ema_9", "close"},
                                                    {"bbands.upper", ""},
                                                    {"macd", ""}});
}

TEST_CASE("a KTRDR v3 file of its current head loads with KTRDR's meaning", "[training][strategy]") {
  const std::string v3 = R"(name: v3_head
version: "3.0"
training_data:
  symbols: {mode: multi_symbol, list: [EURUSD, GBPUSD]}
  timeframes: {mode: multi_timeframe, list: ["1h", "1d"], base_timeframe: "1h"}
  history_required: 100
indicators:
  adx_14: {type: adx, period: 14}
  macd_12_26_9: {type: macd, fast_period: 12, slow_period: 26, signal_period: 9}
  bbands_20: {type: BollingerBands, period: 20, std_dev: 2.5}
  sma_20: {type: sma, period: 20}
fuzzy_sets:
  adx_strength:
    indicator: adx_14.adx
    weak: [0, 15, 25]
  di_plus:
    indicator: adx_14.plus_di
    high: [20, 40, 100]
  di_minus:
    indicator: adx_14
    high: [20, 40, 100]
  macd_signal:
    indicator: macd_12_26_9.signal
    rising: [0, 0.001, 0.01]
  macd_line:
    indicator: macd_12_26_9.line
    positive: [0, 0.001, 0.01]
  bb_top:
    indicator: bbands_20
    far: [1, 2, 3]
  bb_mid:
    indicator: bbands_20.middle
    far: [1, 2, 3]
  sma_level:
    indicator: sma_20
    input_transform: {type: price_ratio, reference: close}
    below: [0.97, 0.99, 1.0]
  sma_raw:
    indicator: sma_20
    input_transform: {type: none}
    level: [1.0, 1.1, 1.2]
nn_inputs:
  - {fuzzy_set: adx_strength, timeframes: all}
  - {fuzzy_set: di_plus, timeframes: ["1d"]}
  - {fuzzy_set: di_minus, timeframes: ["1h"]}
  - {fuzzy_set: macd_signal, timeframes: all}
  - {fuzzy_set: macd_line, timeframes: all}
  - {fuzzy_set: bb_top, timeframes: all}
  - {fuzzy_set: bb_mid, timeframes: all}
  - {fuzzy_set: sma_level, timeframes: all}
  - {fuzzy_set: sma_raw, timeframes: all}
model:
  type: mlp
  input_size: 16
  symbol_embedding_dim: 8
  architecture: {hidden_layers: [16]}
training:
  method: supervised
  learning_rate: 0.01
  epochs: 7
  gradient_clip: 1.0
  symbol_balancing: true
  lr_scheduler: {type: reduce_on_plateau, factor: 0.25, patience: 2}
  date_range: {start: "2020-01-01", end: "2024-06-30T12:00:00Z"}
  labels: {source: zigzag, zigzag_threshold: 0.01}
  data_split: {train: 0.8, validation: 0.1, test: 0.1}
)";
  const TempDir dir;
  auto loaded = load_text(dir, v3);
  INFO((loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded.ok());
  const Strategy& s = *loaded;
  std::map<std::string, std::string> inputs;
  for (const FuzzySetSpec& set : s.fuzzy_sets) inputs[set.group] = set.input;
  CHECK(inputs == std::map<std::string, std::string>{{"adx_strength", "adx_14"},
                                                     {"di_plus", "adx_14.plus_di"},
                                                     {"di_minus", "adx_14"},
                                                     {"macd_signal", "macd_12_26_9.signal"},
                                                     {"macd_line", "macd_12_26_9"},
                                                     {"bb_top", "bbands_20.upper"},
                                                     {"bb_mid", "bbands_20"},
                                                     {"sma_level", "sma_20"},
                                                     {"sma_raw", "sma_20"}});
  CHECK(s.fuzzy_sets[1].timeframes == std::vector<Timeframe>{Timeframe::k1d});
  CHECK(s.fuzzy_sets[2].timeframes == std::vector<Timeframe>{Timeframe::k1h});
  CHECK(s.fuzzy_sets[7].price_ratio == "close");
  CHECK(s.fuzzy_sets[8].price_ratio.empty());
  CHECK(indicator(s, "bbands_20").params.at("std_dev") == 2.5);
  CHECK(make_indicator(indicator(s, "bbands_20")).ok());
  CHECK(s.model.input_size == 16);
  CHECK(s.model.symbol_embedding_dim == 8);
  CHECK(s.model.learning_rate == 0.01);
  CHECK(s.model.epochs == 7);
  CHECK(s.model.gradient_clip == 1.0);
  CHECK(s.model.symbol_balancing);
  CHECK(s.model.lr_scheduler.type == LrSchedule::kReduceOnPlateau);
  CHECK(s.model.lr_scheduler.factor == 0.25);
  CHECK(s.model.lr_scheduler.patience == 2);
  CHECK(s.start == std::chrono::sys_days{std::chrono::year{2020} / 1 / 1});
  CHECK(s.end == std::chrono::sys_days{std::chrono::year{2024} / 6 / 30} + std::chrono::hours{12});
  CHECK(s.split.train == 0.8);
}

TEST_CASE("Bollinger Bands' std_dev is its multiplier", "[training][strategy]") {
  BarSeries bars("X", Timeframe::k1h);
  for (int i = 0; i < 30; ++i) {
    const double close = 100.0 + (i % 7) - 0.3 * i;
    bars.append({std::chrono::sys_seconds{std::chrono::hours{i}}, close, close, close, close, 1.0});
  }
  const auto upper = [&](IndicatorSpec spec) {
    auto outputs = make_indicator(spec).value_or_throw()->compute(bars, CancellationToken());
    return outputs.at(1).values;
  };
  IndicatorSpec with_std_dev{"b", "bbands", "close", {{"period", 5}, {"std_dev", 1.5}}, {}};
  IndicatorSpec with_multiplier{"b", "bbands", "close", {{"period", 5}, {"multiplier", 1.5}}, {}};
  IndicatorSpec with_default{"b", "bbands", "close", {{"period", 5}}, {}};
  CHECK(upper(with_std_dev)[10] == upper(with_multiplier)[10]);
  CHECK(upper(with_std_dev)[10] != upper(with_default)[10]);
}

TEST_CASE("parameters KTRDR ignores are ignored with a warning naming file, line and key",
          "[training][strategy]") {
  const TempDir dir;
  // KTRDR's files give MACD `period`/`fast` and a v2 indicator's `timeframe`; KTRDR then runs
  // MACD 12/26/9 on every timeframe without a word.
  const std::string text =
      replaced(replaced(kValid, "  - {name: rsi, period: 14, source: close}",
                        "  - {name: rsi, period: 14, source: close, timeframe: 1h}"),
               "  - {name: macd, fast_period: 12, slow_period: 26, signal_period: 9}",
               "  - {name: macd, period: 12, fast: 5, slow_period: 26}");
  auto loaded = load_text(dir, text);
  INFO((loaded.ok() ? "" : loaded.error().message));
  REQUIRE(loaded.ok());
  CHECK(indicator(*loaded, "rsi").params == std::map<std::string, double>{{"period", 14}});
  CHECK(indicator(*loaded, "rsi").options.empty());
  CHECK(indicator(*loaded, "macd").params == std::map<std::string, double>{{"slow_period", 26}});
  const std::string file = (dir.path() / "strategy.yaml").string();
  const std::string rsi_line = std::to_string(line_containing(text, "name: rsi"));
  const std::string macd_line = std::to_string(line_containing(text, "name: macd"));
  REQUIRE(loaded->warnings.size() == 3);
  CHECK_THAT(loaded->warnings[0],
             StartsWith(file + ":" + rsi_line + ": `indicators[0].timeframe` is ignored"));
  CHECK_THAT(loaded->warnings[0], Contains("every timeframe"));
  CHECK_THAT(loaded->warnings[1], StartsWith(file + ":" + macd_line + ": `indicators[1].period`"));
  CHECK_THAT(loaded->warnings[1], Contains("as KTRDR ignores it on macd"));
  CHECK_THAT(loaded->warnings[2], StartsWith(file + ":" + macd_line + ": `indicators[1].fast`"));

  SECTION("OBV's period and the architecture's attention_mechanism, as KTRDR's files give them") {
    const std::string more = replaced(
        replaced(text, "  - {name: macd, period: 12, fast: 5, slow_period: 26}",
                 "  - {name: macd, period: 12, fast: 5, slow_period: 26}\n"
                 "  - {name: obv, feature_id: obv_10, period: 10}"),
        "output_activation: softmax,", "output_activation: softmax, attention_mechanism: true,");
    auto read = load_text(dir, more);
    INFO((read.ok() ? "" : read.error().message));
    REQUIRE(read.ok());
    CHECK(indicator(*read, "obv_10").params.empty());
    REQUIRE(read->warnings.size() == 5);
    CHECK_THAT(read->warnings[3], Contains("`indicators[2].period` is ignored"));
    CHECK_THAT(read->warnings[4], Contains("`model.architecture.attention_mechanism` is ignored"));
    CHECK_THAT(read->warnings[4], Contains("no attention layer"));
    auto without =
        load_text(dir, replaced(more, "attention_mechanism: true", "attention_mechanism: false"));
    REQUIRE(without.ok());
    CHECK(without->warnings.size() == 4);
  }
  SECTION("a parameter KTRDR's files do not give that way stays an error") {
    expect_error(replaced(kValid, "fast_period: 12,", "fast_peroid: 12,"),
                 "indicators[1].fast_peroid", "name: macd", "unknown parameter \"fast_peroid\"");
  }
}

TEST_CASE("v3 raw_indicator inputs feed an output's value, with KTRDR's normalisations",
          "[training][strategy]") {
  // The shape of KTRDR's experiment_h003_mlp.yaml: fuzzy and raw inputs interleaved.
  const std::string v3 = R"(name: raw_test
version: "3.0"
training_data:
  symbols: {mode: single, symbol: EURUSD}
  timeframes: {mode: multi_timeframe, list: [1h, 1d], base_timeframe: 1h}
indicators:
  rsi_14: {type: rsi, period: 14}
  macd_12_26_9: {type: macd, fast_period: 12, slow_period: 26, signal_period: 9}
fuzzy_sets:
  rsi_momentum:
    indicator: rsi_14
    oversold: [0, 25, 40]
nn_inputs:
  - {fuzzy_set: rsi_momentum, timeframes: all}
  - {raw_indicator: rsi_14, timeframes: all, normalization: minmax}
  - {raw_indicator: macd_12_26_9.signal, timeframes: [1d], normalization: zscore}
  - {raw_indicator: MACD_12_26_9.line, timeframes: [1h]}
model:
  architecture: {hidden_layers: [8]}
training:
  labels: {source: zigzag, zigzag_threshold: 0.01}
)";
  SECTION("loads each raw input with its output, normalisation and timeframes") {
    const TempDir dir;
    auto loaded = load_text(dir, v3);
    INFO((loaded.ok() ? "" : loaded.error().message));
    REQUIRE(loaded.ok());
    REQUIRE(loaded->raw_inputs.size() == 3);
    const RawInput& rsi = loaded->raw_inputs[0];
    CHECK(rsi.reference == "rsi_14");
    CHECK(rsi.output == "rsi_14");
    CHECK(rsi.normalization == Normalization::kMinMax);
    CHECK(rsi.timeframes.empty());
    CHECK(rsi.feature_name() == "rsi_14_raw");
    const RawInput& signal = loaded->raw_inputs[1];
    CHECK(signal.output == "macd_12_26_9.signal");
    CHECK(signal.normalization == Normalization::kZScore);
    CHECK(signal.timeframes == std::vector<Timeframe>{Timeframe::k1d});
    const RawInput& line = loaded->raw_inputs[2];
    CHECK(line.output == "macd_12_26_9");  // KTRDR's `line` is MACD's main output here
    CHECK(line.normalization == Normalization::kNone);
    CHECK(line.feature_name() == "MACD_12_26_9.line_raw");
    CHECK(names_of(loaded->fuzzy_sets) == std::vector<std::string>{"rsi_14_oversold"});
  }
  SECTION("mistakes name the nn_inputs entry") {
    expect_error(replaced(v3, "normalization: minmax}", "normalization: robust}"),
                 "nn_inputs[1].normalization", "normalization: robust",
                 "must be one of: none, zscore, minmax");
    expect_error(replaced(v3, "{raw_indicator: rsi_14,", "{raw_indicator: rsi_7,"),
                 "nn_inputs[1].raw_indicator", "raw_indicator: rsi_7",
                 "reads indicator \"rsi_7\", which is not declared");
    expect_error(replaced(v3, "macd_12_26_9.signal", "macd_12_26_9.upper"),
                 "nn_inputs[2].raw_indicator", "macd_12_26_9.upper", "does not compute");
    expect_error(
        replaced(v3, "{raw_indicator: rsi_14,", "{fuzzy_set: rsi_momentum, raw_indicator: rsi_14,"),
        "nn_inputs[1].raw_indicator", "raw_indicator: rsi_14", "cannot be given with `fuzzy_set`");
    expect_error(replaced(v3, "{fuzzy_set: rsi_momentum, timeframes: all}",
                          "{fuzzy_set: rsi_momentum, timeframes: all, normalization: zscore}"),
                 "nn_inputs[0].normalization", "normalization: zscore}",
                 "applies to a `raw_indicator` input only");
    expect_error(replaced(v3, "{raw_indicator: MACD_12_26_9.line,", "{raw_indicator: rsi_14,"),
                 "nn_inputs[3].raw_indicator", "raw_indicator: rsi_14, timeframes: [1h]",
                 "makes feature \"rsi_14_raw\"");
  }
}
