#include "training_progress_renderer.hpp"

#include <cstdio>

namespace ktrdr::training {
namespace {

std::string joined(const Json& list) {
  std::string text;
  for (const std::string& item : list.as_string_array()) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::string fixed(double value, int decimals = 3) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string count(const Json& json, std::string_view key) {
  return format_count(json.get_int(key).value_or(0));
}

// The metrics table: accuracy and macro F1, then precision / recall / F1 / support per label.
std::string metrics_table(const Json& metrics) {
  std::string text = "  test: " + count(metrics, "samples") + " rows, accuracy " +
                     fixed(metrics.get_number("accuracy").value_or(0.0)) + ", macro F1 " +
                     fixed(metrics.get_number("macro_f1").value_or(0.0)) + "\n" +
                     "           precision  recall      f1  support\n";
  const Json per_class = metrics.at("per_class");
  for (const char* label : {"BUY", "HOLD", "SELL"}) {
    const Json row = per_class.at(label);
    char line[96];
    std::snprintf(line, sizeof line, "    %-5s %10.3f %7.3f %7.3f %8lld\n", label,
                  row.get_number("precision").value_or(0.0),
                  row.get_number("recall").value_or(0.0), row.get_number("f1").value_or(0.0),
                  static_cast<long long>(row.get_int("support").value_or(0)));
    text += line;
  }
  return text;
}

}  // namespace

std::string TrainingProgressRenderer::render_message(const ProgressState& state) const {
  const Json& c = state.context;
  std::string line = "Training " + c.get_string("model_type").value_or("model") + " on " +
                     joined(c.at("symbols")) + " " + joined(c.at("timeframes"));
  const auto phase = c.get_string("phase").value_or("");
  if (phase == "train" && c.get_int("total_epochs").value_or(0) > 0) {
    line += " · epoch " + count(c, "current_epoch") + "/" + count(c, "total_epochs") +
            " · batch " + count(c, "current_batch") + "/" + count(c, "total_batches");
    if (const auto loss = c.get_number("train_loss")) line += " · loss " + fixed(*loss);
    if (const auto acc = c.get_number("val_accuracy")) line += " · val acc " + fixed(*acc, 2);
    return line;
  }
  if (!phase.empty()) line += " · " + phase;
  std::string subject;
  for (const char* key : {"symbol", "timeframe", "indicator"}) {
    if (const auto value = c.get_string(key)) subject += (subject.empty() ? "" : " ") + *value;
  }
  if (!subject.empty()) line += " · " + subject;
  return line;
}

std::string TrainingProgressRenderer::render_result(const Json& result) const {
  if (result.has("files")) {
    std::string text;
    const Json files = result.at("files");
    for (std::size_t i = 0; i < files.size(); ++i) {
      const Json file = files[i];
      text += std::string(i == 0 ? "" : "\n") + "  " + file.get_string("file").value_or("") +
              ": " + count(file, "rows") + " rows, " + count(file, "columns") + " columns";
    }
    return text;
  }
  std::string text = "  model: " + result.get_string("model_path").value_or("") + "\n";
  if (result.has("epochs_run")) {
    const Json rows = result.at("rows");
    text += "  " + count(result, "features") + " features; rows " + count(rows, "train") +
            " train / " + count(rows, "validation") + " validation / " + count(rows, "test") +
            " test; best epoch " + count(result, "best_epoch") + " of " +
            count(result, "epochs_run") +
            (result.get_bool("stopped_early") == true ? " (stopped early)" : "") + " on " +
            result.get_string("device").value_or("cpu") + ", " +
            fixed(result.get_number("duration_seconds").value_or(0.0), 1) + " s\n";
  }
  text += metrics_table(result.at("test_metrics"));
  text.pop_back();  // the summary adds the last line break
  return text;
}

}  // namespace ktrdr::training
