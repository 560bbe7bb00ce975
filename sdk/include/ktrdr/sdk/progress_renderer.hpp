// ProgressRenderer: turns a ProgressState's domain context into the one line a person reads.
// Each domain plugin registers its own; DefaultProgressRenderer serves the rest. Renderers are
// called from many threads and must be stateless (const).
#pragma once

#include <cstdint>
#include <string>

#include "ktrdr/sdk/progress.hpp"

namespace ktrdr {

class ProgressRenderer {
 public:
  virtual ~ProgressRenderer() = default;
  virtual std::string render_message(const ProgressState& state) const = 0;
  // The finished operation's result for people (the run summary); indented JSON by default.
  virtual std::string render_result(const Json& result) const { return result.dump_pretty(); }
};

// "<step> · <message> · <done>/<total>" with whatever of those is present.
class DefaultProgressRenderer final : public ProgressRenderer {
 public:
  std::string render_message(const ProgressState& state) const override;
};

// 1500 → "1,500"; for renderers.
std::string format_count(std::int64_t value);

}  // namespace ktrdr
