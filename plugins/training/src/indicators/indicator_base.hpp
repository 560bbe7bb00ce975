// IndicatorBase: what every indicator shares — its id, output names and warm-up, NaN-filled
// outputs and cancellation polling — and finite_prefix, the bars an indicator computes over.
// Immutable; thread-safe.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include "indicator.hpp"
#include "indicators/cancel_poll.hpp"

namespace ktrdr::training::indicators {

class IndicatorBase : public Indicator {
 public:
  std::vector<std::string> output_names() const override;
  std::size_t warmup() const override { return warmup_; }

 protected:
  // `suffixes` name the outputs after the primary: {"signal", "histogram"} gives "id",
  // "id.signal", "id.histogram".
  IndicatorBase(std::string id, std::vector<std::string> suffixes, std::size_t warmup);

  const std::string& id() const noexcept { return id_; }
  // One output per name, primary first, each `size` NaNs.
  std::vector<IndicatorOutput> nan_outputs(std::size_t size) const;
  // The poll compute() hands to its loops; it names this indicator, and it looks at the token
  // once before returning (so a cancelled token stops even a short series).
  CancelPoll poll(const CancellationToken& token) const;

 private:
  std::string id_;
  std::vector<std::string> suffixes_;
  std::size_t warmup_;
};

// The number of leading bars whose values are finite in every column. Indicators compute over
// these bars only: from the first non-finite input on, every output is NaN.
std::size_t finite_prefix(std::initializer_list<std::span<const double>> columns);

}  // namespace ktrdr::training::indicators
