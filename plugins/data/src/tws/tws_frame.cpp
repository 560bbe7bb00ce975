#include "tws/tws_frame.hpp"

#include <cstdint>
#include <cstdio>
#include <utility>

namespace ktrdr::data::tws {
namespace {

constexpr std::string_view kApiSign{"API\0", 4};

bool is_printable(char c) noexcept { return c >= 0x20 && c <= 0x7E; }

bool is_printable(std::string_view text) noexcept {
  for (const char c : text) {
    if (!is_printable(c)) return false;
  }
  return true;
}

bool is_valid_length(std::size_t length) noexcept {
  return length > 0 && length <= kMaxPayloadLength;
}

std::string length_range() { return "1 to " + std::to_string(kMaxPayloadLength); }

}  // namespace

Result<std::string> encode_fields(const Fields& fields) {
  std::string payload;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (!is_printable(fields[i])) {
      const std::string id = escape_bytes(fields.front());
      const std::string value = escape_bytes(fields[i]);
      return Error::invalid_argument(
          "TWS message " + id + ": field " + std::to_string(i) + " \"" + value +
              "\" holds a byte outside printable ASCII",
          {{"message_id", id}, {"field", std::to_string(i)}, {"value", value}});
    }
    payload += fields[i];
    payload += '\0';
  }
  return payload;
}

Result<std::string> frame_payload(std::string_view payload) {
  if (!is_valid_length(payload.size())) {
    return Error::invalid_argument("TWS frame payload of " + std::to_string(payload.size()) +
                                       " bytes (allowed: " + length_range() + ")",
                                   {{"length", std::to_string(payload.size())}});
  }
  const auto length = static_cast<std::uint32_t>(payload.size());
  std::string frame;
  frame.reserve(kLengthPrefixSize + payload.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    frame += static_cast<char>((length >> shift) & 0xFF);
  }
  frame += payload;
  return frame;
}

Result<std::string> encode_message(const Fields& fields) {
  Result<std::string> payload = encode_fields(fields);
  if (!payload.ok()) return std::move(payload).error();
  return frame_payload(*payload);
}

Result<std::string> encode_handshake(int min_version, int max_version,
                                     std::string_view connect_options) {
  if (min_version < 1 || min_version > max_version) {
    return Error::invalid_argument("TWS version offer v" + std::to_string(min_version) + ".." +
                                       std::to_string(max_version) + " is not a range",
                                   {{"min_version", std::to_string(min_version)},
                                    {"max_version", std::to_string(max_version)}});
  }
  if (!is_printable(connect_options)) {
    return Error::invalid_argument(
        "TWS connect options \"" + escape_bytes(connect_options) + "\" are not printable ASCII",
        {{"connect_options", escape_bytes(connect_options)}});
  }
  std::string offer = "v" + std::to_string(min_version);
  if (max_version != min_version) offer += ".." + std::to_string(max_version);
  if (!connect_options.empty()) offer += " " + std::string(connect_options);
  Result<std::string> frame = frame_payload(offer);
  if (!frame.ok()) return std::move(frame).error();
  return std::string(kApiSign) + *frame;
}

std::string escape_bytes(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (is_printable(c)) {
      out += c;
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02X", static_cast<unsigned char>(c));
      out += hex;
    }
  }
  return out;
}

Fields split_fields(std::string_view payload) {
  Fields fields;
  std::size_t start = 0;
  while (start < payload.size()) {
    const std::size_t end = payload.find('\0', start);
    if (end == std::string_view::npos) {
      fields.emplace_back(payload.substr(start));
      break;
    }
    fields.emplace_back(payload.substr(start, end - start));
    start = end + 1;
  }
  return fields;
}

void FrameReader::feed(std::string_view bytes) {
  if (error_) return;
  buffer_.erase(0, consumed_);
  consumed_ = 0;
  buffer_ += bytes;
}

Result<std::optional<Fields>> FrameReader::next() {
  if (error_) return *error_;
  if (buffered() < kLengthPrefixSize) return std::optional<Fields>{};
  std::size_t length = 0;
  for (std::size_t i = 0; i < kLengthPrefixSize; ++i) {
    length = (length << 8) | static_cast<unsigned char>(buffer_[consumed_ + i]);
  }
  if (!is_valid_length(length)) {
    error_ = Error{ErrorCode::kMalformedResponse,
                   "TWS frame declares a payload of " + std::to_string(length) +
                       " bytes (allowed: " + length_range() + "); the stream is unusable",
                   {{"length", std::to_string(length)}}};
    return *error_;
  }
  if (buffered() < kLengthPrefixSize + length) return std::optional<Fields>{};
  Fields fields =
      split_fields(std::string_view(buffer_).substr(consumed_ + kLengthPrefixSize, length));
  consumed_ += kLengthPrefixSize + length;
  if (consumed_ == buffer_.size()) {
    buffer_.clear();
    consumed_ = 0;
  }
  return std::optional<Fields>{std::move(fields)};
}

}  // namespace ktrdr::data::tws
