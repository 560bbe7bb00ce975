#include "ktrdr/sdk/progress_renderer.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>

TEST_CASE("counts are grouped by thousands", "[sdk][progress]") {
  CHECK(ktrdr::format_count(0) == "0");
  CHECK(ktrdr::format_count(999) == "999");
  CHECK(ktrdr::format_count(1500) == "1,500");
  CHECK(ktrdr::format_count(1000000) == "1,000,000");
  CHECK(ktrdr::format_count(-1234567) == "-1,234,567");
  CHECK(ktrdr::format_count(std::numeric_limits<std::int64_t>::min()) ==
        "-9,223,372,036,854,775,808");
}

TEST_CASE("the default renderer joins step, message and items", "[sdk][progress]") {
  const ktrdr::DefaultProgressRenderer renderer;
  ktrdr::ProgressState state;
  CHECK(renderer.render_message(state).empty());
  state.step = "fetch";
  CHECK(renderer.render_message(state) == "fetch");
  state.message = "segment 3/5";
  state.items_done = 1500;
  state.items_total = 20000;
  CHECK(renderer.render_message(state) == "fetch · segment 3/5 · 1,500/20,000");
  state.step.clear();
  state.items_total = 0;
  CHECK(renderer.render_message(state) == "segment 3/5");
}
