// BarSeries storage, slicing and merging; the symbol rule.
#include "ktrdr/sdk/bar_series.hpp"

#include <algorithm>
#include <utility>

#include "huge_pages.hpp"

namespace ktrdr {

namespace {

constexpr std::size_t kMaxSymbolLength = 20;

bool is_symbol_char(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

Error bad_symbol(std::string_view symbol, std::string_view why) {
  return Error::invalid_argument(
      "invalid symbol \"" + std::string(symbol) + "\": " + std::string(why),
      {{"field", "symbol"}, {"value", std::string(symbol)}});
}

}  // namespace

Result<void> validate_symbol(std::string_view symbol) {
  if (symbol.empty()) return bad_symbol(symbol, "it is empty");
  if (symbol.size() > kMaxSymbolLength) {
    return bad_symbol(
        symbol, "it has " + std::to_string(symbol.size()) + " characters, at most 20 are allowed");
  }
  for (char c : symbol) {
    if (!is_symbol_char(c)) {
      return bad_symbol(symbol, std::string("character '") + c +
                                    "' is not allowed (only letters, digits, '.' and '-')");
    }
  }
  if (symbol.front() == '.') return bad_symbol(symbol, "it must not start with '.'");
  if (symbol.find("..") != std::string_view::npos) {
    return bad_symbol(symbol, "it must not contain \"..\"");
  }
  return {};
}

BarSeries::BarSeries(std::string symbol, Timeframe timeframe)
    : symbol_(std::move(symbol)), timeframe_(timeframe) {}

void BarSeries::reserve(std::size_t n) {
  const auto reserve_column = [n](auto& column) {
    column.reserve(n);
    detail::advise_huge_pages(column.data(), column.capacity() * sizeof column[0]);
  };
  reserve_column(timestamps_);
  reserve_column(opens_);
  reserve_column(highs_);
  reserve_column(lows_);
  reserve_column(closes_);
  reserve_column(volumes_);
}

void BarSeries::append(const Bar& bar) {
  timestamps_.push_back(bar.timestamp);
  opens_.push_back(bar.open);
  highs_.push_back(bar.high);
  lows_.push_back(bar.low);
  closes_.push_back(bar.close);
  volumes_.push_back(bar.volume);
}

Bar BarSeries::operator[](std::size_t i) const {
  return Bar{timestamps_[i], opens_[i], highs_[i], lows_[i], closes_[i], volumes_[i]};
}

bool BarSeries::is_sorted() const noexcept {
  return std::is_sorted(timestamps_.begin(), timestamps_.end());
}

BarSeries BarSeries::slice(std::chrono::sys_seconds from, std::chrono::sys_seconds to) const {
  BarSeries out(symbol_, timeframe_);
  if (is_sorted()) {
    const auto first = std::lower_bound(timestamps_.begin(), timestamps_.end(), from);
    const auto last = std::max(first, std::lower_bound(first, timestamps_.end(), to));
    const auto begin_index = static_cast<std::size_t>(first - timestamps_.begin());
    const auto end_index = static_cast<std::size_t>(last - timestamps_.begin());
    out.reserve(end_index - begin_index);
    for (std::size_t i = begin_index; i < end_index; ++i) out.append((*this)[i]);
    return out;
  }
  for (std::size_t i = 0; i < size(); ++i) {
    if (timestamps_[i] >= from && timestamps_[i] < to) out.append((*this)[i]);
  }
  return out;
}

Result<void> BarSeries::merge(const BarSeries& newer) {
  if (newer.symbol_ != symbol_ || newer.timeframe_ != timeframe_) {
    return Error::invalid_argument(
        "cannot merge " + newer.symbol_ + " " + std::string(to_string(newer.timeframe_)) +
            " bars into " + symbol_ + " " + std::string(to_string(timeframe_)) + " bars",
        {{"symbol", symbol_}, {"timeframe", std::string(to_string(timeframe_))}});
  }
  BarSeries out(symbol_, timeframe_);
  out.reserve(size() + newer.size());
  if (is_sorted() && newer.is_sorted()) {
    // At each step take the smallest pending timestamp; the last bar carrying it wins, newer's
    // over ours.
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < size() || j < newer.size()) {
      std::chrono::sys_seconds t;
      if (j == newer.size() || (i < size() && timestamps_[i] < newer.timestamps_[j])) {
        t = timestamps_[i];
      } else {
        t = newer.timestamps_[j];
      }
      std::size_t last_ours = size();
      while (i < size() && timestamps_[i] == t) last_ours = i++;
      std::size_t last_newer = newer.size();
      while (j < newer.size() && newer.timestamps_[j] == t) last_newer = j++;
      out.append(last_newer != newer.size() ? newer[last_newer] : (*this)[last_ours]);
    }
  } else {
    // Rows in precedence order (ours, then newer's), stably sorted by time; the last of each
    // equal-time run wins.
    std::vector<std::pair<const BarSeries*, std::size_t>> rows;
    rows.reserve(size() + newer.size());
    for (std::size_t i = 0; i < size(); ++i) rows.emplace_back(this, i);
    for (std::size_t j = 0; j < newer.size(); ++j) rows.emplace_back(&newer, j);
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.first->timestamps_[a.second] < b.first->timestamps_[b.second];
    });
    for (std::size_t k = 0; k < rows.size(); ++k) {
      const bool last_of_run =
          k + 1 == rows.size() || rows[k + 1].first->timestamps_[rows[k + 1].second] !=
                                      rows[k].first->timestamps_[rows[k].second];
      if (last_of_run) out.append((*rows[k].first)[rows[k].second]);
    }
  }
  *this = std::move(out);
  return {};
}

}  // namespace ktrdr
