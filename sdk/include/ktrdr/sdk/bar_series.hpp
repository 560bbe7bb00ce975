// Bar and BarSeries: OHLCV bars of one symbol and timeframe, stored column by column (one vector
// per field) so indicators scan contiguous doubles. Also the symbol rule every store path obeys.
// Value types; thread-compatible (const use from many threads is safe, mutation is not).
#pragma once

#include <chrono>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/timeframe.hpp"

namespace ktrdr {

// One OHLCV bar. `timestamp` is the bar's OPEN time, UTC, whole seconds.
struct Bar {
  std::chrono::sys_seconds timestamp{};
  double open = 0.0;
  double high = 0.0;
  double low = 0.0;
  double close = 0.0;
  double volume = 0.0;

  bool operator==(const Bar&) const = default;
};

// Checks a symbol against [A-Za-z0-9.-]{1,20}, with no ".." and no leading '.', so that it is
// safe inside a file name. On failure an ErrorCode::kInvalidArgument error naming the symbol and
// the rule it breaks, context {"field": "symbol", "value": symbol}.
Result<void> validate_symbol(std::string_view symbol);

class BarSeries {
 public:
  BarSeries() = default;
  // The symbol is not validated here (see validate_symbol); stores validate before use.
  BarSeries(std::string symbol, Timeframe timeframe);

  const std::string& symbol() const noexcept { return symbol_; }
  Timeframe timeframe() const noexcept { return timeframe_; }
  std::size_t size() const noexcept { return timestamps_.size(); }
  bool empty() const noexcept { return timestamps_.empty(); }

  // Pre-allocates room for `n` bars in every column.
  void reserve(std::size_t n);
  // Adds a bar at the end, as given: order and duplicates are the caller's business.
  void append(const Bar& bar);
  // The i-th bar, assembled from the columns. Precondition: i < size().
  Bar operator[](std::size_t i) const;

  // The columns, all of length size(); valid until the next mutation.
  std::span<const std::chrono::sys_seconds> timestamps() const noexcept { return timestamps_; }
  std::span<const double> opens() const noexcept { return opens_; }
  std::span<const double> highs() const noexcept { return highs_; }
  std::span<const double> lows() const noexcept { return lows_; }
  std::span<const double> closes() const noexcept { return closes_; }
  std::span<const double> volumes() const noexcept { return volumes_; }

  // True when timestamps never decrease (duplicates allowed).
  bool is_sorted() const noexcept;

  // The bars with from <= timestamp < to, in their current order, with this symbol and
  // timeframe. Binary search when sorted, a scan otherwise.
  BarSeries slice(std::chrono::sys_seconds from, std::chrono::sys_seconds to) const;

  // Merges `newer` into this series: the result is strictly ascending by timestamp with one bar
  // per timestamp, a bar of `newer` replacing this series' bar at the same timestamp (and, within
  // one series, a later row replacing an earlier one). Linear when both are sorted, O(n log n)
  // otherwise. Fails with ErrorCode::kInvalidArgument, leaving this series unchanged, when the
  // symbols or timeframes differ.
  Result<void> merge(const BarSeries& newer);

  // Same symbol, timeframe and bars, each value compared with == (so a NaN never compares equal).
  bool operator==(const BarSeries&) const = default;

 private:
  std::string symbol_;
  Timeframe timeframe_ = Timeframe::k1d;
  std::vector<std::chrono::sys_seconds> timestamps_;
  std::vector<double> opens_;
  std::vector<double> highs_;
  std::vector<double> lows_;
  std::vector<double> closes_;
  std::vector<double> volumes_;
};

}  // namespace ktrdr
