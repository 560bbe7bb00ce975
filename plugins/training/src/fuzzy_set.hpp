// FuzzySet: a membership function over an indicator's values — triangular [a, b, c],
// trapezoidal [a, b, c, d] or gaussian [mean, sigma] — as a strategy's `fuzzy_sets` declare
// them. Immutable; thread-safe.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "ktrdr/sdk/result.hpp"

namespace ktrdr::training {

enum class MembershipShape { kTriangular, kTrapezoidal, kGaussian };

struct FuzzySetSpec {
  std::string input;  // the indicator output it reads ("rsi", "macd.signal")
  std::string name;   // "oversold"; the feature is named "<input>_<name>"
  MembershipShape shape = MembershipShape::kTriangular;
  std::vector<double> parameters;
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
  // "<input>_<name>".
  std::string feature_name() const;
  // The membership of x in [0, 1]; NaN for NaN.
  double membership(double x) const noexcept;
  // membership() of each value.
  std::vector<double> apply(std::span<const double> values) const;

 private:
  explicit FuzzySet(FuzzySetSpec spec) : spec_(std::move(spec)) {}
  FuzzySetSpec spec_;
};

}  // namespace ktrdr::training
