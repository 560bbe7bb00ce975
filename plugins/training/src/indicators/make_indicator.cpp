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
#include "indicators/ad_line.hpp"
#include "indicators/adx.hpp"
#include "indicators/aroon.hpp"
#include "indicators/atr.hpp"
#include "indicators/bollinger_band_width.hpp"
#include "indicators/bollinger_bands.hpp"
#include "indicators/cci.hpp"
#include "indicators/cmf.hpp"
#include "indicators/distance_from_ma.hpp"
#include "indicators/donchian_channels.hpp"
#include "indicators/fisher_transform.hpp"
#include "indicators/hma.hpp"
#include "indicators/ichimoku.hpp"
#include "indicators/kama.hpp"
#include "indicators/keltner_channels.hpp"
#include "indicators/macd.hpp"
#include "indicators/mfi.hpp"
#include "indicators/moving_average_indicator.hpp"
#include "indicators/obv.hpp"
#include "indicators/parabolic_sar.hpp"
#include "indicators/price_change.hpp"
#include "indicators/price_source.hpp"
#include "indicators/rsi.hpp"
#include "indicators/rvi.hpp"
#include "indicators/squeeze_intensity.hpp"
#include "indicators/stoch_rsi.hpp"
#include "indicators/stochastic.hpp"
#include "indicators/supertrend.hpp"
#include "indicators/trix.hpp"
#include "indicators/ultimate_oscillator.hpp"
#include "indicators/volume_ratio.hpp"
#include "indicators/vwap.hpp"
#include "indicators/williams_r.hpp"
#include "indicators/wma.hpp"
#include "indicators/zigzag.hpp"
#include "indicators/zscore.hpp"

namespace ktrdr::training {
namespace {

using indicators::MovingAverageIndicator;
using indicators::PriceChangeIndicator;
using indicators::PriceSource;
using Made = Result<std::unique_ptr<Indicator>>;

constexpr double kMaxPeriod = 1'000'000;

// KTRDR's and TA-Lib's other names for the types (after lower-casing and dropping an "indicator"
// suffix).
constexpr std::pair<std::string_view, std::string_view> kAliases[]{
    {"bollinger_bands", "bbands"},
    {"bollingerbands", "bbands"},
    {"williamsr", "williams_r"},
    {"stoch", "stochastic"},
    {"simplemovingaverage", "sma"},
    {"exponentialmovingaverage", "ema"},
    {"averagedirectionalindex", "adx"},
    {"bollingerbandwidth", "bollinger_band_width"},
    {"volumeratio", "volume_ratio"},
    {"squeezeintensity", "squeeze_intensity"},
    {"distancefromma", "distance_from_ma"},
    {"weightedmovingaverage", "wma"},
    {"hullmovingaverage", "hma"},
    {"stochrsi", "stoch_rsi"},
    {"ultosc", "ultimate_oscillator"},
    {"ultimateoscillator", "ultimate_oscillator"},
    {"z_score", "zscore"},
    {"adline", "ad_line"},
    {"accumulationdistribution", "ad_line"},
    {"chaikinmoneyflow", "cmf"},
    {"donchianchannels", "donchian_channels"},
    {"fishertransform", "fisher_transform"},
    {"keltnerchannels", "keltner_channels"},
    {"parabolicsar", "parabolic_sar"},
    {"psar", "parabolic_sar"},
};

// KTRDR's other names for parameters: {type, the name in its files, the name here}.
struct ParamAlias {
  std::string_view type;
  std::string_view alias;
  std::string_view name;
};
constexpr ParamAlias kParamAliases[]{
    {"bbands", "std_dev", "multiplier"},
    {"bollinger_band_width", "std_dev", "multiplier"},
};

std::string number_text(double value) {
  std::array<char, 32> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  return std::string(buffer.data(), result.ptr);
}

// A parameter of a type; without a fallback the spec must give it.
struct ParamDef {
  std::string_view name;
  std::optional<double> fallback;
  bool is_period = true;  // an integer from `minimum` to kMaxPeriod; otherwise a finite number > 0
  double minimum = 1;
};

// A word or yes/no parameter of a type (IndicatorSpec::options): one of `words`, the first by
// default.
struct OptionDef {
  std::string_view name;
  std::vector<std::string_view> words;
};
const std::vector<std::string_view> kTrueByDefault{"true", "false"};
const std::vector<std::string_view> kFalseByDefault{"false", "true"};

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
  std::string_view option(std::string_view name) const { return options_.at(name); }
  bool flag(std::string_view name) const { return option(name) == "true"; }

  // invalid_argument naming the indicator, its type and `key`.
  Error error(std::string_view key, const std::string& what) const {
    return Error::invalid_argument(
        "indicator \"" + spec_.id + "\" (" + std::string(type_) + "): " + what,
        {{"field", "indicators"}, {"value", spec_.id}, {"key", std::string(key)}});
  }

  // The error of a fast_period not below slow_period, if it is not.
  std::optional<Error> fast_not_below_slow() const {
    const std::size_t fast = period("fast_period");
    const std::size_t slow = period("slow_period");
    if (fast < slow) return std::nullopt;
    return error("fast_period", "fast_period (" + std::to_string(fast) +
                                    ") must be less than slow_period (" + std::to_string(slow) +
                                    ")");
  }

  // Resolves every parameter of `params` and `options` (given or default) and the source.
  std::optional<Error> check(const std::vector<ParamDef>& params,
                             const std::vector<OptionDef>& options, Input input);

 private:
  const IndicatorSpec& spec_;
  std::string_view type_;
  PriceSource source_ = PriceSource::kClose;
  std::map<std::string_view, double, std::less<>> values_;
  std::map<std::string_view, std::string_view, std::less<>> options_;
};

using Maker = Made (*)(const CheckedSpec&);

struct TypeDef {
  std::string_view name;
  Input input;
  std::vector<ParamDef> params;
  Maker make;
  std::vector<OptionDef> options = {};
};

template <class T, class... Args>
Made made(Args&&... args) {
  return std::unique_ptr<Indicator>(std::make_unique<T>(std::forward<Args>(args)...));
}

// Sorted by name.
const std::vector<TypeDef>& type_table() {
  static const std::vector<TypeDef> table{
      {"ad_line",
       Input::kOwnColumns,
       {{"smoothing_period", 21, true, 2}},
       [](const CheckedSpec& s) {
         return made<indicators::AdLineIndicator>(
             s.id(), s.flag("use_sma_smoothing") ? s.period("smoothing_period") : 0);
       },
       {{"use_sma_smoothing", kFalseByDefault}}},
      {"adx",
       Input::kOwnColumns,
       {{"period", 14}},
       [](const CheckedSpec& s) {
         return made<indicators::AdxIndicator>(s.id(), s.period("period"));
       }},
      {"aroon",
       Input::kOwnColumns,
       {{"period", 14}},
       [](const CheckedSpec& s) {
         return made<indicators::AroonIndicator>(s.id(), s.period("period"),
                                                 s.flag("include_oscillator"));
       },
       {{"include_oscillator", kFalseByDefault}}},
      {"atr",
       Input::kOwnColumns,
       {{"period", 14}},
       [](const CheckedSpec& s) {
         return made<indicators::AtrIndicator>(s.id(), s.period("period"),
                                               s.option("smoothing") == "wilder"
                                                   ? indicators::AtrIndicator::Smoothing::kWilder
                                                   : indicators::AtrIndicator::Smoothing::kSimple);
       },
       {{"smoothing", {"simple", "wilder"}}}},
      {"bbands",
       Input::kOnePrice,
       {{"period", 20}, {"multiplier", 2.0, false}, {"ddof", 1, true, 0}},
       [](const CheckedSpec& s) -> Made {
         const std::size_t ddof = s.period("ddof");
         if (ddof > 1) {
           return s.error("ddof", "ddof must be 1 (sample std) or 0 (population std), got " +
                                      std::to_string(ddof));
         }
         if (s.period("period") <= ddof) {
           return s.error("period", "period must be at least 2 for the sample std (ddof 1)");
         }
         return made<indicators::BollingerBandsIndicator>(s.id(), s.source(), s.period("period"),
                                                          s.number("multiplier"), ddof);
       }},
      {"bollinger_band_width",
       Input::kOnePrice,
       {{"period", 20, true, 2}, {"multiplier", 2.0, false}},
       [](const CheckedSpec& s) {
         return made<indicators::BollingerBandWidthIndicator>(
             s.id(), s.source(), s.period("period"), s.number("multiplier"));
       }},
      {"cci",
       Input::kOwnColumns,
       {{"period", 20}},
       [](const CheckedSpec& s) {
         return made<indicators::CciIndicator>(s.id(), s.period("period"));
       }},
      {"cmf",
       Input::kOwnColumns,
       {{"period", 21, true, 2}},
       [](const CheckedSpec& s) {
         return made<indicators::CmfIndicator>(s.id(), s.period("period"));
       }},
      {"distance_from_ma",
       Input::kOnePrice,
       {{"period", 20}},
       [](const CheckedSpec& s) {
         using Indicator = indicators::DistanceFromMaIndicator;
         return made<Indicator>(s.id(), s.source(), s.period("period"),
                                s.option("ma_type") == "SMA" ? Indicator::Average::kSimple
                                                             : Indicator::Average::kExponential);
       },
       {{"ma_type", {"SMA", "EMA"}}}},
      {"donchian_channels",
       Input::kOwnColumns,
       {{"period", 20, true, 2}},
       [](const CheckedSpec& s) {
         return made<indicators::DonchianChannelsIndicator>(s.id(), s.period("period"));
       },
       {{"include_middle", kTrueByDefault}}},
      {"ema",
       Input::kOnePrice,
       {{"period", std::nullopt}},
       [](const CheckedSpec& s) {
         return made<MovingAverageIndicator>(s.id(), MovingAverageIndicator::Kind::kExponential,
                                             s.source(), s.period("period"));
       }},
      {"fisher_transform",
       Input::kOwnColumns,
       {{"period", 10, true, 2}, {"smoothing", 3}},
       [](const CheckedSpec& s) {
         return made<indicators::FisherTransformIndicator>(s.id(), s.period("period"),
                                                           s.period("smoothing"));
       }},
      {"hma",
       Input::kOnePrice,
       {{"period", 20, true, 2}},
       [](const CheckedSpec& s) {
         return made<indicators::HmaIndicator>(s.id(), s.source(), s.period("period"));
       }},
      {"ichimoku",
       Input::kOwnColumns,
       {{"tenkan_period", 9}, {"kijun_period", 26}, {"senkou_b_period", 52}, {"displacement", 26}},
       [](const CheckedSpec& s) {
         return made<indicators::IchimokuIndicator>(s.id(), s.period("tenkan_period"),
                                                    s.period("kijun_period"),
                                                    s.period("senkou_b_period"));
       }},
      {"kama",
       Input::kOnePrice,
       {{"period", 30}, {"fast_period", 2}, {"slow_period", 30}},
       [](const CheckedSpec& s) -> Made {
         if (auto error = s.fast_not_below_slow()) return std::move(*error);
         return made<indicators::KamaIndicator>(s.id(), s.source(), s.period("period"),
                                                s.period("fast_period"), s.period("slow_period"));
       }},
      {"keltner_channels",
       Input::kOwnColumns,
       {{"period", 20, true, 2}, {"atr_period", 10, true, 2}, {"multiplier", 2.0, false}},
       [](const CheckedSpec& s) {
         return made<indicators::KeltnerChannelsIndicator>(
             s.id(), s.period("period"), s.period("atr_period"), s.number("multiplier"));
       }},
      {"macd",
       Input::kOnePrice,
       {{"fast_period", 12}, {"slow_period", 26}, {"signal_period", 9}},
       [](const CheckedSpec& s) -> Made {
         if (auto error = s.fast_not_below_slow()) return std::move(*error);
         return made<indicators::MacdIndicator>(s.id(), s.source(), s.period("fast_period"),
                                                s.period("slow_period"), s.period("signal_period"));
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
      {"parabolic_sar",
       Input::kOwnColumns,
       {{"initial_af", 0.02, false}, {"step_af", 0.02, false}, {"max_af", 0.2, false}},
       [](const CheckedSpec& s) {
         return made<indicators::ParabolicSarIndicator>(s.id(), s.number("initial_af"),
                                                        s.number("step_af"), s.number("max_af"));
       }},
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
      {"rvi",
       Input::kOwnColumns,
       {{"period", 10, true, 4}, {"signal_period", 4}},
       [](const CheckedSpec& s) {
         return made<indicators::RviIndicator>(s.id(), s.period("period"),
                                               s.period("signal_period"));
       }},
      {"sma",
       Input::kOnePrice,
       {{"period", std::nullopt}},
       [](const CheckedSpec& s) {
         return made<MovingAverageIndicator>(s.id(), MovingAverageIndicator::Kind::kSimple,
                                             s.source(), s.period("period"));
       }},
      {"squeeze_intensity",
       Input::kOnePrice,
       {{"bb_period", 20, true, 2},
        {"bb_multiplier", 2.0, false},
        {"kc_period", 20},
        {"kc_multiplier", 2.0, false}},
       [](const CheckedSpec& s) {
         return made<indicators::SqueezeIntensityIndicator>(
             s.id(), s.source(), s.period("bb_period"), s.number("bb_multiplier"),
             s.period("kc_period"), s.number("kc_multiplier"));
       }},
      {"stoch_rsi",
       Input::kOnePrice,
       {{"period", 14}, {"k_period", 5}, {"d_period", 3}},
       [](const CheckedSpec& s) {
         return made<indicators::StochRsiIndicator>(s.id(), s.source(), s.period("period"),
                                                    s.period("k_period"), s.period("d_period"));
       }},
      {"stochastic",
       Input::kOwnColumns,
       {{"k_period", 14}, {"d_period", 3}, {"smooth_k", 3}},
       [](const CheckedSpec& s) {
         return made<indicators::StochasticIndicator>(s.id(), s.period("k_period"),
                                                      s.period("d_period"), s.period("smooth_k"));
       }},
      {"supertrend",
       Input::kOwnColumns,
       {{"period", 10, true, 2}, {"multiplier", 3.0, false}},
       [](const CheckedSpec& s) {
         return made<indicators::SuperTrendIndicator>(s.id(), s.period("period"),
                                                      s.number("multiplier"));
       }},
      {"trix",
       Input::kOnePrice,
       {{"period", 30}},
       [](const CheckedSpec& s) {
         return made<indicators::TrixIndicator>(s.id(), s.source(), s.period("period"));
       }},
      {"ultimate_oscillator",
       Input::kOwnColumns,
       {{"period1", 7}, {"period2", 14}, {"period3", 28}},
       [](const CheckedSpec& s) {
         return made<indicators::UltimateOscillatorIndicator>(
             s.id(), s.period("period1"), s.period("period2"), s.period("period3"));
       }},
      {"volume_ratio",
       Input::kOwnColumns,
       {{"period", 20}},
       [](const CheckedSpec& s) {
         return made<indicators::VolumeRatioIndicator>(s.id(), s.period("period"));
       }},
      {"vwap",
       Input::kOwnColumns,
       {{"period", 20, true, 0}},
       [](const CheckedSpec& s) {
         return made<indicators::VwapIndicator>(s.id(), s.period("period"),
                                                s.flag("use_typical_price"));
       },
       {{"use_typical_price", kTrueByDefault}}},
      {"williams_r",
       Input::kOwnColumns,
       {{"period", 14}},
       [](const CheckedSpec& s) {
         return made<indicators::WilliamsRIndicator>(s.id(), s.period("period"));
       }},
      {"wma",
       Input::kOnePrice,
       {{"period", 30}},
       [](const CheckedSpec& s) {
         return made<indicators::WmaIndicator>(s.id(), s.source(), s.period("period"));
       }},
      {"zigzag",
       Input::kOnePrice,
       {{"threshold", 0.05, false}},
       [](const CheckedSpec& s) -> Made {
         const double threshold = s.number("threshold");
         if (threshold >= 1.0) {
           return s.error("threshold",
                          "threshold must be a fraction between 0 and 1 (0.05: 5 %), got " +
                              number_text(threshold));
         }
         return made<indicators::ZigZagIndicator>(s.id(), s.source(), threshold);
       }},
      {"zscore",
       Input::kOnePrice,
       {{"period", 20, true, 2}},
       [](const CheckedSpec& s) {
         return made<indicators::ZscoreIndicator>(s.id(), s.source(), s.period("period"));
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

std::optional<Error> CheckedSpec::check(const std::vector<ParamDef>& params,
                                        const std::vector<OptionDef>& options, Input input) {
  const auto is_param = [&](const std::string& key) {
    return std::any_of(params.begin(), params.end(),
                       [&](const ParamDef& def) { return def.name == key; });
  };
  const auto option_def = [&](const std::string& key) {
    return std::find_if(options.begin(), options.end(),
                        [&](const OptionDef& def) { return def.name == key; });
  };
  const auto words = [](const OptionDef& def) {
    return joined(def.words, [](std::string_view w) { return std::string(w); });
  };
  const auto unknown = [&](const std::string& key) {
    std::vector<std::string> names;
    for (const auto& def : params) names.emplace_back(def.name);
    for (const auto& def : options) names.emplace_back(def.name);
    const std::string valid =
        names.empty() ? std::string(type_) + " takes none"
                      : "valid: " + joined(names, [](const std::string& n) { return n; });
    return error(key, "unknown parameter \"" + key + "\" (" + valid + ")");
  };
  for (const auto& [name, value] : spec_.params) {
    if (const auto def = option_def(name); def != options.end()) {
      return error(name, name + " must be one of " + words(*def) + ", got " + number_text(value));
    }
    if (!is_param(name)) return unknown(name);
  }
  for (const auto& [name, value] : spec_.options) {
    if (is_param(name)) return error(name, name + " must be a number, got \"" + value + "\"");
    const auto def = option_def(name);
    if (def == options.end()) return unknown(name);
    const auto word = std::find(def->words.begin(), def->words.end(), value);
    if (word == def->words.end()) {
      return error(name, name + " must be one of " + words(*def) + ", got \"" + value + "\"");
    }
  }
  for (const auto& def : options) {
    const auto given = spec_.options.find(std::string(def.name));
    options_.emplace(def.name, given == spec_.options.end()
                                   ? def.words.front()
                                   : *std::find(def.words.begin(), def.words.end(), given->second));
  }
  for (const auto& def : params) {
    const auto given = spec_.params.find(std::string(def.name));
    if (given == spec_.params.end() && !def.fallback) {
      return error(def.name, "missing parameter \"" + std::string(def.name) + "\"");
    }
    const double value = given != spec_.params.end() ? given->second : *def.fallback;
    if (def.is_period &&
        !(value >= def.minimum && value <= kMaxPeriod && std::floor(value) == value)) {
      return error(def.name, std::string(def.name) + " must be an integer from " +
                                 number_text(def.minimum) + " to " + number_text(kMaxPeriod) +
                                 ", got " + number_text(value));
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
  IndicatorSpec renamed = spec;
  for (const ParamAlias& alias : kParamAliases) {
    const auto given = renamed.params.find(std::string(alias.alias));
    if (alias.type != def->name || given == renamed.params.end()) continue;
    if (renamed.params.contains(std::string(alias.name))) {
      return Error::invalid_argument("indicator \"" + spec.id + "\": give " +
                                         std::string(alias.alias) + " or " +
                                         std::string(alias.name) + ", not both (one meaning)",
                                     {{"field", "indicators"},
                                      {"value", spec.id},
                                      {"key", std::string(alias.alias)}});
    }
    renamed.params.emplace(std::string(alias.name), given->second);
    renamed.params.erase(given);
  }
  CheckedSpec checked(renamed, def->name);
  if (auto error = checked.check(def->params, def->options, def->input)) return std::move(*error);
  return def->make(checked);
}

std::span<const OutputName> ktrdr_output_names(std::string_view type) {
  using Names = std::vector<OutputName>;
  static const std::map<std::string, Names, std::less<>> kNames{
      {"adx", Names{{"adx", ""}, {"plus_di", "plus_di"}, {"minus_di", "minus_di"}}},
      {"aroon", Names{{"up", ""}, {"down", "down"}, {"oscillator", "oscillator"}}},
      {"bbands", Names{{"upper", "upper"}, {"middle", ""}, {"lower", "lower"}}},
      {"donchian_channels", Names{{"upper", ""}, {"middle", "middle"}, {"lower", "lower"}}},
      {"fisher_transform", Names{{"fisher", ""}, {"signal", "signal"}}},
      {"ichimoku", Names{{"tenkan", ""},
                         {"kijun", "kijun"},
                         {"senkou_a", "senkou_a"},
                         {"senkou_b", "senkou_b"},
                         {"chikou", "chikou"}}},
      {"keltner_channels", Names{{"upper", ""}, {"middle", "middle"}, {"lower", "lower"}}},
      {"macd", Names{{"line", ""}, {"signal", "signal"}, {"histogram", "histogram"}}},
      {"rvi", Names{{"rvi", ""}, {"signal", "signal"}}},
      {"stochastic", Names{{"k", ""}, {"d", "d"}}},
      {"stoch_rsi", Names{{"k", ""}, {"d", "d"}}},
      {"supertrend", Names{{"trend", ""}, {"direction", "direction"}}},
  };
  const auto found = kNames.find(canonical_type(type));
  if (found == kNames.end()) return {};
  return found->second;
}

bool fuzzified_as_close_ratio(std::string_view type) {
  static constexpr std::string_view kAverages[] = {"sma", "ema", "wma", "hma", "kama"};
  const std::string name = canonical_type(type);
  return std::find(std::begin(kAverages), std::end(kAverages), name) != std::end(kAverages);
}

bool ktrdr_ignores(std::string_view type, std::string_view param) {
  static constexpr std::pair<std::string_view, std::string_view> kIgnored[]{
      {"macd", "period"},
      {"macd", "fast"},
      {"macd", "slow"},
      {"macd", "signal"},
      {"squeeze_intensity", "period"},
      {"obv", "period"},
  };
  if (param == "timeframe") return true;
  const std::string name = canonical_type(type);
  return std::find(std::begin(kIgnored), std::end(kIgnored),
                   std::pair{std::string_view(name), param}) != std::end(kIgnored);
}

std::vector<std::string> indicator_types() {
  std::vector<std::string> names;
  for (const auto& def : type_table()) names.emplace_back(def.name);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace ktrdr::training
