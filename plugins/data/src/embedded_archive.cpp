// The archive files' bytes, included by the assembler (.incbin) from KTRDR_DATA_ARCHIVE_DIR, a
// compile definition set on this file only (with an OBJECT_DEPENDS on each file, so an edited
// file rebuilds it). The symbols are hidden: each copy of the library keeps its own.
#include "embedded_archive.hpp"

#include <array>
#include <cstddef>

#ifndef KTRDR_DATA_ARCHIVE_DIR
#error "KTRDR_DATA_ARCHIVE_DIR must name the directory of the archive files"
#endif

// AAPL_1h.csv's bytes between two labels, in read-only data.
asm(".section .rodata.ktrdr_archive,\"a\",@progbits\n"
    ".globl ktrdr_archive_aapl_1h_begin, ktrdr_archive_aapl_1h_end\n"
    ".hidden ktrdr_archive_aapl_1h_begin, ktrdr_archive_aapl_1h_end\n"
    "ktrdr_archive_aapl_1h_begin:\n"
    ".incbin \"" KTRDR_DATA_ARCHIVE_DIR "/AAPL_1h.csv\"\n"
    "ktrdr_archive_aapl_1h_end:\n"
    ".previous\n");

extern "C" {
extern const char ktrdr_archive_aapl_1h_begin[] __attribute__((visibility("hidden")));
extern const char ktrdr_archive_aapl_1h_end[] __attribute__((visibility("hidden")));
}

namespace ktrdr::data {
namespace {

std::string_view bytes(const char* begin, const char* end) {
  return {begin, static_cast<std::size_t>(end - begin)};
}

}  // namespace

std::span<const EmbeddedFile> embedded_archive() {
  static const std::array<EmbeddedFile, 1> files{{
      {"AAPL_1h.csv", bytes(ktrdr_archive_aapl_1h_begin, ktrdr_archive_aapl_1h_end)},
  }};
  return files;
}

}  // namespace ktrdr::data
