#include "template_progress_renderer.hpp"

#include <cstdio>

namespace template_plugin {

std::string TemplateProgressRenderer::render_message(const ktrdr::ProgressState& state) const {
  const ktrdr::Json& c = state.context;
  const std::string window = ktrdr::format_count(c.get_int("window").value_or(0));
  std::string line = state.step == kFillStep
                         ? "Filling the " + window + "-point window"
                         : "Averaging " + ktrdr::format_count(c.get_int("points").value_or(0)) +
                               " points over a " + window + "-point window";
  if (state.items_total > 0) {
    line += " · " + ktrdr::format_count(state.items_done) + "/" +
            ktrdr::format_count(state.items_total) + " " +
            (state.items_unit.empty() ? "items" : state.items_unit);
  }
  return line;
}

std::string TemplateProgressRenderer::render_result(const ktrdr::Json& result) const {
  char last[32];
  std::snprintf(last, sizeof last, "%.2f", result.get_number("last_average").value_or(0.0));
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.2f", result.get_number("seconds").value_or(0.0));
  const auto points = result.get_int("points").value_or(0);
  const auto processed = result.get_int("processed").value_or(points);
  std::string text = "  " + ktrdr::format_count(result.get_int("averages").value_or(0)) +
                     " averages of " + ktrdr::format_count(result.get_int("window").value_or(0)) +
                     " points over " + ktrdr::format_count(processed) + " points";
  if (processed < points) text += " (of " + ktrdr::format_count(points) + " asked)";
  return text + ", the last " + last + ", in " + seconds + " s";
}

}  // namespace template_plugin
