// CancelPoll: how the indicators' loops honour cancellation — a look at the token every
// 10,000 bars. Holds a copy of the token; const use from several threads is safe.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include "ktrdr/sdk/cancellation_token.hpp"

namespace ktrdr::training::indicators {

class CancelPoll {
 public:
  static constexpr std::size_t kStride = 10'000;

  // `where` names the indicator in the CancelledError.
  CancelPoll(CancellationToken token, std::string where)
      : token_(std::move(token)), where_(std::move(where)) {}

  // Throws CancelledError when bar `i` is a multiple of kStride (bar 0 included) and the token
  // is cancelled.
  void at(std::size_t i) const {
    if (i % kStride == 0) now();
  }
  // Throws CancelledError when the token is cancelled.
  void now() const { token_.throw_if_cancelled(where_); }

 private:
  CancellationToken token_;
  std::string where_;
};

}  // namespace ktrdr::training::indicators
