#include "huge_pages.hpp"

#include <sys/mman.h>

#include <cstdint>

namespace ktrdr::detail {
namespace {

constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;
constexpr std::size_t kMinBytes = std::size_t{4} << 20;

}  // namespace

void advise_huge_pages(const void* data, std::size_t bytes) noexcept {
  if (data == nullptr || bytes < kMinBytes) return;
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t last = (begin + bytes) & ~(kHugePage - 1);
  if (last <= first) return;
  (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
}

}  // namespace ktrdr::detail
