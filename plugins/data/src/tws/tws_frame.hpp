// The TWS API framing: text fields → NUL-terminated payload → frame with a 4-byte big-endian
// length, the client's opening handshake bytes, and FrameReader, which cuts a TCP byte stream
// back into messages. The free functions are stateless and thread-safe; a FrameReader is
// thread-compatible (one per stream).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/result.hpp"

namespace ktrdr::data::tws {

// One message as text fields; the first is the message id.
using Fields = std::vector<std::string>;

// The largest payload a frame may declare (IB's MAX_MSG_LEN); 0 is refused too.
inline constexpr std::size_t kMaxPayloadLength = 0xFFFFFF;
inline constexpr std::size_t kLengthPrefixSize = 4;

// The payload of a message: each field followed by 0x00. kInvalidArgument naming the message
// id, the field's index and its text (bytes escaped as \xNN) when a field holds a byte outside
// printable ASCII (0x20-0x7E), as IB's own client refuses them.
[[nodiscard]] Result<std::string> encode_fields(const Fields& fields);

// `payload` behind its 4-byte big-endian length. kInvalidArgument naming the length when the
// payload is empty or longer than kMaxPayloadLength.
[[nodiscard]] Result<std::string> frame_payload(std::string_view payload);

// encode_fields, then frame_payload: a message ready to write to the socket.
[[nodiscard]] Result<std::string> encode_message(const Fields& fields);

// The client's first bytes: "API\0" (unframed), then the framed version offer "v<min>..<max>"
// ("v<min>" when min == max), followed by " " + connect_options when those are not empty
// ("+PACEAPI"); no NUL. kInvalidArgument naming the versions when min is below 1 or above max,
// or naming the options when they are not printable ASCII.
[[nodiscard]] Result<std::string> encode_handshake(int min_version, int max_version,
                                                   std::string_view connect_options = {});

// `text` with each byte outside printable ASCII (0x20-0x7E) written as \xNN, for messages.
std::string escape_bytes(std::string_view text);

// A payload split on 0x00, without the empty element after the final terminator: "a\0\0b\0"
// is {"a", "", "b"}; text after the last 0x00 is kept as a last field.
Fields split_fields(std::string_view payload);

// Reassembles frames from bytes fed in as they arrive, however TCP splits or joins them.
class FrameReader {
 public:
  // Appends bytes read from the stream; ignored once the reader has failed.
  void feed(std::string_view bytes);

  // The next complete message, split into fields (split_fields); nullopt while its frame is
  // still incomplete. kMalformedResponse naming the length when a frame declares 0 bytes or
  // more than kMaxPayloadLength: the stream cannot be resynchronised, so every later call
  // returns the same error.
  [[nodiscard]] Result<std::optional<Fields>> next();

  // Bytes fed but not yet returned as messages.
  std::size_t buffered() const noexcept { return buffer_.size() - consumed_; }

 private:
  std::string buffer_;
  std::size_t consumed_ = 0;  // bytes at the front of buffer_ already returned as messages
  std::optional<Error> error_;
};

}  // namespace ktrdr::data::tws
