#include "indicators/price_source.hpp"

#include <array>
#include <cstddef>
#include <utility>

namespace ktrdr::training::indicators {
namespace {

constexpr std::array<std::pair<std::string_view, PriceSource>, 7> kSources{{
    {"close", PriceSource::kClose},
    {"open", PriceSource::kOpen},
    {"high", PriceSource::kHigh},
    {"low", PriceSource::kLow},
    {"hl2", PriceSource::kHl2},
    {"hlc3", PriceSource::kHlc3},
    {"ohlc4", PriceSource::kOhlc4},
}};

}  // namespace

std::optional<PriceSource> parse_price_source(std::string_view name) {
  for (const auto& [text, source] : kSources) {
    if (text == name) return source;
  }
  return std::nullopt;
}

std::string price_source_names() {
  std::string names;
  for (const auto& [text, source] : kSources) {
    if (!names.empty()) names += ", ";
    names += text;
  }
  return names;
}

std::vector<double> price_series(const BarSeries& bars, PriceSource source) {
  const auto open = bars.opens();
  const auto high = bars.highs();
  const auto low = bars.lows();
  const auto close = bars.closes();
  const auto each_bar = [&](auto price) {
    std::vector<double> out(bars.size());
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = price(i);
    return out;
  };
  switch (source) {
    case PriceSource::kClose:
      return {close.begin(), close.end()};
    case PriceSource::kOpen:
      return {open.begin(), open.end()};
    case PriceSource::kHigh:
      return {high.begin(), high.end()};
    case PriceSource::kLow:
      return {low.begin(), low.end()};
    case PriceSource::kHl2:
      return each_bar([&](std::size_t i) { return (high[i] + low[i]) / 2; });
    case PriceSource::kHlc3:
      return each_bar([&](std::size_t i) { return (high[i] + low[i] + close[i]) / 3; });
    case PriceSource::kOhlc4:
      return each_bar([&](std::size_t i) { return (open[i] + high[i] + low[i] + close[i]) / 4; });
  }
  return {};
}

}  // namespace ktrdr::training::indicators
