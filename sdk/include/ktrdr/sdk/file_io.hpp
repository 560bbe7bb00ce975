// Whole-file I/O for stores: read a file in one go, and replace a file atomically (temp file in
// the same directory, fsync, rename, fsync of the directory) so a crash at any moment leaves the
// old file or the new one, never a torn one. Stateless; thread-safe for different files.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

// The file's bytes. Errors: kNotFound (no such file), kIo (unreadable, a directory), naming the
// path and the system's reason, context {"file", "errno"}.
Result<std::string> read_whole_file(const std::filesystem::path& path);

// Replaces `target` with `content` atomically through `<target>.tmp.<pid>`. The directory must
// exist. After a failure the previous file is untouched and the temp file removed. Errors: kIo
// naming the path and the system's reason. `fail_after` (tests only) makes the write fail with
// EIO after that many bytes, as a full disk would.
Result<void> replace_file_atomically(const std::filesystem::path& target, std::string_view content,
                                     std::optional<std::size_t> fail_after = std::nullopt);

}  // namespace ktrdr
