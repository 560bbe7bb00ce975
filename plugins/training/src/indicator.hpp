// Indicator: one technical indicator of a strategy (SMA, RSI, MACD, Bollinger Bands, ATR,
// Ichimoku, … — indicator_types() lists them) — its spec as a strategy names it, and the named
// series it computes from bars. Indicators are immutable; compute() is thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <span>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/bar_series.hpp"
#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr::training {

// An indicator as a strategy declares it. `id` names its outputs (v2 files: the `feature_id`
// if given, else the name; v3 files: the map key); `type` picks the indicator ("rsi", "macd",
// …, lower case); `params` are its numeric parameters ("period", "fast_period", …), `options`
// its word and yes/no parameters as written ({"smoothing": "wilder"}, {"include_oscillator":
// "true"}), and `source` the price it reads ("close", "open", "high", "low", "hl2", "hlc3",
// "ohlc4").
struct IndicatorSpec {
  std::string id;
  std::string type;
  std::string source = "close";
  std::map<std::string, double> params;
  std::map<std::string, std::string> options;
};

// One computed series, as long as the bars; NaN where the indicator is not yet defined.
// The primary output is named `id`; the others `id.output` ("macd.signal", "macd.histogram",
// "bbands.upper", "adx.plus_di", "stoch.d", …).
struct IndicatorOutput {
  std::string name;
  std::vector<double> values;
};

class Indicator {
 public:
  virtual ~Indicator() = default;
  // The names compute() returns, primary first.
  virtual std::vector<std::string> output_names() const = 0;
  // Bars before the first defined value of every output.
  virtual std::size_t warmup() const = 0;
  // Computes every output over `bars` (ascending, one per timestamp). Throws CancelledError
  // when `token` is cancelled (checked at least every 10,000 bars).
  virtual std::vector<IndicatorOutput> compute(const BarSeries& bars,
                                               const CancellationToken& token) const = 0;
};

// The indicator `spec` describes. Errors (invalid_argument, context {"field": "indicators",
// "value": id}): an unknown type (listing the known ones), an unknown or missing parameter, a
// parameter out of range (periods must be integers ≥ 1, fast < slow …), an option that is not
// one of its words, an unknown source.
Result<std::unique_ptr<Indicator>> make_indicator(const IndicatorSpec& spec);

// Whether a fuzzy set reading the primary output of an indicator of `type` (any spelling
// make_indicator accepts) reads it as close / value, as KTRDR does for moving averages: sma,
// ema, wma, hma and kama, whose values are prices.
bool fuzzified_as_close_ratio(std::string_view type);

// One of KTRDR's (v3) names for an output of a multi-output indicator: `ktrdr` ("signal",
// "plus_di", "upper") and the output of ours it names, by its suffix ("" for the primary).
struct OutputName {
  std::string_view ktrdr;
  std::string_view suffix;
};

// KTRDR's names of the outputs of an indicator of `type` (any spelling make_indicator accepts),
// its primary first (what a bare v3 reference to the indicator reads: e.g. "upper" for
// Bollinger Bands, whose primary output here is the middle band); empty for single-output types.
std::span<const OutputName> ktrdr_output_names(std::string_view type);

// Whether KTRDR takes `param` on an indicator of `type` (any spelling make_indicator accepts) and
// drops it without a word (its parameter models ignore unknown fields), for the parameters its
// own strategy files give that way: MACD's `period`, `fast`, `slow` and `signal` (it reads only
// fast_period, slow_period and signal_period), Squeeze Intensity's and OBV's `period`, and a v2
// indicator's `timeframe` (its indicators run on every timeframe of the strategy).
bool ktrdr_ignores(std::string_view type, std::string_view param);

// The indicator types make_indicator knows, sorted.
std::vector<std::string> indicator_types();

}  // namespace ktrdr::training
