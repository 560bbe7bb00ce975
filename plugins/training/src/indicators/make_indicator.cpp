// make_indicator and indicator_types (declared in indicator.hpp): the table of indicator types
// — their parameters, defaults and constructors — and the checks every spec goes through.
#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "indicator.hpp"
#include "indicators/adx.hpp"
#include "indicators/atr.hpp"
#include "indicators/bollinger_bands.hpp"
#include "indicators/cci.hpp"
#include "indicators/macd.hpp"
#include "indicators/mfi.hpp"
#include "indicators/moving_average_indicator.hpp"
#include "indicators/obv.hpp"
#include "indicators/price_change.hpp"
#include "indicators/price_source.hpp"
#include "indicators/rsi.hpp"
#include "indicators/stochastic.hpp"
#include "indicators/williams_r.hpp"

namespace ktrdr::training {
namespace {

using indicators::MovingAverageIndicator;
using indicators::PriceChangeIndicator;
using indicators::PriceSource;
using Made = Result<std::unique_ptr<Indicator>>;

constexpr double kMaxPeriod = 1'000'000;

// KTRDR's other names for the types (after lower-casing and dropping an "indicator" suffix).
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kAliases{{
    {"bollinger_bands", "bbands"},
    {"bollingerbands", "bbands"},
    {"williamsr", "williams_r"},
    {"stoch", "stochastic"},
    {"simplemovingaverage", "sma"},
    {"exponentialmovingaverage", "ema"},
    {"averagedirectionalindex", "adx"},
}};

std::string number_text(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

// A parameter of a type; without a fallback the spec must give it.
struct ParamDef {
  std::string_view name;
  std::optional<double> fallback;
  bool is_period = true;  // an integer from 1 to kMaxPeriod; otherwise a finite number > 0
};

// What an indicator reads: the price `source` names, or the columns it needs itself.
enum class Input { kOnePrice, kOwnColumns };

// A spec whose type, parameters and source passed the checks.
class CheckedSpec {
 public:
  CheckedSpec(const IndicatorSpec& spec, std::string_view type) : spec_(spec), type_(type) {}

  const std::string& id() const noexcept { return spec_.id; }
  PriceSource source() const noexcept { return source_; }
  std::size_t period(std::string_view name) const {
    return static_cast<std::size_t>(values_.at(name));
  }
  double number(std::string_view name) const { return values_.at(name); }

  // invalid_argument naming the indicator, its type and `key`.
  Error error(std::string_view key, const std::string& what) const {
    return Error::invalid_argument(
        "indicator \"" + spec_.id + "\" (" + std::string(type_) + "): " + what,
        {{"field", "indicators"}, {"value", spec_.id}, {"key", std::string(key)}});
  }

  // Resolves every parameter of `params` (given or default) and the source.
  std::optional<Error> check(const std::vector<ParamDef>& params, Input input);

 private:
  const IndicatorSpec& spec_;
  std::string_view type_;
  PriceSource source_ = PriceSource::kClose;
  std::map<std::string_view, double, std::less<>> values_;
};

using Maker = Made (*)(const CheckedSpec&);

struct TypeDef {
  std::string_view name;
  Input input;
  std::vector<ParamDef> params;
  Maker make;
};

template <class T, class... Args>
Made made(Args&&... args) {
  return std::unique_ptr<Indicator>(std::make_unique<T>(std::forward<Args>(args)...));
}

// Sorted by name.
const std::vector<TypeDef>& type_table() {
  static const std::vector<TypeDef> table{
      {"adx",
       Input::kOwnColumns,
       {{"period", 14}},
       [](const CheckedSpec& s) {
         return made<indicators::AdxIndicator>(s.id(), s.period("period"));
       }},
      {"atr",
       Input::kOwnColumns,
       {{"period", 14}},
       [](const CheckedSpec& s) {
         return made<indicators::AtrIndicator>(s.id(), s.period("period"));
       }},
      {"bbands",
       Input::kOnePrice,
       {{"period", 20}, {"multiplier", 2.0, false}},
       [](const CheckedSpec& s) {
         return made<indicators::BollingerBandsIndicator>(s.id(), s.source(), s.period("period"),
                                                          s.number("multiplier"));
       }},
      {"cci",
       Input::kOwnColumns,
       {{"period", 20}},
       [](const CheckedSpec& s) {
         return made<indicators::CciIndicator>(s.id(), s.period("period"));
       }},
      {"ema",
       Input::kOnePrice,
       {{"period", std::nullopt}},
       [](const CheckedSpec& s) {
         return made<MovingAverageIndicator>(s.id(), MovingAverageIndicator::Kind::kExponential,
                                             s.source(), s.period("period"));
       }},
      {"macd",
       Input::kOnePrice,
       {{"fast_period", 12}, {"slow_period", 26}, {"signal_period", 9}},
       [](const CheckedSpec& s) -> Made {
         const std::size_t fast = s.period("fast_period");
         const std::size_t slow = s.period("slow_period");
         if (fast >= slow) {
           return s.error("fast_period", "fast_period (" + std::to_string(fast) +
                                             ") must be less than slow_period (" +
                                             std::to_string(slow) + ")");
         }
         return made<indicators::MacdIndicator>(s.id(), s.source(), fast, slow,
                                                s.period("signal_period"));
       }},
      {"mfi",
       Input::kOwnColumns,
       {{"period", 14}},
       [](const CheckedSpec& s) {
         return made<indicators::MfiIndicator>(s.id(), s.period("period"));
       }},
      {"momentum",
       Input::kOnePrice,
       {{"period", 10}},
       [](const CheckedSpec& s) {
         return made<PriceChangeIndicator>(s.id(), PriceChangeIndicator::Kind::kMomentum,
                                           s.source(), s.period("period"));
       }},
      {"obv",
       Input::kOwnColumns,
       {},
       [](const CheckedSpec& s) { return made<indicators::ObvIndicator>(s.id()); }},
      {"roc",
       Input::kOnePrice,
       {{"period", 10}},
       [](const CheckedSpec& s) {
         return made<PriceChangeIndicator>(s.id(), PriceChangeIndicator::Kind::kRateOfChange,
                                           s.source(), s.period("period"));
       }},
      {"rsi",
       Input::kOnePrice,
       {{"period", 14}},
       [](const CheckedSpec& s) {
         return made<indicators::RsiIndicator>(s.id(), s.source(), s.period("period"));
       }},
      {"sma",
       Input::kOnePrice,
       {{"period", std::nullopt}},
       [](const CheckedSpec& s) {
         return made<MovingAverageIndicator>(s.id(), MovingAverageIndicator::Kind::kSimple,
                                             s.source(), s.period("period"));
       }},
      {"stochastic",
       Input::kOwnColumns,
       {{"k_period", 14}, {"d_period", 3}, {"smooth_k", 1}},
       [](const CheckedSpec& s) {
         return made<indicators::StochasticIndicator>(s.id(), s.period("k_period"),
                                                      s.period("d_period"), s.period("smooth_k"));
       }},
      {"williams_r",
       Input::kOwnColumns,
       {{"period", 14}},
       [](const CheckedSpec& s) {
         return made<indicators::WilliamsRIndicator>(s.id(), s.period("period"));
       }},
  };
  return table;
}

// Lower case, without an "indicator" suffix, aliases mapped: "BollingerBands" → "bbands".
std::string canonical_type(std::string_view type) {
  std::string name;
  for (const char c : type) {
    name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  constexpr std::string_view kSuffix = "indicator";
  if (name.size() > kSuffix.size() && name.ends_with(kSuffix)) {
    name.resize(name.size() - kSuffix.size());
  }
  for (const auto& [alias, canonical] : kAliases) {
    if (name == alias) return std::string(canonical);
  }
  return name;
}

template <class Items, class Name>
std::string joined(const Items& items, Name name) {
  std::string text;
  for (const auto& item : items) {
    if (!text.empty()) text += ", ";
    text += name(item);
  }
  return text;
}

std::optional<Error> CheckedSpec::check(const std::vector<ParamDef>& params, Input input) {
  for (const auto& [name, value] : spec_.params) {
    const bool known = std::any_of(params.begin(), params.end(),
                                   [&key = name](const ParamDef& def) { return def.name == key; });
    if (!known) {
      const std::string valid =
          params.empty()
              ? std::string(type_) + " takes none"
              : "valid: " + joined(params, [](const ParamDef& d) { return std::string(d.name); });
      return error(name, "unknown parameter \"" + name + "\" (" + valid + ")");
    }
  }
  for (const auto& def : params) {
    const auto given = spec_.params.find(std::string(def.name));
    if (given == spec_.params.end() && !def.fallback) {
      return error(def.name, "missing parameter \"" + std::string(def.name) + "\"");
    }
    const double value = given != spec_.params.end() ? given->second : *def.fallback;
    if (def.is_period && !(value >= 1.0 && value <= kMaxPeriod && std::floor(value) == value)) {
      return error(def.name, std::string(def.name) + " must be an integer from 1 to " +
                                 number_text(kMaxPeriod) + ", got " + number_text(value));
    }
    if (!def.is_period && !(std::isfinite(value) && value > 0.0)) {
      return error(def.name, std::string(def.name) + " must be a finite number > 0, got " +
                                 number_text(value));
    }
    values_.emplace(def.name, value);
  }
  if (input == Input::kOnePrice) {
    const auto source = indicators::parse_price_source(spec_.source);
    if (!source) {
      return error("source", "unknown source \"" + spec_.source + "\" (" +
                                 indicators::price_source_names() + ")");
    }
    source_ = *source;
  } else if (spec_.source != "close") {
    return error("source", "source \"" + spec_.source + "\" does not apply: " + std::string(type_) +
                               " reads the prices it needs itself (leave source at \"close\")");
  }
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<Indicator>> make_indicator(const IndicatorSpec& spec) {
  if (spec.id.empty()) {
    return Error::invalid_argument("an indicator of type \"" + spec.type + "\" has no id",
                                   {{"field", "indicators"}, {"value", ""}, {"key", "id"}});
  }
  const std::string type = canonical_type(spec.type);
  const auto& table = type_table();
  const auto def =
      std::find_if(table.begin(), table.end(), [&](const TypeDef& d) { return d.name == type; });
  if (def == table.end()) {
    return Error::invalid_argument(
        "indicator \"" + spec.id + "\": unknown type \"" + spec.type + "\" (known: " +
            joined(table, [](const TypeDef& d) { return std::string(d.name); }) + ")",
        {{"field", "indicators"}, {"value", spec.id}, {"key", "type"}});
  }
  CheckedSpec checked(spec, def->name);
  if (auto error = checked.check(def->params, def->input)) return std::move(*error);
  return def->make(checked);
}

std::vector<std::string> indicator_types() {
  std::vector<std::string> names;
  for (const auto& def : type_table()) names.emplace_back(def.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace ktrdr::training
