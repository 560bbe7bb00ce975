// Bearer-token check (private to the SDK) for HostService routes that require auth. Stateless;
// thread-safe.
#pragma once

#include <string_view>

namespace ktrdr::detail {

// True when `authorization` (the header's value) is "Bearer <token>" with exactly `token`. The
// token comparison takes the same time wherever the first difference is.
bool bearer_token_matches(std::string_view authorization, std::string_view token);

}  // namespace ktrdr::detail
