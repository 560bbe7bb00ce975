// Test helpers: TWS API bytes and messages written in the research brief's notation, where
// "a|b|" is the fields a and b, each followed by 0x00. Stateless.
#pragma once

#include <string>
#include <utility>

#include "tws/tws_frame.hpp"

namespace ktrdr::data::tws::testing {

// The bytes `notation` stands for: each '|' becomes 0x00 ("71|2|" is "71\0" "2\0").
inline std::string nul(std::string notation) {
  for (char& c : notation) {
    if (c == '|') c = '\0';
  }
  return notation;
}

// The message `notation` stands for, as FrameReader yields it.
inline Fields msg(std::string notation) { return split_fields(nul(std::move(notation))); }

}  // namespace ktrdr::data::tws::testing
