#include "strategy.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/param_schema.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "yaml_document.hpp"

namespace ktrdr::training {
namespace {

using KeySet = std::set<std::string, std::less<>>;

// Every key a strategy file may hold, section by section. deployment, decisions, version,
// hypothesis, scope and model.training.analytics are kept in Strategy::document, not read.
const KeySet kTopKeys = {"name",          "description", "version",    "hypothesis", "scope",
                         "training_data", "deployment",  "indicators", "fuzzy_sets", "nn_inputs",
                         "model",         "decisions",   "training"};
const KeySet kTrainingDataKeys = {"symbols",    "timeframes", "history_required",
                                  "date_range", "start_date", "end_date"};
const KeySet kSymbolsKeys = {"mode", "list", "symbol"};
const KeySet kTimeframesKeys = {"mode", "list", "timeframe", "base_timeframe"};
const KeySet kSymbolModes = {"single", "single_symbol", "multi_symbol"};
const KeySet kTimeframeModes = {"single", "single_timeframe", "multi_timeframe"};
const KeySet kMembershipKeys = {"type", "parameters"};
const KeySet kFuzzyGroupKeys = {"indicator", "input_transform"};  // the rest name sets
const KeySet kInputTransformKeys = {"type", "reference"};
const KeySet kNnInputKeys = {"fuzzy_set", "raw_indicator", "timeframes", "normalization"};
// The architecture's own keys, which v3 files may also give directly under `model`.
const KeySet kFlatArchitectureKeys = {"hidden_layers", "activation", "output_activation",
                                      "dropout"};
const KeySet kModelKeys = {"type",          "architecture", "features",
                           "training",      "input_size",   "symbol_embedding_dim",
                           "hidden_layers", "activation",   "output_activation",
                           "dropout"};
const KeySet kArchitectureKeys = {"hidden_layers", "activation",           "output_activation",
                                  "dropout",       "symbol_embedding_dim", "attention_mechanism"};
const KeySet kFeaturesKeys = {"include_price_context", "lookback_periods", "scale_features"};
const KeySet kModelTrainingKeys = {"learning_rate", "batch_size",       "epochs",
                                   "optimizer",     "weight_decay",     "analytics",
                                   "class_weights", "early_stopping",   "lr_scheduler",
                                   "gradient_clip", "symbol_balancing", "loss"};
const KeySet kLrSchedulerKeys = {"type", "step_size", "gamma", "factor", "patience"};
const KeySet kEarlyStoppingKeys = {"enabled", "patience", "monitor", "min_delta"};
const KeySet kTrainingKeys = {"method", "labels", "data_split", "date_range"};
const KeySet kDateRangeKeys = {"start", "end"};
const KeySet kLabelsKeys = {"source", "method", "zigzag_threshold", "label_lookahead"};
const KeySet kClassNames = {"BUY", "HOLD", "SELL"};
const KeySet kSplitKeys = {"train", "validation", "test"};

constexpr double kSplitTolerance = 1e-6;

std::string child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string element(const std::string& path, std::size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
  return out;
}

std::string join(const KeySet& words) {
  return join(std::vector<std::string>(words.begin(), words.end()));
}

// A value as the user wrote it, for messages: strings quoted, the rest as JSON.
std::string describe(const Json& value) {
  return value.is_string() ? "\"" + value.as_string() + "\"" : value.dump();
}

// A number for messages, to 10 significant digits: 1 → "1", 0.7 + 0.15 + 0.1 → "0.95".
std::string number_text(double value) {
  std::array<char, 32> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%.10g", value);
  return buffer.data();
}

// Letters, digits, '_' and '-' (ids end up in feature names and, after a '.', name outputs).
bool is_identifier(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-';
  });
}

// A strategy name becomes a directory under models/: letters, digits, '_', '-' and '.', not
// starting with '.'.
bool is_strategy_name(std::string_view text) {
  if (text.empty() || text.size() > 128 || text.front() == '.') return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
  });
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

template <class Enum, std::size_t N>
std::optional<Enum> enum_from(std::string_view text, const Enum (&values)[N]) {
  for (const Enum value : values) {
    if (to_string(value) == text) return value;
  }
  return std::nullopt;
}

template <class Enum, std::size_t N>
std::string enum_names(const Enum (&values)[N]) {
  std::vector<std::string> names;
  for (const Enum value : values) names.emplace_back(to_string(value));
  return join(names);
}

constexpr Activation kActivations[] = {Activation::kRelu, Activation::kTanh, Activation::kSigmoid,
                                       Activation::kLeakyRelu};
constexpr OptimizerKind kOptimizers[] = {OptimizerKind::kAdam, OptimizerKind::kSgd,
                                         OptimizerKind::kRmsprop};
constexpr MonitorMetric kMonitors[] = {MonitorMetric::kValLoss, MonitorMetric::kValAccuracy};
constexpr LabelMethod kLabelMethods[] = {LabelMethod::kSegments, LabelMethod::kFirstTouch};
// The weightings a string names (a mapping gives the weights).
constexpr ClassWeighting kClassWeightings[] = {ClassWeighting::kNone, ClassWeighting::kBalanced};
constexpr LrSchedule kLrSchedules[] = {LrSchedule::kNone, LrSchedule::kStep,
                                       LrSchedule::kExponential, LrSchedule::kReduceOnPlateau,
                                       LrSchedule::kCosine};

// Reads a strategy from its YAML document, collecting every problem (each naming file, line
// and key) rather than stopping at the first.
class StrategyReader {
 public:
  explicit StrategyReader(const YamlDocument& doc) : doc_(doc) {}

  Result<Strategy> read() {
    for (const auto& duplicate : doc_.duplicate_keys()) {
      problem(duplicate.path, "is given twice in one mapping", duplicate.line);
    }
    const Json& root = doc_.root();
    if (!root.is_object()) {
      problem("",
              "a strategy file is a mapping with `name`, `training_data`, `indicators`, "
              "`fuzzy_sets`, `model` and `training`");
      return combined_problems();
    }
    unknown_keys(root, "", kTopKeys);
    read_name(root);
    if (auto description = string_member(root, "", "description")) {
      strategy_.description = *description;
    }
    read_training_data(root);
    read_indicators(root);
    read_fuzzy_sets(root);
    read_nn_inputs(root);
    read_model(root);
    read_training(root);
    if (!problems_.empty()) return combined_problems();
    strategy_.document = root;
    return std::move(strategy_);
  }

 private:
  // A group of fuzzy sets under one key of `fuzzy_sets`.
  struct FuzzyGroup {
    std::string key;
    std::vector<std::pair<FuzzySetSpec, std::string>> sets;  // with the path of each
  };

  void problem(const std::string& path, const std::string& what, int line = 0) {
    problems_.push_back(doc_.error_at(path, what, line));
  }

  void warning(const std::string& path, const std::string& what) {
    strategy_.warnings.push_back(doc_.error_at(path, what).message);
  }

  // The problems in file order, as one error: the first names the context, every one has its
  // own line in the message.
  Error combined_problems() {
    const auto line = [](const Error& e) { return std::stoi(e.get("line").value_or("0")); };
    std::stable_sort(problems_.begin(), problems_.end(),
                     [&](const Error& a, const Error& b) { return line(a) < line(b); });
    Error error = problems_.front();
    for (std::size_t i = 1; i < problems_.size(); ++i) error.message += "\n" + problems_[i].message;
    return error;
  }

  void unknown_keys(const Json& object, const std::string& path, const KeySet& allowed) {
    for (const std::string& key : object.keys()) {
      if (!allowed.contains(key)) {
        problem(child(path, key), "is not a key of " +
                                      (path.empty() ? "a strategy" : "`" + path + "`") +
                                      " (expected one of: " + join(allowed) + ")");
      }
    }
  }

  // `object.key` when present and not null (null reads as absent).
  static std::optional<Json> member(const Json& object, std::string_view key) {
    if (!object.has(key) || object.at(key).is_null()) return std::nullopt;
    return object.at(key);
  }

  // A mapping at `path`, or a problem (absent: nullopt without a problem unless required).
  std::optional<Json> object_member(const Json& object, const std::string& path,
                                    std::string_view key, const std::string& required = "") {
    const auto value = member(object, key);
    const std::string at = child(path, key);
    if (!value) {
      if (!required.empty()) problem(at, "is required: " + required);
      return std::nullopt;
    }
    if (!value->is_object()) {
      problem(at, "must be a mapping, got " + describe(*value));
      return std::nullopt;
    }
    return value;
  }

  std::optional<std::string> string_member(const Json& object, const std::string& path,
                                           std::string_view key) {
    const auto value = member(object, key);
    if (!value) return std::nullopt;
    if (!value->is_string()) {
      problem(child(path, key), "must be a string, got " + describe(*value));
      return std::nullopt;
    }
    return value->as_string();
  }

  std::optional<bool> bool_member(const Json& object, const std::string& path,
                                  std::string_view key) {
    const auto value = member(object, key);
    if (!value) return std::nullopt;
    if (!value->is_bool()) {
      problem(child(path, key), "must be true or false, got " + describe(*value));
      return std::nullopt;
    }
    return value->as_bool();
  }

  std::optional<double> number_value(const Json& value, const std::string& at) {
    if (!value.is_number() || !std::isfinite(value.as_number())) {
      problem(at, "must be a number, got " + describe(value));
      return std::nullopt;
    }
    return value.as_number();
  }

  std::optional<double> number_member(const Json& object, const std::string& path,
                                      std::string_view key) {
    const auto value = member(object, key);
    if (!value) return std::nullopt;
    return number_value(*value, child(path, key));
  }

  std::optional<int> int_value(const Json& value, const std::string& at) {
    const double number = value.is_number() ? value.as_number() : 0.5;
    if (!value.is_number() || std::trunc(number) != number ||
        std::abs(number) > std::numeric_limits<int>::max()) {
      problem(at, "must be an integer, got " + describe(value));
      return std::nullopt;
    }
    return value.is_integer() ? static_cast<int>(value.as_int()) : static_cast<int>(number);
  }

  std::optional<int> int_member(const Json& object, const std::string& path, std::string_view key) {
    const auto value = member(object, key);
    if (!value) return std::nullopt;
    return int_value(*value, child(path, key));
  }

  // An integer ≥ `least`, stored in `out` when valid.
  void at_least(const Json& object, const std::string& path, std::string_view key, int least,
                int& out) {
    if (const auto value = int_member(object, path, key)) {
      if (*value < least) {
        problem(child(path, key),
                "must be at least " + std::to_string(least) + ", got " + std::to_string(*value));
      } else {
        out = *value;
      }
    }
  }

  // One of `allowed` (a string), stored in `out` when valid.
  void one_of(const Json& object, const std::string& path, std::string_view key,
              const KeySet& allowed, std::string& out) {
    if (const auto value = string_member(object, path, key)) {
      if (!allowed.contains(*value)) {
        problem(child(path, key), "must be one of: " + join(allowed) + " (got \"" + *value + "\")");
      } else {
        out = *value;
      }
    }
  }

  template <class Enum, std::size_t N>
  void enum_member(const Json& object, const std::string& path, std::string_view key,
                   const Enum (&values)[N], Enum& out) {
    if (const auto value = string_member(object, path, key)) {
      if (const auto parsed = enum_from(*value, values)) {
        out = *parsed;
      } else {
        problem(child(path, key),
                "must be one of: " + enum_names(values) + " (got \"" + *value + "\")");
      }
    }
  }

  // --- name ---------------------------------------------------------------------------------

  void read_name(const Json& root) {
    if (!member(root, "name")) {
      problem("name", "is required: the strategy's name (models are saved under it)");
      return;
    }
    if (const auto name = string_member(root, "", "name")) {
      if (!is_strategy_name(*name)) {
        problem("name",
                "must be 1-128 letters, digits, '_', '-' or '.', not starting with '.' "
                "(it names the models' directory), got \"" +
                    *name + "\"");
      } else {
        strategy_.name = *name;
      }
    }
  }

  // --- training_data ------------------------------------------------------------------------

  void read_training_data(const Json& root) {
    const auto data =
        object_member(root, "", "training_data", "a mapping with `symbols` and `timeframes`");
    if (!data) return;
    const std::string path = "training_data";
    unknown_keys(*data, path, kTrainingDataKeys);
    if (const auto symbols =
            object_member(*data, path, "symbols", "a mapping with `mode` and `list`")) {
      read_symbols(*symbols, child(path, "symbols"));
    }
    if (const auto timeframes = object_member(
            *data, path, "timeframes", "a mapping with `mode`, `list` and `base_timeframe`")) {
      read_timeframes(*timeframes, child(path, "timeframes"));
    }
    at_least(*data, path, "history_required", 0, strategy_.history_required);
    // KTRDR's other places for the rows' dates: `training_data.date_range` and
    // `training_data.start_date` / `end_date`.
    if (const auto range = object_member(*data, path, "date_range")) {
      read_date_range(*range, child(path, "date_range"));
    }
    if (data->has("start_date") || data->has("end_date")) {
      read_dates(*data, path, "start_date", "end_date");
    }
  }

  // `list` (a list of strings) or `single_key` (one string, v3's single mode), exactly one.
  std::vector<std::pair<std::string, std::string>> list_or_single(const Json& object,
                                                                  const std::string& path,
                                                                  const char* single_key) {
    std::vector<std::pair<std::string, std::string>> items;  // (path, text)
    const auto list = member(object, "list");
    const auto single = member(object, single_key);
    if (list && single) {
      problem(child(path, single_key), std::string("cannot be given with `list`: give one"));
      return items;
    }
    if (single) {
      if (auto text = string_member(object, path, single_key)) {
        items.emplace_back(child(path, single_key), *text);
      }
      return items;
    }
    if (!list) {
      problem(child(path, "list"),
              std::string("is required: a non-empty list (or `") + single_key + "` for one)");
      return items;
    }
    const std::string list_path = child(path, "list");
    if (!list->is_array() || list->size() == 0) {
      problem(list_path, "must be a non-empty list, got " + describe(*list));
      return items;
    }
    for (std::size_t i = 0; i < list->size(); ++i) {
      const Json item = (*list)[i];
      if (!item.is_string()) {
        problem(element(list_path, i), "must be a string, got " + describe(item));
      } else {
        items.emplace_back(element(list_path, i), item.as_string());
      }
    }
    return items;
  }

  void check_mode(const Json& object, const std::string& path, const KeySet& modes,
                  std::size_t count, const char* what) {
    std::string mode;
    one_of(object, path, "mode", modes, mode);
    if (mode.starts_with("single") && count > 1) {
      problem(child(path, "mode"),
              "is \"" + mode + "\" but " + std::to_string(count) + " " + what + " are listed");
    }
  }

  void read_symbols(const Json& symbols, const std::string& path) {
    unknown_keys(symbols, path, kSymbolsKeys);
    const auto items = list_or_single(symbols, path, "symbol");
    std::map<std::string, std::string> seen;
    for (const auto& [at, symbol] : items) {
      if (auto valid = validate_symbol(symbol); !valid.ok()) {
        problem(at, valid.error().message);
      } else if (auto [it, inserted] = seen.emplace(symbol, at); !inserted) {
        problem(at, "lists \"" + symbol + "\" twice (also at line " +
                        std::to_string(doc_.line_of(it->second)) + ")");
      } else {
        strategy_.symbols.push_back(symbol);
      }
    }
    check_mode(symbols, path, kSymbolModes, items.size(), "symbols");
  }

  void read_timeframes(const Json& timeframes, const std::string& path) {
    unknown_keys(timeframes, path, kTimeframesKeys);
    const auto items = list_or_single(timeframes, path, "timeframe");
    std::vector<Timeframe> listed;
    for (const auto& [at, text] : items) {
      auto parsed = parse_timeframe(text);
      if (!parsed.ok()) {
        problem(at, parsed.error().message);
      } else if (std::find(listed.begin(), listed.end(), *parsed) != listed.end()) {
        problem(at, "lists \"" + text + "\" twice");
      } else {
        listed.push_back(*parsed);
      }
    }
    check_mode(timeframes, path, kTimeframeModes, items.size(), "timeframes");
    if (listed.empty()) return;
    Timeframe base = *std::min_element(listed.begin(), listed.end());
    if (const auto text = string_member(timeframes, path, "base_timeframe")) {
      auto parsed = parse_timeframe(*text);
      if (!parsed.ok()) {
        problem(child(path, "base_timeframe"), parsed.error().message);
        return;
      }
      if (std::find(listed.begin(), listed.end(), *parsed) == listed.end()) {
        std::vector<std::string> names;
        for (const Timeframe tf : listed) names.emplace_back(to_string(tf));
        problem(child(path, "base_timeframe"),
                "is \"" + *text + "\", which is not one of the listed timeframes (" + join(names) +
                    ")");
        return;
      }
      base = *parsed;
    }
    strategy_.base_timeframe = base;
    strategy_.timeframes.push_back(base);
    for (const Timeframe tf : listed) {
      if (tf != base) strategy_.timeframes.push_back(tf);
    }
  }

  // --- indicators ---------------------------------------------------------------------------

  void read_indicators(const Json& root) {
    const auto indicators = member(root, "indicators");
    if (!indicators) {
      problem("indicators",
              "is required: a list of indicators (v2: `- {name: rsi, period: 14}`)"
              " or a mapping of id to indicator (v3: `rsi_14: {type: rsi, …}`)");
      return;
    }
    if (indicators->is_array()) {
      for (std::size_t i = 0; i < indicators->size(); ++i) {
        read_indicator((*indicators)[i], element("indicators", i), "");
      }
    } else if (indicators->is_object()) {
      for (const std::string& id : indicators->keys()) {
        read_indicator(indicators->at(id), child("indicators", id), id);
      }
    } else {
      problem("indicators", "must be a list (v2) or a mapping of id to indicator (v3), got " +
                                describe(*indicators));
      return;
    }
    if (indicators->size() == 0) problem("indicators", "must declare at least one indicator");
  }

  // One indicator: v2 (`map_id` empty) `{name, feature_id?, source?, params…}` (`type` also
  // accepted for `name`), or v3 `id: {type, source?, params…}`.
  void read_indicator(const Json& value, const std::string& path, const std::string& map_id) {
    if (!value.is_object()) {
      problem(path, "must be a mapping such as {" + std::string(map_id.empty() ? "name" : "type") +
                        ": rsi, period: 14}, got " + describe(value));
      return;
    }
    const std::size_t problems_before = problems_.size();
    const bool v2 = map_id.empty();
    IndicatorSpec spec;
    // The type: v2 `name` (or `type`), v3 `type`.
    const char* type_key = !v2 || (value.has("type") && !value.has("name")) ? "type" : "name";
    if (v2 && value.has("name") && value.has("type")) {
      problem(child(path, "type"), "cannot be given with `name`: give one");
    }
    if (!member(value, type_key)) {
      problem(path, std::string("needs `") + type_key + "`: the indicator type (rsi, macd, …)");
    } else if (const auto type = string_member(value, path, type_key)) {
      spec.type = lower(*type);
    }
    spec.id = map_id;
    if (v2) {
      spec.id = spec.type;
      if (const auto feature_id = string_member(value, path, "feature_id")) spec.id = *feature_id;
    }
    if (const auto source = string_member(value, path, "source")) spec.source = *source;
    for (const std::string& key : value.keys()) {
      if (key == type_key || key == "source" || (v2 && (key == "feature_id" || key == "type"))) {
        continue;
      }
      if (ktrdr_ignores(spec.type, key)) {
        warning(child(path, key),
                "is ignored, as KTRDR ignores it on " + spec.type +
                    (key == "timeframe" ? " (indicators run on every timeframe of the strategy)"
                                        : " (it runs with the parameters it knows)"));
        continue;
      }
      // Numbers are parameters; words and true/false are options (make_indicator checks both).
      const Json param = value.at(key);
      if (param.is_number() && std::isfinite(param.as_number())) {
        spec.params[key] = param.as_number();
      } else if (param.is_string()) {
        spec.options[key] = param.as_string();
      } else if (param.is_bool()) {
        spec.options[key] = param.as_bool() ? "true" : "false";
      } else {
        problem(child(path, key),
                "must be a number, a word or true/false (an indicator parameter), got " +
                    describe(param));
      }
    }
    if (spec.id.empty() && problems_.size() != problems_before) return;
    const std::string id_path = v2 && value.has("feature_id") ? child(path, "feature_id") : path;
    if (!is_identifier(spec.id)) {
      problem(id_path, "gives the indicator id \"" + spec.id +
                           "\": ids are 1-64 letters, digits, '_' or '-' (a '.' would read as "
                           "an output, as in \"macd.signal\")");
      return;
    }
    if (auto [it, inserted] = indicator_paths_.emplace(spec.id, path); !inserted) {
      problem(id_path, "declares indicator id \"" + spec.id + "\" again (first at line " +
                           std::to_string(doc_.line_of(it->second)) + ")" +
                           (v2 ? "; give each a distinct `feature_id`" : ""));
      return;
    }
    indicator_ids_.push_back(spec.id);
    if (problems_.size() != problems_before) {
      failed_indicators_.insert(spec.id);
      return;
    }
    auto made = make_indicator(spec);
    if (!made.ok()) {
      // At the key the error is about (a parameter, the type, the source) when the file has it.
      std::string at = path;
      if (const auto key = made.error().get("key")) {
        const std::string yaml_key = *key == "type" ? std::string(type_key) : *key;
        if (value.has(yaml_key)) at = child(path, yaml_key);
      }
      problem(at, made.error().message);
      failed_indicators_.insert(spec.id);
      return;
    }
    for (const std::string& output : (*made)->output_names()) outputs_.insert(output);
    if (fuzzified_as_close_ratio(spec.type)) close_ratio_outputs_.insert(spec.id);
    const auto ktrdr_names = ktrdr_output_names(spec.type);
    for (const OutputName& name : ktrdr_names) {
      const std::string ours =
          name.suffix.empty() ? spec.id : spec.id + "." + std::string(name.suffix);
      output_aliases_[spec.id + "." + std::string(name.ktrdr)] = ours;
      if (&name == &ktrdr_names.front()) v3_primary_[spec.id] = ours;
    }
    strategy_.indicators.push_back(std::move(spec));
  }

  // --- fuzzy_sets ---------------------------------------------------------------------------

  void read_fuzzy_sets(const Json& root) {
    const auto fuzzy_sets = object_member(
        root, "", "fuzzy_sets",
        "a mapping of indicator id to its sets ({oversold: {type: triangular, parameters: "
        "[0, 20, 35]}, …})");
    if (!fuzzy_sets) return;
    if (fuzzy_sets->size() == 0) {
      problem("fuzzy_sets", "must declare at least one fuzzy set");
      return;
    }
    for (const std::string& key : fuzzy_sets->keys()) {
      read_fuzzy_group(fuzzy_sets->at(key), key);
    }
  }

  // `key: {set: {type, parameters} | [a, b, c], …}` reading indicator output `key` (v2), or
  // with an `indicator: <output>` member (v3), reading that output.
  void read_fuzzy_group(const Json& value, const std::string& key) {
    const std::string path = child("fuzzy_sets", key);
    if (!value.is_object()) {
      problem(path, "must be a mapping of set name to {type, parameters}, got " + describe(value));
      return;
    }
    FuzzyGroup group{key, {}};
    std::string input = output_named(declared_case(key), false);
    std::string input_path = path;
    if (value.has("indicator")) {
      const auto indicator = string_member(value, path, "indicator");
      if (!indicator) return;
      input = output_named(declared_case(*indicator), true);
      input_path = child(path, "indicator");
    }
    check_input(input, input_path);
    const std::string ratio = read_input_transform(value, path, input);
    std::size_t sets = 0;
    for (const std::string& name : value.keys()) {
      if (kFuzzyGroupKeys.contains(name)) continue;
      ++sets;
      const std::string at = child(path, name);
      if (!is_identifier(name)) {
        problem(at, "is not a valid set name: use 1-64 letters, digits, '_' or '-'");
        continue;
      }
      if (auto spec = read_membership(value.at(name), at, input, name)) {
        spec->group = key;
        spec->price_ratio = ratio;
        group.sets.emplace_back(std::move(*spec), at);
      }
    }
    if (sets == 0) {
      problem(path,
              "must declare at least one set (e.g. oversold: {type: triangular, "
              "parameters: [0, 20, 35]})");
    }
    groups_.push_back(std::move(group));
  }

  // The bar price a group's sets divide by their input (KTRDR's `input_transform: {type:
  // price_ratio, reference: close}`), "" for none: as the group says, else "close" for a moving
  // average's primary output and none otherwise.
  std::string read_input_transform(const Json& group, const std::string& path,
                                   const std::string& input) {
    const std::string fallback = close_ratio_outputs_.contains(input) ? "close" : "";
    const auto transform = object_member(group, path, "input_transform");
    if (!transform) return fallback;
    const std::string at = child(path, "input_transform");
    unknown_keys(*transform, at, kInputTransformKeys);
    std::string type = "price_ratio";
    one_of(*transform, at, "type", {"price_ratio", "none"}, type);
    std::string reference = "close";
    one_of(*transform, at, "reference", {"close", "open", "high", "low"}, reference);
    return type == "none" ? "" : reference;
  }

  // The output of ours that `name` reads: KTRDR's dot names of outputs ("adx_14.plus_di",
  // "macd_12_26_9.line", "bbands_20.middle") map to ours; a bare id in v3's `indicator:` (`v3`)
  // reads KTRDR's primary output (the upper band for Bollinger Bands).
  std::string output_named(const std::string& name, bool v3) const {
    if (const auto alias = output_aliases_.find(name); alias != output_aliases_.end()) {
      return alias->second;
    }
    if (const auto primary = v3_primary_.find(name); v3 && primary != v3_primary_.end()) {
      return primary->second;
    }
    return name;
  }

  // `name` ("BollingerBands", "ADX_14.plus_di") with its indicator id spelled as declared when it
  // matches a declared id only in letter case: KTRDR's v2 files key fuzzy sets by the name as
  // written, where the id is lower case.
  std::string declared_case(const std::string& name) const {
    const std::size_t dot = name.find('.');
    const std::string id = name.substr(0, dot);
    if (indicator_paths_.contains(id)) return name;
    for (const std::string& declared : indicator_ids_) {
      if (lower(declared) == lower(id)) {
        return declared + (dot == std::string::npos ? "" : name.substr(dot));
      }
    }
    return name;
  }

  // The indicator output a fuzzy group reads must exist.
  void check_input(const std::string& input, const std::string& at) {
    if (outputs_.contains(input)) return;
    const std::string id = input.substr(0, input.find('.'));
    if (failed_indicators_.contains(id)) return;  // already reported
    if (indicator_paths_.contains(id)) {
      std::vector<std::string> outputs;
      for (const std::string& output : outputs_) {
        if (output == id || output.starts_with(id + ".")) outputs.push_back(output);
      }
      problem(at, "reads \"" + input + "\", which indicator \"" + id +
                      "\" does not compute (its outputs: " + join(outputs) + ")");
      return;
    }
    problem(at, "reads indicator \"" + id + "\", which is not declared (indicators: " +
                    (indicator_ids_.empty() ? std::string("none") : join(indicator_ids_)) + ")");
  }

  std::optional<FuzzySetSpec> read_membership(const Json& value, const std::string& at,
                                              const std::string& input, const std::string& name) {
    FuzzySetSpec spec;
    spec.input = input;
    spec.name = name;
    Json parameters;
    std::string parameters_path = at;
    if (value.is_array()) {  // v3 shorthand: a triangle
      spec.shape = MembershipShape::kTriangular;
      parameters = value;
    } else if (value.is_object()) {
      unknown_keys(value, at, kMembershipKeys);
      if (const auto type = string_member(value, at, "type")) {
        auto shape = FuzzySet::parse_shape(*type);
        if (!shape.ok()) {
          problem(child(at, "type"), shape.error().message);
          return std::nullopt;
        }
        spec.shape = *shape;
      }
      if (!member(value, "parameters")) {
        problem(at,
                "needs `parameters` (triangular [a, b, c], trapezoidal [a, b, c, d], "
                "gaussian [mean, sigma])");
        return std::nullopt;
      }
      parameters = value.at("parameters");
      parameters_path = child(at, "parameters");
    } else {
      problem(at, "must be {type, parameters} or a triangle [a, b, c], got " + describe(value));
      return std::nullopt;
    }
    if (!parameters.is_array()) {
      problem(parameters_path, "must be a list of numbers, got " + describe(parameters));
      return std::nullopt;
    }
    for (std::size_t i = 0; i < parameters.size(); ++i) {
      const auto number = number_value(parameters[i], element(parameters_path, i));
      if (!number) return std::nullopt;
      spec.parameters.push_back(*number);
    }
    auto made = FuzzySet::create(spec);
    if (!made.ok()) {
      problem(parameters_path, made.error().message);
      return std::nullopt;
    }
    return spec;
  }

  // --- nn_inputs (v3) -----------------------------------------------------------------------

  // Without `nn_inputs` every group is an input on every timeframe, in file order; with it, the
  // groups it lists, in its order, each on the timeframes it gives.
  void read_nn_inputs(const Json& root) {
    const auto inputs = member(root, "nn_inputs");
    if (!inputs) {
      for (const auto& group : groups_) use(group, {});
      return;
    }
    if (!inputs->is_array() || inputs->size() == 0) {
      problem("nn_inputs",
              "must be a non-empty list of {fuzzy_set, timeframes}, got " + describe(*inputs));
      return;
    }
    std::map<std::string, std::string> used;  // group key → path of its nn_input
    for (std::size_t i = 0; i < inputs->size(); ++i) {
      const Json input = (*inputs)[i];
      const std::string path = element("nn_inputs", i);
      if (!input.is_object()) {
        problem(path, "must be a mapping {fuzzy_set, timeframes}, got " + describe(input));
        continue;
      }
      unknown_keys(input, path, kNnInputKeys);
      const auto timeframes = read_nn_input_timeframes(input, path);
      if (member(input, "raw_indicator")) {
        if (member(input, "fuzzy_set")) {
          problem(child(path, "raw_indicator"), "cannot be given with `fuzzy_set`: give one");
        } else if (timeframes) {
          read_raw_input(input, path, *timeframes);
        }
        continue;
      }
      if (member(input, "normalization")) {
        problem(child(path, "normalization"),
                "applies to a `raw_indicator` input only (fuzzy memberships are in [0, 1])");
      }
      if (!member(input, "fuzzy_set")) {
        problem(path,
                "needs `fuzzy_set` (a key of `fuzzy_sets`) or `raw_indicator` (an indicator "
                "or output, fed as its value)");
        continue;
      }
      const auto key = string_member(input, path, "fuzzy_set");
      if (!key || !timeframes) continue;
      const auto group = std::find_if(groups_.begin(), groups_.end(),
                                      [&](const FuzzyGroup& g) { return g.key == *key; });
      if (group == groups_.end()) {
        std::vector<std::string> keys;
        for (const auto& g : groups_) keys.push_back(g.key);
        problem(child(path, "fuzzy_set"), "names fuzzy set \"" + *key +
                                              "\", which is not declared (fuzzy sets: " +
                                              (keys.empty() ? "none" : join(keys)) + ")");
        continue;
      }
      if (auto [it, inserted] = used.emplace(*key, path); !inserted) {
        problem(child(path, "fuzzy_set"), "lists \"" + *key + "\" again (also at line " +
                                              std::to_string(doc_.line_of(it->second)) + ")");
        continue;
      }
      use(*group, *timeframes);
    }
  }

  // `{raw_indicator: <id or id.output>, normalization: none | zscore | minmax, timeframes}`: the
  // output's value as a feature (KTRDR's hybrid inputs); one feature per output.
  void read_raw_input(const Json& input, const std::string& path,
                      const std::vector<Timeframe>& timeframes) {
    const auto reference = string_member(input, path, "raw_indicator");
    if (!reference) return;
    const std::string at = child(path, "raw_indicator");
    RawInput raw{.reference = *reference,
                 .output = output_named(declared_case(*reference), true),
                 .timeframes = timeframes};
    constexpr Normalization kRawNormalizations[] = {Normalization::kNone, Normalization::kZScore,
                                                    Normalization::kMinMax};
    enum_member(input, path, "normalization", kRawNormalizations, raw.normalization);
    const std::size_t problems_before = problems_.size();
    check_input(raw.output, at);
    if (problems_.size() != problems_before) return;
    if (auto [it, inserted] = features_.emplace(raw.feature_name(), at); !inserted) {
      problem(at, "makes feature \"" + raw.feature_name() + "\", as `" + it->second + "` (line " +
                      std::to_string(doc_.line_of(it->second)) + ") does");
      return;
    }
    strategy_.raw_inputs.push_back(std::move(raw));
  }

  // Makes the sets of `group` inputs of the model on `timeframes` (empty: all); two sets making
  // one feature name are an error.
  void use(const FuzzyGroup& group, const std::vector<Timeframe>& timeframes) {
    for (const auto& [set, at] : group.sets) {
      const std::string feature = set.group + "_" + set.name;
      if (auto [it, inserted] = features_.emplace(feature, at); !inserted) {
        problem(at, "makes feature \"" + feature + "\", as `" + it->second + "` (line " +
                        std::to_string(doc_.line_of(it->second)) +
                        ") does: features are named <fuzzy_sets key>_<set name>");
        continue;
      }
      strategy_.fuzzy_sets.push_back(set);
      strategy_.fuzzy_sets.back().timeframes = timeframes;
    }
  }

  // `all` (or absent): every timeframe, given as an empty list; or a list of timeframes of
  // training_data. nullopt after a problem.
  std::optional<std::vector<Timeframe>> read_nn_input_timeframes(const Json& input,
                                                                 const std::string& path) {
    const auto value = member(input, "timeframes");
    if (!value || (value->is_string() && value->as_string() == "all")) {
      return std::vector<Timeframe>{};
    }
    const std::string at = child(path, "timeframes");
    if (!value->is_array() || value->size() == 0) {
      problem(at, "must be \"all\" or a list of timeframes, got " + describe(*value));
      return std::nullopt;
    }
    std::vector<std::string> known;
    for (const Timeframe tf : strategy_.timeframes) known.emplace_back(to_string(tf));
    std::vector<Timeframe> chosen;
    for (std::size_t i = 0; i < value->size(); ++i) {
      const Json item = (*value)[i];
      const auto parsed =
          item.is_string() ? std::optional(parse_timeframe(item.as_string())) : std::nullopt;
      if (!parsed || !parsed->ok() ||
          std::find(strategy_.timeframes.begin(), strategy_.timeframes.end(), **parsed) ==
              strategy_.timeframes.end()) {
        problem(element(at, i), "must be one of the timeframes of training_data (" +
                                    join(known) + "), got " + describe(item));
        return std::nullopt;
      }
      if (std::find(chosen.begin(), chosen.end(), **parsed) != chosen.end()) {
        problem(element(at, i), "lists " + describe(item) + " twice");
        return std::nullopt;
      }
      chosen.push_back(**parsed);
    }
    return chosen;
  }

  // --- model --------------------------------------------------------------------------------

  void read_model(const Json& root) {
    const auto model = object_member(root, "", "model");
    if (!model) return;
    const std::string path = "model";
    ModelSpec& spec = strategy_.model;
    unknown_keys(*model, path, kModelKeys);
    one_of(*model, path, "type", {"mlp"}, spec.type);
    int input_size = 0;
    at_least(*model, path, "input_size", 1, input_size);
    if (input_size > 0) spec.input_size = input_size;
    at_least(*model, path, "symbol_embedding_dim", 1, spec.symbol_embedding_dim);
    const auto architecture = object_member(*model, path, "architecture");
    if (architecture) read_architecture(*architecture, child(path, "architecture"));
    // v3's flat form (KTRDR's v3_minimal.yaml): architecture keys directly under `model`.
    Json flat = Json::object();
    for (const std::string& key : kFlatArchitectureKeys) {
      if (!model->has(key)) continue;
      if (architecture && architecture->has(key)) {
        problem(child(path, key),
                "is also given as `model.architecture." + key + "`: give it once");
        continue;
      }
      flat.set(key, model->at(key));
    }
    if (flat.size() > 0) read_architecture(flat, path);
    if (const auto features = object_member(*model, path, "features")) {
      read_features(*features, child(path, "features"));
    }
    if (const auto training = object_member(*model, path, "training")) {
      read_model_training(*training, child(path, "training"));
    }
  }

  void read_architecture(const Json& architecture, const std::string& path) {
    ModelSpec& spec = strategy_.model;
    unknown_keys(architecture, path, kArchitectureKeys);
    if (const auto layers = member(architecture, "hidden_layers")) {
      const std::string at = child(path, "hidden_layers");
      if (!layers->is_array() || layers->size() == 0) {
        problem(at, "must be a non-empty list of layer sizes, got " + describe(*layers));
      } else {
        std::vector<int> sizes;
        for (std::size_t i = 0; i < layers->size(); ++i) {
          const auto size = int_value((*layers)[i], element(at, i));
          if (size && *size < 1) {
            problem(element(at, i), "must be a positive layer size, got " + std::to_string(*size));
          } else if (size) {
            sizes.push_back(*size);
          }
        }
        if (sizes.size() == layers->size()) spec.hidden_layers = std::move(sizes);
      }
    }
    enum_member(architecture, path, "activation", kActivations, spec.activation);
    if (bool_member(architecture, path, "attention_mechanism").value_or(false)) {
      warning(child(path, "attention_mechanism"),
              "is ignored, as KTRDR's MLP ignores it (it has no attention layer)");
    }
    // KTRDR's files give the symbol embedding here or directly under `model` (read_model).
    if (architecture.has("symbol_embedding_dim") && spec.symbol_embedding_dim > 0) {
      problem(child(path, "symbol_embedding_dim"),
              "is also given as `model.symbol_embedding_dim`: give it once");
    }
    at_least(architecture, path, "symbol_embedding_dim", 1, spec.symbol_embedding_dim);
    std::string output_activation;
    one_of(architecture, path, "output_activation", {"softmax"}, output_activation);
    if (const auto dropout = number_member(architecture, path, "dropout")) {
      if (*dropout < 0.0 || *dropout >= 1.0) {
        problem(child(path, "dropout"), "must be in [0, 1), got " + number_text(*dropout));
      } else {
        spec.dropout = *dropout;
      }
    }
  }

  void read_features(const Json& features, const std::string& path) {
    ModelSpec& spec = strategy_.model;
    unknown_keys(features, path, kFeaturesKeys);
    if (const auto context = bool_member(features, path, "include_price_context")) {
      spec.include_price_context = *context;
    }
    at_least(features, path, "lookback_periods", 0, spec.lookback_periods);
    if (const auto scale = bool_member(features, path, "scale_features")) {
      spec.scale_features = *scale;
    }
  }

  void read_model_training(const Json& training, const std::string& path) {
    ModelSpec& spec = strategy_.model;
    unknown_keys(training, path, kModelTrainingKeys);
    if (const auto rate = number_member(training, path, "learning_rate")) {
      if (*rate <= 0.0) {
        problem(child(path, "learning_rate"), "must be > 0, got " + number_text(*rate));
      } else {
        spec.learning_rate = *rate;
      }
    }
    at_least(training, path, "batch_size", 1, spec.batch_size);
    at_least(training, path, "epochs", 1, spec.epochs);
    enum_member(training, path, "optimizer", kOptimizers, spec.optimizer);
    if (const auto decay = number_member(training, path, "weight_decay")) {
      if (*decay < 0.0) {
        problem(child(path, "weight_decay"), "must be >= 0, got " + number_text(*decay));
      } else {
        spec.weight_decay = *decay;
      }
    }
    if (const auto stopping = object_member(training, path, "early_stopping")) {
      read_early_stopping(*stopping, child(path, "early_stopping"));
    }
    read_class_weights(training, path);
    // KTRDR's `loss`: cross-entropy is what ktrdr trains with; its focal loss is not here.
    std::string loss = "cross_entropy";
    one_of(training, path, "loss", {"cross_entropy"}, loss);
    if (const auto scheduler = object_member(training, path, "lr_scheduler")) {
      read_lr_scheduler(*scheduler, child(path, "lr_scheduler"));
    }
    if (const auto clip = number_member(training, path, "gradient_clip")) {
      if (*clip < 0.0) {
        problem(child(path, "gradient_clip"),
                "must be >= 0 (the largest gradient norm; 0 turns clipping off), got " +
                    number_text(*clip));
      } else {
        spec.gradient_clip = *clip;
      }
    }
    if (const auto balancing = bool_member(training, path, "symbol_balancing")) {
      spec.symbol_balancing = *balancing;
    }
  }

  // `lr_scheduler: {type, step_size?, gamma?, factor?, patience?}` (defaults as KTRDR's).
  void read_lr_scheduler(const Json& scheduler, const std::string& path) {
    LrScheduler& spec = strategy_.model.lr_scheduler;
    unknown_keys(scheduler, path, kLrSchedulerKeys);
    if (!member(scheduler, "type")) {
      problem(path, "needs `type`: one of " + enum_names(kLrSchedules));
      return;
    }
    enum_member(scheduler, path, "type", kLrSchedules, spec.type);
    if (spec.type == LrSchedule::kExponential) spec.gamma = 0.95;
    at_least(scheduler, path, "step_size", 1, spec.step_size);
    at_least(scheduler, path, "patience", 0, spec.patience);
    for (const auto& [key, out] : {std::pair<const char*, double*>{"gamma", &spec.gamma},
                                   std::pair<const char*, double*>{"factor", &spec.factor}}) {
      if (const auto value = number_member(scheduler, path, key)) {
        if (*value <= 0.0 || *value > 1.0) {
          problem(child(path, key), "must be in (0, 1], got " + number_text(*value));
        } else {
          *out = *value;
        }
      }
    }
  }

  // `class_weights`: none, balanced, or a mapping of class name (BUY, HOLD, SELL) to a weight
  // ≥ 0, not all 0.
  void read_class_weights(const Json& training, const std::string& path) {
    const auto value = member(training, "class_weights");
    if (!value) return;
    const std::string at = child(path, "class_weights");
    ClassWeights& spec = strategy_.model.class_weights;
    if (value->is_string()) {
      enum_member(training, path, "class_weights", kClassWeightings, spec.mode);
      return;
    }
    if (!value->is_object()) {
      problem(at, "must be none, balanced or a mapping of BUY, HOLD, SELL to weights, got " +
                      describe(*value));
      return;
    }
    unknown_keys(*value, at, kClassNames);
    bool any_positive = false;
    std::size_t index = 0;
    for (const char* name : {"BUY", "HOLD", "SELL"}) {
      if (const auto weight = number_member(*value, at, name)) {
        if (*weight < 0.0) {
          problem(child(at, name), "must be >= 0, got " + number_text(*weight));
        } else {
          spec.given[index] = *weight;
        }
      }
      any_positive = any_positive || spec.given[index] > 0.0;
      ++index;
    }
    if (!any_positive) problem(at, "must give at least one class a weight > 0");
    spec.mode = ClassWeighting::kGiven;
  }

  // A present `early_stopping` block is enabled unless it says `enabled: false`.
  void read_early_stopping(const Json& stopping, const std::string& path) {
    EarlyStopping& spec = strategy_.model.early_stopping;
    unknown_keys(stopping, path, kEarlyStoppingKeys);
    spec.enabled = bool_member(stopping, path, "enabled").value_or(true);
    at_least(stopping, path, "patience", 1, spec.patience);
    enum_member(stopping, path, "monitor", kMonitors, spec.monitor);
    if (const auto delta = number_member(stopping, path, "min_delta")) {
      if (*delta < 0.0) {
        problem(child(path, "min_delta"), "must be >= 0, got " + number_text(*delta));
      } else {
        spec.min_delta = *delta;
      }
    }
  }

  // --- training -----------------------------------------------------------------------------

  // `training`: method, labels, data_split, date_range, and (v3) the settings of
  // `model.training`, each given in one of the two places.
  void read_training(const Json& root) {
    const auto training = object_member(root, "", "training");
    if (!training) return;
    const std::string path = "training";
    KeySet allowed = kTrainingKeys;
    allowed.insert(kModelTrainingKeys.begin(), kModelTrainingKeys.end());
    unknown_keys(*training, path, allowed);
    Json settings = Json::object();
    const auto model = member(root, "model");
    const auto model_training = model && model->is_object() ? member(*model, "training") : std::nullopt;
    for (const std::string& key : training->keys()) {
      if (!kModelTrainingKeys.contains(key)) continue;
      if (model_training && model_training->is_object() && model_training->has(key)) {
        problem(child(path, key), "is also given as `model.training." + key + "` (line " +
                                      std::to_string(doc_.line_of("model.training." + key)) +
                                      "): give it once");
        continue;
      }
      settings.set(key, training->at(key));
    }
    if (settings.size() > 0) read_model_training(settings, path);
    if (const auto range = object_member(*training, path, "date_range")) {
      read_date_range(*range, child(path, "date_range"));
    }
    std::string method;
    one_of(*training, path, "method", {"supervised"}, method);
    if (const auto labels = object_member(*training, path, "labels")) {
      read_labels(*labels, child(path, "labels"));
    }
    if (const auto split = object_member(*training, path, "data_split")) {
      read_split(*split, child(path, "data_split"));
    }
  }

  // `date_range: {start?, end?}`: dates or ISO UTC times, start before end.
  void read_date_range(const Json& range, const std::string& path) {
    unknown_keys(range, path, kDateRangeKeys);
    read_dates(range, path, "start", "end");
  }

  // The rows' dates from members `start_key` and `end_key` of `object`, given in one place only.
  void read_dates(const Json& object, const std::string& path, const char* start_key,
                  const char* end_key) {
    if (!dates_path_.empty()) {
      problem(path,
              "gives the dates again (already given by `" + dates_path_ + "`): give them once");
      return;
    }
    dates_path_ = path;
    auto times = time_param(object, start_key);
    const auto start = times ? *times : std::nullopt;
    if (!times) problem(child(path, start_key), times.error().message);
    times = time_param(object, end_key);
    const auto end = times ? *times : std::nullopt;
    if (!times) problem(child(path, end_key), times.error().message);
    if (start && end && *start >= *end) {
      problem(child(path, end_key),
              std::string("must be after ") + start_key + " (" + to_iso8601(*start) + ")");
      return;
    }
    strategy_.start = start;
    strategy_.end = end;
  }

  void read_labels(const Json& labels, const std::string& path) {
    LabelSpec& spec = strategy_.labels;
    unknown_keys(labels, path, kLabelsKeys);
    one_of(labels, path, "source", {"zigzag"}, spec.source);
    enum_member(labels, path, "method", kLabelMethods, spec.method);
    if (const auto threshold = number_member(labels, path, "zigzag_threshold")) {
      if (*threshold <= 0.0 || *threshold >= 1.0) {
        problem(
            child(path, "zigzag_threshold"),
            "must be in (0, 1) (a fraction: 0.03 is a 3 % swing), got " + number_text(*threshold));
      } else {
        spec.zigzag_threshold = *threshold;
      }
    }
    at_least(labels, path, "label_lookahead", 1, spec.label_lookahead);
  }

  void read_split(const Json& split, const std::string& path) {
    unknown_keys(split, path, kSplitKeys);
    DataSplit parts = strategy_.split;
    bool valid = true;
    const auto part = [&](const char* key, double& out) {
      const auto value = number_member(split, path, key);
      if (!member(split, key)) return;
      if (!value) {
        valid = false;
      } else if (*value < 0.0 || *value > 1.0) {
        problem(child(path, key), "must be in [0, 1], got " + number_text(*value));
        valid = false;
      } else {
        out = *value;
      }
    };
    part("train", parts.train);
    part("validation", parts.validation);
    part("test", parts.test);
    if (!valid) return;
    const double sum = parts.train + parts.validation + parts.test;
    if (std::abs(sum - 1.0) > kSplitTolerance) {
      problem(path, "must sum to 1 (train " + number_text(parts.train) + " + validation " +
                        number_text(parts.validation) + " + test " + number_text(parts.test) +
                        " = " + number_text(sum) + ")");
      return;
    }
    if (parts.train <= 0.0) {
      problem(child(path, "train"), "must be > 0: the model needs rows to train on");
      return;
    }
    if (parts.validation <= 0.0 && strategy_.model.early_stopping.enabled) {
      problem(child(path, "validation"),
              "must be > 0 when model.training.early_stopping is "
              "enabled (it watches the validation split)");
      return;
    }
    strategy_.split = parts;
  }

  const YamlDocument& doc_;
  Strategy strategy_;
  std::vector<Error> problems_;
  std::map<std::string, std::string> indicator_paths_;  // id → path of its declaration
  std::vector<std::string> indicator_ids_;              // in file order
  std::string dates_path_;  // where the rows' dates were given, once they were
  std::set<std::string> failed_indicators_;             // ids whose declaration has problems
  std::set<std::string> outputs_;                       // outputs of the indicators made
  std::set<std::string> close_ratio_outputs_;  // outputs fuzzy sets read as close / value
  std::map<std::string, std::string> output_aliases_;  // KTRDR's "id.name" → our output
  std::map<std::string, std::string> v3_primary_;      // id → the output a bare v3 id reads
  std::vector<FuzzyGroup> groups_;                      // fuzzy_sets, in file order
  std::map<std::string, std::string> features_;         // feature name → path of its set
};

}  // namespace

Result<Strategy> Strategy::load(const std::filesystem::path& file) {
  auto doc = YamlDocument::read(file);
  if (!doc.ok()) return std::move(doc).error();
  auto strategy = StrategyReader(*doc).read();
  if (strategy.ok()) strategy->source_file = file;
  return strategy;
}

std::string_view to_string(Activation activation) noexcept {
  switch (activation) {
    case Activation::kRelu:
      return "relu";
    case Activation::kTanh:
      return "tanh";
    case Activation::kSigmoid:
      return "sigmoid";
    case Activation::kLeakyRelu:
      return "leaky_relu";
  }
  return "?";
}

std::string_view to_string(OptimizerKind optimizer) noexcept {
  switch (optimizer) {
    case OptimizerKind::kAdam:
      return "adam";
    case OptimizerKind::kSgd:
      return "sgd";
    case OptimizerKind::kRmsprop:
      return "rmsprop";
  }
  return "?";
}

std::string_view to_string(LabelMethod method) noexcept {
  switch (method) {
    case LabelMethod::kSegments:
      return "segments";
    case LabelMethod::kFirstTouch:
      return "first_touch";
  }
  return "?";
}

std::string_view to_string(ClassWeighting weighting) noexcept {
  switch (weighting) {
    case ClassWeighting::kNone:
      return "none";
    case ClassWeighting::kBalanced:
      return "balanced";
    case ClassWeighting::kGiven:
      return "given";
  }
  return "?";
}

std::string_view to_string(LrSchedule schedule) noexcept {
  switch (schedule) {
    case LrSchedule::kNone:
      return "none";
    case LrSchedule::kStep:
      return "step";
    case LrSchedule::kExponential:
      return "exponential";
    case LrSchedule::kReduceOnPlateau:
      return "reduce_on_plateau";
    case LrSchedule::kCosine:
      return "cosine";
  }
  return "?";
}

std::string_view to_string(MonitorMetric metric) noexcept {
  switch (metric) {
    case MonitorMetric::kValLoss:
      return "val_loss";
    case MonitorMetric::kValAccuracy:
      return "val_accuracy";
  }
  return "?";
}

}  // namespace ktrdr::training
