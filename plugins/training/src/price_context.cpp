#include "price_context.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ktrdr::training {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kVolatilityWindow = 20;

}  // namespace

std::vector<double> price_ratio(const BarSeries& bars, std::string_view reference,
                                std::span<const double> values) {
  const auto prices = reference == "open"   ? bars.opens()
                      : reference == "high" ? bars.highs()
                      : reference == "low"  ? bars.lows()
                                            : bars.closes();
  std::vector<double> ratio(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) ratio[i] = prices[i] / values[i];
  return ratio;
}

Result<std::vector<FeatureColumn>> price_context_columns(
    const BarSeries& bars, const std::vector<IndicatorOutput>& outputs,
    const std::vector<std::string>& averages) {
  const std::size_t n = bars.size();
  const auto close = bars.closes();
  const auto high = bars.highs();
  const auto low = bars.lows();
  std::vector<FeatureColumn> columns;

  for (const std::string& average : averages) {
    const auto output = std::find_if(outputs.begin(), outputs.end(),
                                     [&](const IndicatorOutput& o) { return o.name == average; });
    if (output == outputs.end() || output->values.size() != n) {
      return Error::invalid_argument(
          "include_price_context reads the moving average `" + average +
              "`, which the base timeframe's indicators do not output",
          {{"field", "model.features.include_price_context"}, {"value", average}});
    }
    columns.push_back(
        {"price_to_" + average + "_ratio", price_ratio(bars, "close", output->values)});
  }

  for (const std::size_t period : {5U, 10U, 20U}) {
    FeatureColumn& roc = columns.emplace_back(FeatureColumn{"roc_" + std::to_string(period), {}});
    roc.values.assign(n, kNaN);
    for (std::size_t i = period; i < n; ++i) roc.values[i] = close[i] / close[i - period] - 1.0;
  }

  FeatureColumn& position = columns.emplace_back(FeatureColumn{"daily_price_position", {}});
  position.values.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double range = high[i] - low[i];
    position.values[i] = range == 0.0 ? 0.5 : (close[i] - low[i]) / range;
  }

  // Two passes over each window of 20 returns (mean, then squared deviations), as pandas does.
  FeatureColumn& volatility = columns.emplace_back(FeatureColumn{"volatility_20", {}});
  volatility.values.assign(n, kNaN);
  const auto ret = [&](std::size_t j) { return close[j] / close[j - 1] - 1.0; };
  for (std::size_t i = kVolatilityWindow; i < n; ++i) {
    double sum = 0.0;
    for (std::size_t j = i + 1 - kVolatilityWindow; j <= i; ++j) sum += ret(j);
    const double mean = sum / static_cast<double>(kVolatilityWindow);
    double squares = 0.0;
    for (std::size_t j = i + 1 - kVolatilityWindow; j <= i; ++j) {
      squares += (ret(j) - mean) * (ret(j) - mean);
    }
    volatility.values[i] = std::sqrt(squares / static_cast<double>(kVolatilityWindow - 1));
  }
  return columns;
}

}  // namespace ktrdr::training
