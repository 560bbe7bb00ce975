// Transparent huge pages for big buffers: where page faults are expensive (virtual machines), a
// 55 MB file and its bar columns cost ~25,000 faults of 4 KiB pages; backed by 2 MiB pages they
// cost a few dozen.
#pragma once

#include <cstddef>

namespace ktrdr::detail {

// Lets the kernel back the 2 MiB-aligned part of [data, data + bytes) with huge pages, where
// the system allows it (THP "always" or "madvise"). A hint: buffers under 4 MiB, and systems
// without THP, are left as they are.
void advise_huge_pages(const void* data, std::size_t bytes) noexcept;

}  // namespace ktrdr::detail
