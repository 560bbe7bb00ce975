// SyntheticProvider: the calendar gives the bar open times; a pure function of (seed, symbol,
// timeframe, instant) gives the log price at each instant — three slow sines with seeded phases
// around a seeded base price, plus bounded hashed noise scaled to the bar size. A bar opens at the
// price of its open time and closes at the price of its open time + the timeframe; its wicks and
// volume are hashed from its open time. Prices are whole ticks.
#include "synthetic_provider.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <vector>

#include "ib_error.hpp"
#include "instrument.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "ktrdr/sdk/trading_calendar.hpp"
#include "provider_checks.hpp"

namespace ktrdr::data {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::sys_seconds;

constexpr double kTwoPi = 6.283185307179586;

// SplitMix64's finaliser: a bijective 64-bit mix.
constexpr std::uint64_t mix(std::uint64_t x) noexcept {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// FNV-1a of the symbol's bytes.
constexpr std::uint64_t hash_text(std::string_view text) noexcept {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
  return h;
}

// Uniform in [0, 1) from 32 bits of `bits` (the low half when `high` is false).
constexpr double unit(std::uint64_t bits, bool high) noexcept {
  return static_cast<double>(static_cast<std::uint32_t>(high ? bits >> 32 : bits)) * 0x1p-32;
}

// How an instrument's synthetic prices look.
struct InstrumentModel {
  double min_price;  // base prices are log-uniform in [min_price, max_price]
  double max_price;
  double volatility;       // scales every log-price term
  double ticks_per_unit;   // prices are whole multiples of 1 / ticks_per_unit
  double volume_per_hour;  // mean volume of an hour of trading
};

InstrumentModel model_of(Instrument instrument) noexcept {
  switch (instrument) {
    case Instrument::kStock:
      return {20.0, 500.0, 1.0, 100.0, 400'000.0};
    case Instrument::kForex:
      return {0.6, 1.6, 0.3, 100'000.0, 3'000.0};
    case Instrument::kCrypto:
      return {50.0, 50'000.0, 2.5, 100.0, 2'000.0};
    case Instrument::kFuture:
      return {1'000.0, 5'000.0, 0.8, 4.0, 20'000.0};
  }
  return {20.0, 500.0, 1.0, 100.0, 400'000.0};
}

// The price process of one series: everything hashed from (seed, symbol, timeframe) up front.
class SeriesModel {
 public:
  SeriesModel(std::uint64_t seed, std::string_view symbol, Timeframe timeframe)
      : instrument_(model_of(infer_instrument(symbol))),
        key_(mix(mix(seed ^ hash_text(symbol)) ^ static_cast<std::uint64_t>(timeframe))),
        step_(duration(timeframe)) {
    const std::uint64_t shape = mix(key_ ^ 0x5EEDULL);
    const double v = instrument_.volatility;
    log_base_ = std::log(instrument_.min_price) +
                unit(shape, false) * std::log(instrument_.max_price / instrument_.min_price);
    // Periods of about 13 months, 2 months and 5 days; amplitudes in log price.
    constexpr std::array<double, 3> kPeriodDays{397.0, 61.0, 5.3};
    constexpr std::array<double, 3> kAmplitude{0.25, 0.08, 0.02};
    for (std::size_t i = 0; i < kPeriodDays.size(); ++i) {
      const std::uint64_t phase_bits = mix(shape + i + 1);
      omega_[i] = kTwoPi / (kPeriodDays[i] * 86'400.0);
      phase_[i] = kTwoPi * unit(phase_bits, false);
      amplitude_[i] = kAmplitude[i] * v * (0.5 + unit(phase_bits, true));
    }
    // Noise grows with the square root of the bar length, up to a day.
    const double minutes = std::min(static_cast<double>(step_.count()) / 60.0, 1'440.0);
    noise_ = 0.0006 * v * std::sqrt(minutes);
    volume_ = instrument_.volume_per_hour * static_cast<double>(step_.count()) / 3'600.0;
  }

  std::chrono::seconds step() const noexcept { return step_; }

  // The log price at instant `t`.
  double log_price(sys_seconds t) const noexcept {
    const auto seconds = t.time_since_epoch().count();
    const auto x = static_cast<double>(seconds);
    double p = log_base_;
    for (std::size_t i = 0; i < omega_.size(); ++i) {
      p += amplitude_[i] * std::sin(omega_[i] * x + phase_[i]);
    }
    // A triangular variate in (-1, 1) times sqrt(6): unit variance, bounded.
    const std::uint64_t h = mix(key_ ^ static_cast<std::uint64_t>(seconds));
    return p + noise_ * 2.449489742783178 * (unit(h, false) + unit(h, true) - 1.0);
  }

  // The bar opening at `t`, given the log prices at its open and at its close.
  Bar bar(sys_seconds t, double open_log, double close_log) const noexcept {
    const double ticks = instrument_.ticks_per_unit;
    const double open = std::max(1.0, std::round(std::exp(open_log) * ticks));
    const double close = std::max(1.0, std::round(std::exp(close_log) * ticks));
    const std::uint64_t h = mix(~key_ ^ static_cast<std::uint64_t>(t.time_since_epoch().count()));
    const double wick = noise_ * 0.75;
    const double top = std::max(open, close);
    const double bottom = std::min(open, close);
    const double high = top + std::floor(top * wick * unit(h, false));
    const double low = std::max(1.0, bottom - std::floor(bottom * wick * unit(h, true)));
    const double volume = std::max(1.0, std::round(volume_ * (0.5 + unit(mix(h), false))));
    return Bar{t, open / ticks, high / ticks, low / ticks, close / ticks, volume};
  }

 private:
  InstrumentModel instrument_;
  std::uint64_t key_;
  std::chrono::seconds step_;
  double log_base_ = 0.0;
  std::array<double, 3> omega_{};
  std::array<double, 3> phase_{};
  std::array<double, 3> amplitude_{};
  double noise_ = 0.0;
  double volume_ = 0.0;
};

// The Monday of `day`'s week.
sys_days monday_of(sys_days day) { return day - (std::chrono::weekday{day} - std::chrono::Monday); }

// The open times of the symbol's bars in [from, to) (see SyntheticProvider::generate).
Result<std::vector<sys_seconds>> bar_times(std::string_view symbol, Timeframe timeframe,
                                           sys_seconds from, sys_seconds to) {
  auto calendar = calendar_of(infer_instrument(symbol));
  if (!calendar) return std::move(calendar).error();
  const BarAlignment clock{BarAlignment::Anchor::kClock, std::chrono::seconds{0}};
  if (timeframe != Timeframe::k1w) {
    return calendar->expected_bars(from, to, duration(timeframe), clock);
  }
  // The first trading date of each week, from the Monday of `from`'s week on.
  const sys_seconds monday{monday_of(std::chrono::floor<days>(from))};
  auto trading_days = calendar->expected_bars(monday, to, days{1}, clock);
  if (!trading_days) return trading_days;
  std::vector<sys_seconds> weeks;
  std::optional<sys_days> week;
  for (const sys_seconds t : *trading_days) {
    const sys_days this_week = monday_of(std::chrono::floor<days>(t));
    if (week == this_week) continue;
    week = this_week;
    if (t >= from) weeks.push_back(t);
  }
  return weeks;
}

}  // namespace

SyntheticProvider::SyntheticProvider(SyntheticOptions options) : options_(options) {}

Result<PacingLimits> SyntheticProvider::pacing_limits(const CancellationToken& token) {
  if (token.is_cancelled()) return provider_cancelled(name(), "pacing limits", token);
  return options_.pacing;
}

Result<ContractInfo> SyntheticProvider::contract(std::string_view symbol,
                                                 const CancellationToken& token) {
  if (token.is_cancelled()) return provider_cancelled(name(), "contract lookup", token);
  if (auto valid = validate_symbol(symbol); !valid) return std::move(valid).error();
  ContractInfo info;
  info.symbol = std::string(symbol);
  info.instrument = infer_instrument(symbol);
  info.description = info.symbol + " " + std::string(to_string(info.instrument)) + " (" + name() +
                     ", seed " + std::to_string(options_.seed) + ")";
  info.timeframes.assign(kAllTimeframes.begin(), kAllTimeframes.end());
  return info;
}

Result<sys_seconds> SyntheticProvider::head_timestamp(std::string_view symbol, Timeframe timeframe,
                                                      const CancellationToken& token) {
  if (token.is_cancelled()) return provider_cancelled(name(), "head timestamp", token);
  if (auto valid = validate_symbol(symbol); !valid) return std::move(valid).error();
  // Every calendar trades within any two weeks.
  auto times = bar_times(symbol, timeframe, options_.head, options_.head + days{15});
  if (!times) return std::move(times).error();
  if (times->empty()) {
    return make_ib_error(
        IbErrorKind::kNoData,
        "no " + std::string(symbol) + " " + std::string(to_string(timeframe)) +
            " bars within two weeks of the head",
        {{"symbol", std::string(symbol)}, {"timeframe", std::string(to_string(timeframe))}});
  }
  return times->front();
}

Result<BarSeries> SyntheticProvider::historical(const HistoricalRequest& request,
                                                const CancellationToken& token) {
  if (token.is_cancelled()) return provider_cancelled(name(), "historical request", token);
  if (auto valid = check_historical_request(request); !valid) return std::move(valid).error();
  const std::string source = name() + " (head " + to_iso8601(options_.head) + ")";
  auto bars = generate(request.symbol, request.timeframe, std::max(request.from, options_.head),
                       request.to);
  if (!bars) return bars;
  if (bars->empty()) return no_bars_in_range(request, source);
  if (token.is_cancelled()) return provider_cancelled(name(), "historical request", token);
  return bars;
}

Json SyntheticProvider::health() {
  Json health = Json::object();
  health.set("ok", true).set("source", name()).set("seed", options_.seed);
  return health;
}

Result<BarSeries> SyntheticProvider::generate(std::string_view symbol, Timeframe timeframe,
                                              sys_seconds from, sys_seconds to) const {
  if (auto valid = validate_symbol(symbol); !valid) return std::move(valid).error();
  auto times = bar_times(symbol, timeframe, from, to);
  if (!times) return std::move(times).error();
  const SeriesModel model(options_.seed, symbol, timeframe);
  BarSeries series(std::string(symbol), timeframe);
  series.reserve(times->size());
  // A bar's close instant is usually the next bar's open: its price is computed once.
  std::optional<sys_seconds> next_open;
  double next_log = 0.0;
  for (const sys_seconds t : *times) {
    const double open_log = t == next_open ? next_log : model.log_price(t);
    next_open = t + model.step();
    next_log = model.log_price(*next_open);
    series.append(model.bar(t, open_log, next_log));
  }
  return series;
}

}  // namespace ktrdr::data
