#include "feature_builder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "feature_names.hpp"
#include "price_context.hpp"
#include "zigzag_labeler.hpp"

namespace ktrdr::training {
namespace {

constexpr std::size_t kCheckEvery = 10'000;
constexpr double kMissing = std::numeric_limits<double>::quiet_NaN();

Error invalid(std::string message, std::string field, std::string value) {
  return Error::invalid_argument(std::move(message),
                                 {{"field", std::move(field)}, {"value", std::move(value)}});
}

std::string tf_text(Timeframe tf) { return std::string(to_string(tf)); }

// The inputs with the base first and the others in their given order, after checking them.
Result<std::vector<const TimeframeInput*>> ordered_inputs(std::span<const TimeframeInput> inputs,
                                                          Timeframe base) {
  std::vector<const TimeframeInput*> ordered;
  for (const TimeframeInput& input : inputs) {
    if (input.bars.timeframe() == base) ordered.insert(ordered.begin(), &input);
  }
  if (ordered.empty()) {
    return invalid("no bars for the base timeframe " + tf_text(base), "base_timeframe",
                   tf_text(base));
  }
  for (const TimeframeInput& input : inputs) {
    if (input.bars.timeframe() != base) ordered.push_back(&input);
  }
  const std::string& symbol = ordered.front()->bars.symbol();
  std::set<Timeframe> seen;
  for (const TimeframeInput* input : ordered) {
    const BarSeries& bars = input->bars;
    const std::string tf = tf_text(bars.timeframe());
    if (!seen.insert(bars.timeframe()).second) {
      return invalid("timeframe " + tf + " is given twice", "timeframes", tf);
    }
    if (duration(bars.timeframe()) <= duration(base) && bars.timeframe() != base) {
      return invalid("timeframe " + tf + " is not longer than the base timeframe " + tf_text(base),
                     "timeframes", tf);
    }
    if (bars.symbol() != symbol) {
      return invalid("the " + tf + " bars are of symbol " + bars.symbol() + ", the " +
                         tf_text(base) + " bars of " + symbol,
                     "symbol", bars.symbol());
    }
    const auto times = bars.timestamps();
    for (std::size_t i = 1; i < times.size(); ++i) {
      if (times[i] <= times[i - 1]) {
        return invalid(
            symbol + " " + tf + " bars are not strictly ascending at bar " + std::to_string(i),
            "bars", symbol + " " + tf);
      }
    }
    for (const IndicatorOutput& output : input->outputs) {
      if (output.values.size() != bars.size()) {
        return invalid("indicator output " + output.name + " on " + tf + " has " +
                           std::to_string(output.values.size()) + " values for " +
                           std::to_string(bars.size()) + " bars",
                       "indicators", output.name);
      }
    }
  }
  return ordered;
}

const IndicatorOutput* find_output(const std::vector<IndicatorOutput>& outputs,
                                   std::string_view name) {
  const auto it = std::find_if(outputs.begin(), outputs.end(),
                               [&](const IndicatorOutput& o) { return o.name == name; });
  return it == outputs.end() ? nullptr : &*it;
}

// For each base bar, the index of the last `higher` bar closed when it closes, if any.
std::vector<std::optional<std::size_t>> visible_bars(const BarSeries& base,
                                                     const BarSeries& higher) {
  const auto base_length = duration(base.timeframe());
  const auto higher_length = duration(higher.timeframe());
  const auto base_times = base.timestamps();
  const auto higher_times = higher.timestamps();
  std::vector<std::optional<std::size_t>> visible(base_times.size());
  std::size_t closed = 0;  // higher bars closed so far
  for (std::size_t i = 0; i < base_times.size(); ++i) {
    const auto base_close = base_times[i] + base_length;
    while (closed < higher_times.size() && higher_times[closed] + higher_length <= base_close) {
      ++closed;
    }
    if (closed > 0) visible[i] = closed - 1;
  }
  return visible;
}

// The output named `name` among a timeframe's, or an error naming `reader` and the outputs.
Result<const IndicatorOutput*> output_for(const TimeframeInput& input, const std::string& name,
                                          const std::string& reader, const char* field) {
  if (const IndicatorOutput* output = find_output(input.outputs, name)) return output;
  std::string known;
  for (const IndicatorOutput& o : input.outputs) known += (known.empty() ? "" : ", ") + o.name;
  return invalid(reader + " reads " + name + ", which the " + tf_text(input.bars.timeframe()) +
                     " indicators do not output (" + known + ")",
                 field, name);
}

// One column per (timeframe, fuzzy set) and per (timeframe, raw input), as long as the base
// bars; names alongside.
Result<void> input_columns(const std::vector<const TimeframeInput*>& inputs,
                           std::span<const FuzzySet> fuzzy_sets,
                           std::span<const RawInput> raw_inputs, const CancellationToken& token,
                           std::vector<std::string>& names,
                           std::vector<std::vector<double>>& columns) {
  const BarSeries& base = inputs.front()->bars;
  for (const TimeframeInput* input : inputs) {
    const std::string tf = tf_text(input->bars.timeframe());
    token.throw_if_cancelled("building " + base.symbol() + " " + tf + " features");
    const bool is_base = input == inputs.front();
    std::vector<std::optional<std::size_t>> visible;
    if (!is_base) visible = visible_bars(base, input->bars);
    const auto add = [&](const std::string& name, std::vector<double> values) {
      if (is_base) {
        names.push_back(name);
        columns.push_back(std::move(values));
        return;
      }
      std::vector<double> aligned(base.size(), kMissing);
      for (std::size_t i = 0; i < aligned.size(); ++i) {
        if (visible[i]) aligned[i] = values[*visible[i]];
      }
      names.push_back(tf + ":" + name);
      columns.push_back(std::move(aligned));
    };
    for (const FuzzySet& set : fuzzy_sets) {
      if (!set.on(input->bars.timeframe())) continue;
      auto output =
          output_for(*input, set.spec().input, "fuzzy set " + set.feature_name(), "fuzzy_sets");
      if (!output) return std::move(output).error();
      const std::vector<double>& values = (*output)->values;
      add(set.feature_name(),
          set.spec().price_ratio.empty()
              ? set.apply(values)
              : set.apply(price_ratio(input->bars, set.spec().price_ratio, values)));
    }
    for (const RawInput& raw : raw_inputs) {
      if (!raw.on(input->bars.timeframe())) continue;
      auto output = output_for(*input, raw.output, "raw input " + raw.reference, "nn_inputs");
      if (!output) return std::move(output).error();
      add(raw.feature_name(), (*output)->values);
    }
  }
  return {};
}

Result<std::size_t> non_negative(int value, const char* field) {
  if (value < 0) {
    return invalid(std::string(field) + " must be >= 0, got " + std::to_string(value), field,
                   std::to_string(value));
  }
  return static_cast<std::size_t>(value);
}

}  // namespace

Result<FeatureMatrix> build_features(std::span<const TimeframeInput> timeframes,
                                     std::span<const FuzzySet> fuzzy_sets,
                                     const FeatureSettings& settings,
                                     const CancellationToken& token,
                                     const FeatureProgress& progress) {
  auto lookback = non_negative(settings.lookback_periods, "model.lookback_periods");
  if (!lookback) return std::move(lookback).error();
  auto history = non_negative(settings.history_required, "history_required");
  if (!history) return std::move(history).error();
  auto labeler = ZigZagLabeler::create(settings.labels);
  if (!labeler) return std::move(labeler).error();
  auto inputs = ordered_inputs(timeframes, settings.base_timeframe);
  if (!inputs) return std::move(inputs).error();
  const BarSeries& base = inputs->front()->bars;

  std::vector<std::string> names;
  std::vector<std::vector<double>> columns;
  if (auto made = input_columns(*inputs, fuzzy_sets, settings.raw_inputs, token, names, columns);
      !made) {
    return std::move(made).error();
  }
  if (settings.price_context) {
    auto context = price_context_columns(base, inputs->front()->outputs, *settings.price_context);
    if (!context) return std::move(context).error();
    for (FeatureColumn& column : *context) {
      names.push_back(std::move(column.name));
      columns.push_back(std::move(column.values));
    }
  }
  auto labels = labeler->label(base.closes());
  if (!labels) return std::move(labels).error();

  FeatureMatrix matrix;
  matrix.symbols = {base.symbol()};
  matrix.feature_names = names;
  for (std::size_t k = 1; k <= *lookback; ++k) {
    for (const std::string& name : names) {
      matrix.feature_names.push_back(name + "_lag" + std::to_string(k));
    }
  }

  const std::size_t first = std::max(*history, *lookback);
  const std::size_t end = labels->labels.size();
  const std::size_t total = end > first ? end - first : 0;
  std::vector<float> row(matrix.cols());
  for (std::size_t i = first; i < end; ++i) {
    const std::size_t done = i - first;
    if (done % kCheckEvery == 0 && done > 0) {
      token.throw_if_cancelled("building " + base.symbol() + " feature rows");
      if (progress) progress(done, total);
    }
    bool complete = true;
    for (std::size_t k = 0; k <= *lookback && complete; ++k) {
      for (std::size_t c = 0; c < columns.size(); ++c) {
        const double value = columns[c][i - k];
        if (std::isnan(value)) {
          complete = false;
          break;
        }
        row[k * columns.size() + c] = static_cast<float>(value);
      }
    }
    if (!complete) continue;
    matrix.values.insert(matrix.values.end(), row.begin(), row.end());
    matrix.timestamps.push_back(base.timestamps()[i]);
    matrix.labels.push_back(static_cast<std::int64_t>(labels->labels[i]));
    matrix.label_ends.push_back(base.timestamps()[labels->reads_to[i]]);
    matrix.symbol_index.push_back(0);
  }
  if (progress) progress(total, total);
  return matrix;
}

Result<FeatureMatrix> concat_symbols(std::span<const FeatureMatrix> matrices) {
  if (matrices.empty()) return invalid("no symbols to combine", "symbols", "");
  FeatureMatrix out;
  out.feature_names = matrices.front().feature_names;
  const auto symbol_of = [](const FeatureMatrix& m) {
    return m.symbols.empty() ? std::string("?") : m.symbols.front();
  };
  // (matrix, row) of every row, sorted by (timestamp, new symbol index).
  std::vector<std::pair<std::size_t, std::size_t>> order;
  std::vector<std::vector<std::int32_t>> remap;
  for (std::size_t m = 0; m < matrices.size(); ++m) {
    const FeatureMatrix& matrix = matrices[m];
    if (const std::string mismatch = feature_name_mismatch(out.feature_names, matrix.feature_names);
        !mismatch.empty()) {
      return invalid("the features of symbol " + symbol_of(matrix) + " differ from those of " +
                         symbol_of(matrices.front()) + ": " + mismatch,
                     "symbols", symbol_of(matrix));
    }
    if (matrix.labels.size() != matrix.rows() || matrix.symbol_index.size() != matrix.rows() ||
        matrix.label_ends.size() != matrix.rows() ||
        matrix.values.size() != matrix.rows() * matrix.cols() ||
        std::any_of(matrix.symbol_index.begin(), matrix.symbol_index.end(), [&](std::int32_t s) {
          return s < 0 || static_cast<std::size_t>(s) >= matrix.symbols.size();
        })) {
      return invalid("the matrix of symbol " + symbol_of(matrix) +
                         " has columns of different lengths or symbol indices out of range",
                     "symbols", symbol_of(matrix));
    }
    std::vector<std::int32_t>& indices = remap.emplace_back();
    for (const std::string& symbol : matrix.symbols) {
      if (std::find(out.symbols.begin(), out.symbols.end(), symbol) != out.symbols.end()) {
        return invalid("symbol " + symbol + " is given twice", "symbols", symbol);
      }
      indices.push_back(static_cast<std::int32_t>(out.symbols.size()));
      out.symbols.push_back(symbol);
    }
    for (std::size_t r = 0; r < matrix.rows(); ++r) order.emplace_back(m, r);
  }
  const auto symbol_index = [&](const std::pair<std::size_t, std::size_t>& at) {
    return remap[at.first][static_cast<std::size_t>(matrices[at.first].symbol_index[at.second])];
  };
  std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    const auto ta = matrices[a.first].timestamps[a.second];
    const auto tb = matrices[b.first].timestamps[b.second];
    if (ta != tb) return ta < tb;
    return symbol_index(a) < symbol_index(b);
  });
  out.values.reserve(order.size() * out.cols());
  out.timestamps.reserve(order.size());
  out.labels.reserve(order.size());
  out.label_ends.reserve(order.size());
  out.symbol_index.reserve(order.size());
  for (const auto& at : order) {
    const FeatureMatrix& matrix = matrices[at.first];
    const float* row = matrix.row(at.second);
    out.values.insert(out.values.end(), row, row + out.cols());
    out.timestamps.push_back(matrix.timestamps[at.second]);
    out.labels.push_back(matrix.labels[at.second]);
    out.label_ends.push_back(matrix.label_ends[at.second]);
    out.symbol_index.push_back(symbol_index(at));
  }
  return out;
}

}  // namespace ktrdr::training
