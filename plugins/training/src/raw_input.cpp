#include "raw_input.hpp"

#include <algorithm>
#include <map>

namespace ktrdr::training {

std::string_view to_string(Normalization normalization) noexcept {
  switch (normalization) {
    case Normalization::kNone:
      return "none";
    case Normalization::kStandard:
      return "standard";
    case Normalization::kZScore:
      return "zscore";
    case Normalization::kMinMax:
      return "minmax";
  }
  return "none";
}

bool RawInput::on(Timeframe tf) const {
  return timeframes.empty() ||
         std::find(timeframes.begin(), timeframes.end(), tf) != timeframes.end();
}

std::vector<Normalization> column_normalizations(std::span<const std::string> feature_names,
                                                 std::span<const RawInput> raw_inputs,
                                                 std::span<const Timeframe> timeframes,
                                                 int lookback_periods, bool scale_features) {
  const Normalization fallback = scale_features ? Normalization::kStandard : Normalization::kNone;
  std::map<std::string, Normalization, std::less<>> raw;  // column name → normalisation
  for (const RawInput& input : raw_inputs) {
    if (input.normalization == Normalization::kNone) continue;
    for (const Timeframe tf : timeframes) {
      if (!input.on(tf)) continue;
      const std::string name =
          (tf == timeframes.front() ? "" : std::string(to_string(tf)) + ":") + input.feature_name();
      raw.emplace(name, input.normalization);
      for (int k = 1; k <= lookback_periods; ++k) {
        raw.emplace(name + "_lag" + std::to_string(k), input.normalization);
      }
    }
  }
  std::vector<Normalization> methods;
  methods.reserve(feature_names.size());
  for (const std::string& name : feature_names) {
    const auto found = raw.find(name);
    methods.push_back(found == raw.end() ? fallback : found->second);
  }
  return methods;
}

}  // namespace ktrdr::training
