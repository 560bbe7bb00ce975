// TemplateProgressRenderer: the template domain's progress line and result summary, read from the
// progress context {"operation": "moving_average", "points", "window"} and the result. Stateless.
#pragma once

#include "ktrdr/sdk/progress_renderer.hpp"

namespace template_plugin {

// The names of the operation's two progress steps, which the renderer words.
inline constexpr const char* kFillStep = "fill";
inline constexpr const char* kSlideStep = "slide";

class TemplateProgressRenderer final : public ktrdr::ProgressRenderer {
 public:
  // "Filling the 20-point window", then
  // "Averaging 1,000,000 points over a 20-point window · 65,536/999,980 points"
  std::string render_message(const ktrdr::ProgressState& state) const override;
  // "  999,981 averages of 20 points over 1,000,000 points, the last 500094.75, in 0.01 s",
  // with "(of N asked)" after the points when the run stopped early.
  std::string render_result(const ktrdr::Json& result) const override;
};

}  // namespace template_plugin
