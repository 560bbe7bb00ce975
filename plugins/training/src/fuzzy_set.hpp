// FuzzySet: a membership function over an indicator's values — triangular [a, b, c],
// trapezoidal [a, b, c, d] or gaussian [mean, sigma] — as a strategy's `fuzzy_sets` declare
// them. Immutable; thread-safe.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"

namespace ktrdr::training {

enum class MembershipShape { kTriangular, kTrapezoidal, kGaussian };

struct FuzzySetSpec {
  std::string input;  // the indicator output it reads ("rsi", "macd.signal")
  std::string name;   // "oversold"; the feature is named "<group>_<name>"
  MembershipShape shape = MembershipShape::kTriangular;
  std::vector<double> parameters;
  // When set, the bar price the set reads divided by the output ("close", "open", "high",
  // "low"): KTRDR's `input_transform: {type: price_ratio, reference: close}`, its rule for moving
  // averages, whose values are prices (`parameters` are then ratios like [0.98, 1.0, 1.02]).
  std::string price_ratio;
  // The `fuzzy_sets` key it is declared under ("rsi", v3's "rsi_zone"); names the feature. Empty
  // means the input.
  std::string group;
  // The timeframes it is fed on (a v3 `nn_inputs` entry may choose some); empty: every one.
  std::vector<Timeframe> timeframes;
};

class FuzzySet {
 public:
  // Errors (invalid_argument naming input, set and the rule): an unknown type, the wrong
  // number of parameters (3, 4, 2), points not non-decreasing (a ≤ b ≤ c [≤ d]) or a = c
  // (a degenerate triangle), sigma ≤ 0, a non-finite parameter.
  static Result<FuzzySet> create(FuzzySetSpec spec);
  // "triangular", "trapezoidal", "gaussian" → shape; invalid_argument otherwise.
  static Result<MembershipShape> parse_shape(std::string_view text);

  const FuzzySetSpec& spec() const noexcept { return spec_; }
  // "<group>_<name>" ("<input>_<name>" without a group).
  std::string feature_name() const;
  // Whether it is fed on timeframe `tf`.
  bool on(Timeframe tf) const;
  // The membership of x in [0, 1]; NaN for NaN.
  double membership(double x) const noexcept;
  // membership() of each value.
  std::vector<double> apply(std::span<const double> values) const;

 private:
  explicit FuzzySet(FuzzySetSpec spec) : spec_(std::move(spec)) {}
  FuzzySetSpec spec_;
};

}  // namespace ktrdr::training
