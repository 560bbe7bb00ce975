#include "fuzzy_set.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace ktrdr::training {
namespace {

std::string_view shape_name(MembershipShape shape) {
  switch (shape) {
    case MembershipShape::kTriangular: return "triangular";
    case MembershipShape::kTrapezoidal: return "trapezoidal";
    case MembershipShape::kGaussian: return "gaussian";
  }
  return "?";
}

std::size_t parameter_count(MembershipShape shape) {
  switch (shape) {
    case MembershipShape::kTriangular: return 3;
    case MembershipShape::kTrapezoidal: return 4;
    case MembershipShape::kGaussian: return 2;
  }
  return 0;
}

// Rises linearly from 0 at `from` to 1 at `to` (a step when they are equal).
double rising(double x, double from, double to) {
  if (x < from) return 0.0;
  if (x >= to) return 1.0;
  return (x - from) / (to - from);
}

}  // namespace

Result<MembershipShape> FuzzySet::parse_shape(std::string_view text) {
  for (const auto shape : {MembershipShape::kTriangular, MembershipShape::kTrapezoidal,
                           MembershipShape::kGaussian}) {
    if (text == shape_name(shape)) return shape;
  }
  return Error::invalid_argument(
      "unknown fuzzy set type \"" + std::string(text) + "\" (triangular, trapezoidal, gaussian)",
      {{"field", "type"}, {"value", std::string(text)}});
}

Result<FuzzySet> FuzzySet::create(FuzzySetSpec spec) {
  const std::string where = "fuzzy set " + spec.input + "." + spec.name;
  const auto bad = [&](const std::string& why) {
    return Error::invalid_argument(where + ": " + why,
                                   {{"field", "parameters"}, {"value", spec.input + "." + spec.name}});
  };
  const std::size_t expected = parameter_count(spec.shape);
  if (spec.parameters.size() != expected) {
    return bad(std::string(shape_name(spec.shape)) + " takes " + std::to_string(expected) +
               " parameters, got " + std::to_string(spec.parameters.size()));
  }
  for (const double p : spec.parameters) {
    if (!std::isfinite(p)) return bad("parameters must be finite numbers");
  }
  const auto& p = spec.parameters;
  if (spec.shape == MembershipShape::kGaussian) {
    if (p[1] <= 0.0) return bad("sigma (the second parameter) must be > 0");
  } else {
    for (std::size_t i = 1; i < p.size(); ++i) {
      if (p[i] < p[i - 1]) return bad("points must not decrease (a <= b <= c" +
                                      std::string(p.size() == 4 ? " <= d)" : ")"));
    }
    if (p.front() == p.back()) return bad("the first and last points must differ");
  }
  return FuzzySet(std::move(spec));
}

std::string FuzzySet::feature_name() const {
  return (spec_.group.empty() ? spec_.input : spec_.group) + "_" + spec_.name;
}

bool FuzzySet::on(Timeframe tf) const {
  return spec_.timeframes.empty() ||
         std::find(spec_.timeframes.begin(), spec_.timeframes.end(), tf) != spec_.timeframes.end();
}

double FuzzySet::membership(double x) const noexcept {
  if (std::isnan(x)) return x;
  const auto& p = spec_.parameters;
  switch (spec_.shape) {
    case MembershipShape::kTriangular:
      if (x <= p[1]) return p[0] == p[1] ? (x == p[1] ? 1.0 : 0.0) : rising(x, p[0], p[1]);
      return p[1] == p[2] ? 0.0 : 1.0 - rising(x, p[1], p[2]);
    case MembershipShape::kTrapezoidal:
      if (x < p[1]) return p[0] == p[1] ? 0.0 : rising(x, p[0], p[1]);
      if (x <= p[2]) return 1.0;
      return p[2] == p[3] ? 0.0 : 1.0 - rising(x, p[2], p[3]);
    case MembershipShape::kGaussian: {
      const double z = (x - p[0]) / p[1];
      return std::exp(-0.5 * z * z);
    }
  }
  return 0.0;
}

std::vector<double> FuzzySet::apply(std::span<const double> values) const {
  std::vector<double> out(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = membership(values[i]);
  return out;
}

}  // namespace ktrdr::training
