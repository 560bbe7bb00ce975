// DefaultProgressRenderer and format_count.
#include "ktrdr/sdk/progress_renderer.hpp"

#include <string_view>

namespace ktrdr {

std::string DefaultProgressRenderer::render_message(const ProgressState& state) const {
  static constexpr std::string_view kSeparator = " · ";
  std::string line;
  const auto append = [&line](std::string_view part) {
    if (part.empty()) return;
    if (!line.empty()) line += kSeparator;
    line += part;
  };
  append(state.step);
  append(state.message);
  if (state.items_total > 0) {
    append(format_count(state.items_done) + "/" + format_count(state.items_total));
  }
  return line;
}

std::string format_count(std::int64_t value) {
  // The magnitude as unsigned, so the most negative value has one too.
  std::uint64_t magnitude =
      value < 0 ? ~static_cast<std::uint64_t>(value) + 1 : static_cast<std::uint64_t>(value);
  std::string digits;
  int in_group = 0;
  do {
    if (in_group == 3) {
      digits += ',';
      in_group = 0;
    }
    digits += static_cast<char>('0' + magnitude % 10);
    magnitude /= 10;
    ++in_group;
  } while (magnitude != 0);
  if (value < 0) digits += '-';
  return std::string(digits.rbegin(), digits.rend());
}

}  // namespace ktrdr
