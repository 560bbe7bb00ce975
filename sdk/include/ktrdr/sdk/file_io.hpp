// Whole-file I/O for stores: read a regular file in one go, and replace a file atomically (temp
// file in the same directory, fsync, rename, fsync of the directory) so a crash at any moment
// leaves the old file or the new one, never a torn one. Stateless; thread-safe.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

// The bytes of the regular file at `path` (symlinks to one are followed). Anything else is
// refused before it is read, so a FIFO or a device cannot block or exhaust memory: a FIFO is
// opened non-blocking, a device not at all. `max_bytes` bounds the size (nullopt: the file's
// size, growth while reading included). Errors, naming the path, context {"file", …}:
// kNotFound (no such file); kIo for a file that is not regular ("… is a FIFO", "… is a character
// device", "… is a directory"…), one larger than `max_bytes` (context also {"max_bytes", N}),
// or an unreadable one (the system's reason, context also {"errno", …}); kCancelled once `token`
// is cancelled (checked between reads of a few MiB).
Result<std::string> read_whole_file(const std::filesystem::path& path,
                                    std::optional<std::size_t> max_bytes = std::nullopt,
                                    const CancellationToken& token = {});

// Replaces `target` with `content` atomically through a new temp file
// `<target>.tmp.<pid>.<16 random hex digits>`, created exclusively (never through an existing
// name or a symlink; 0644 less the umask). First removes stale temp files of `target`, as
// remove_stale_temp_files does. The directory must exist. After a failure the previous file is
// untouched and the temp file removed. Errors: kIo naming the path and the system's reason.
// `fail_after` (tests only) makes the write fail with EIO after that many bytes, as a full disk
// would.
Result<void> replace_file_atomically(const std::filesystem::path& target, std::string_view content,
                                     std::optional<std::size_t> fail_after = std::nullopt);

// Removes the temp files a killed save of `target` left: regular files in its directory named
// `<target>.tmp.<pid>` or `<target>.tmp.<pid>.<hex>` whose pid is no live process (kill(pid, 0)
// fails with ESRCH). Files of live processes, this one included, of other targets, symlinks and
// other names are kept. Pids are judged in this process's pid namespace: processes sharing the
// directory from another namespace must not save the same target. Best effort: returns how many
// were removed; a directory that cannot be listed or a file that cannot be removed is skipped.
// Stores may call it on load.
std::size_t remove_stale_temp_files(const std::filesystem::path& target);

}  // namespace ktrdr
