// Fuzz target: the TWS API protocol layer of the data plugin (plugins/data/src/tws/: tws_frame,
// tws_responses and tws_time, compiled into the target), fed what TWS would send on one socket.
// The input starts with a small header, then the byte stream:
//   byte 0      the negotiated server version: 100 + byte % 88 (kMinServerVersion to
//               kMaxServerVersion, 100-187);
//   byte 1      the zone TWS's clock runs in (zone-less times are read in it): one of kZones;
//   byte 2      k = byte % 8, the number of chunk sizes that follow (0: the stream arrives whole);
//   k bytes     the chunk sizes, 1 + byte each (1-256), used in turn until the stream is fed.
// The stream goes through a FrameReader in those chunks, every message being drained as soon as
// it is complete; each message then goes through message_id, parse_connect_ack and every
// message's parser (at the header's version), and each field through parse_tws_time.
//
// Beyond "no crash, hang, leak or undefined behaviour", the target checks what the headers
// promise, aborting (a crash libFuzzer records) when one does not hold:
//   - FrameReader yields the messages of the stream, however it is split, exactly as the stream
//     read whole would; a frame declaring 0 or more than kMaxPayloadLength bytes is a
//     kMalformedResponse naming that length, returned again by every later call;
//   - split_fields loses no byte: its fields, joined, are the payload again;
//   - a parser that fails returns kMalformedResponse whose message names the message
//     ("historicalData (17): …"), the field by IB's name and the value at fault (or that the
//     message is truncated before the field), with context message_id, field, value (and bar);
//     a message that is not the parser's is refused on field "msgId"; a parser that succeeds was
//     given at least the fields its layout has at that version;
//   - parse_tws_time returns a time within the supported range, or kParse / kInvalidArgument
//     with the text as context "value".
#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/result.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "ktrdr/sdk/time_zone.hpp"
#include "tws/tws_frame.hpp"
#include "tws/tws_responses.hpp"
#include "tws/tws_time.hpp"
#include "tws/tws_versions.hpp"

namespace {

using ktrdr::Error;
using ktrdr::ErrorCode;
using ktrdr::Result;
using ktrdr::TimeZone;
using ktrdr::data::tws::escape_bytes;
using ktrdr::data::tws::Fields;
using ktrdr::data::tws::IncomingMessage;
using ktrdr::data::tws::to_string;
namespace tws = ktrdr::data::tws;

constexpr std::size_t kHeaderSize = 3;
constexpr std::size_t kMaxChunkSizes = 8;
constexpr std::array<std::string_view, 5> kZones = {"UTC", "America/New_York", "Europe/London",
                                                    "Australia/Lord_Howe", "Asia/Kolkata"};

std::string printable(const Fields& message) {
  std::string out;
  for (const std::string& field : message) out += escape_bytes(field) + "|";
  return out;
}

// Aborts, reporting what broke, on which message, and the error at hand when there is one.
[[noreturn]] void broken(const std::string& what, const Fields& message,
                         const Error* error = nullptr) {
  std::fprintf(stderr, "tws_frames fuzzer: %s\n  message: %s\n", what.c_str(),
               printable(message).c_str());
  if (error) {
    std::fprintf(stderr, "  error (code %d): %s\n", static_cast<int>(error->code),
                 escape_bytes(error->message).c_str());
    for (const auto& [key, value] : error->context) {
      std::fprintf(stderr, "    %s = %s\n", key.c_str(), escape_bytes(value).c_str());
    }
  }
  std::abort();
}

const TimeZone& zone_at(std::size_t index) {
  static const std::vector<TimeZone> zones = [] {
    std::vector<TimeZone> all;
    for (const std::string_view name : kZones) {
      Result<TimeZone> zone = TimeZone::named(name);
      if (!zone.ok()) {
        std::fprintf(stderr, "tws_frames fuzzer: %s\n", zone.error().message.c_str());
        std::abort();
      }
      all.push_back(*zone);
    }
    return all;
  }();
  return zones[index % zones.size()];
}


bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// What tws_responses.hpp promises of a failed parse of `message` by the parser of `id`.
void check_parse_error(const Error& error, IncomingMessage id, const Fields& message,
                       std::optional<int> read_id) {
  const std::string id_text = std::to_string(static_cast<int>(id));
  const std::string name = std::string(to_string(id)) + " (" + id_text + ")";
  if (error.code != ErrorCode::kMalformedResponse) {
    broken(name + " failed with a code other than kMalformedResponse", message, &error);
  }
  if (!error.message.starts_with(name + ": ")) {
    broken(name + " failed with a message that does not name it", message, &error);
  }
  if (error.get("message_id") != id_text) {
    broken(name + " failed without message_id " + id_text + " in its context", message, &error);
  }
  const std::optional<std::string> field = error.get("field");
  if (!field || field->empty() || !contains(error.message, "\"" + *field + "\"")) {
    broken(name + " failed without naming the field in its message and context", message, &error);
  }
  const std::optional<std::string> value = error.get("value");
  if (error.message.starts_with(name + ": truncated before field \"" + *field + "\"")) {
    if (value) broken(name + " failed on truncation with a value", message, &error);
  } else if (!value || !contains(error.message, "\"" + *value + "\"")) {
    broken(name + " failed without naming the value in its message and context", message, &error);
  }
  if (const std::optional<std::string> bar = error.get("bar")) {
    if (!contains(error.message, " of bar " + *bar)) {
      broken(name + " failed with a bar in its context, not in its message", message, &error);
    }
  }
  // A message that is not the parser's is refused at its first field.
  if ((!read_id || *read_id != static_cast<int>(id)) && field != "msgId") {
    broken(name + " refused another message on a field other than msgId", message, &error);
  }
}

// Runs the parser of `id` (`parse` returns its Result) on `message`: a failure must keep the
// promises above; a success needs the message to be the parser's and to hold `min_fields`.
template <class Parse>
void check_parser(IncomingMessage id, const Fields& message, std::optional<int> read_id,
                  std::size_t min_fields, Parse parse) {
  const auto result = parse();
  if (!result.ok()) return check_parse_error(result.error(), id, message, read_id);
  const std::string name = std::string(to_string(id));
  if (!read_id || *read_id != static_cast<int>(id)) {
    broken(name + " accepted a message that is not one", message);
  }
  if (message.size() < min_fields) {
    broken(name + " accepted a message of " + std::to_string(message.size()) +
               " fields, fewer than the " + std::to_string(min_fields) + " of its layout",
           message);
  }
}

// The fields contractData's layout has up to liquidHours at `version` (tws_responses.hpp).
std::size_t contract_data_fields(int version) {
  std::size_t fields = 28;
  if (version < tws::kVersionSizeRules) ++fields;  // version
  if (version >= tws::kVersionLastTradeDate) ++fields;
  if (version >= tws::kVersionMdSizeMultiplier && version < tws::kVersionSizeRules) ++fields;
  return fields;
}

void check_time(std::string_view text, const TimeZone& zone, const Fields& message) {
  const Result<std::chrono::sys_seconds> time = tws::parse_tws_time(text, zone);
  if (time.ok()) {
    if (!ktrdr::is_supported_time(*time)) {
      broken("parse_tws_time(\"" + escape_bytes(text) + "\") is outside the supported range",
             message);
    }
    return;
  }
  const Error& error = time.error();
  if (error.code != ErrorCode::kParse && error.code != ErrorCode::kInvalidArgument) {
    broken("parse_tws_time(\"" + escape_bytes(text) + "\") failed with another code", message,
           &error);
  }
  if (error.get("value") != text) {
    broken("parse_tws_time(\"" + escape_bytes(text) + "\") failed without the text as its value",
           message, &error);
  }
}

void check_message(const Fields& message, int version, const TimeZone& zone) {
  // The id, as any message's.
  std::optional<int> read_id;
  const Result<int> id = tws::message_id(message);
  if (id.ok()) {
    read_id = *id;
    if (message.empty()) broken("message_id read an id from no fields", message);
  } else if (id.error().code != ErrorCode::kMalformedResponse ||
             !id.error().message.starts_with("TWS message: ") ||
             id.error().get("field") != "msgId") {
    broken("message_id failed without kMalformedResponse on field msgId", message, &id.error());
  }

  // The connect ack: any two-field message may be one.
  const Result<std::optional<tws::TwsConnectAck>> ack = tws::parse_connect_ack(message);
  if (!ack.ok()) {
    const Error& error = ack.error();
    const std::optional<std::string> field = error.get("field");
    if (error.code != ErrorCode::kMalformedResponse ||
        !error.message.starts_with("connect ack: ") ||
        (field != "serverVersion" && field != "host:port") || !error.get("value")) {
      broken("connect ack failed without kMalformedResponse naming its field and value", message,
             &error);
    }
    if (message.size() != 2) broken("connect ack refused a message not of two fields", message);
  } else if (message.size() != 2) {
    if (ack->has_value()) broken("connect ack read from a message not of two fields", message);
  } else if (!ack->has_value()) {
    broken("connect ack not read from a two-field message", message);
  } else if ((*ack)->redirect.empty() && ((*ack)->server_version < tws::kMinServerVersion ||
                                          (*ack)->server_version > tws::kMaxServerVersion)) {
    broken("connect ack accepted a version outside the offer", message);
  }

  // Every parser, the message's own and the others (which must refuse it).
  check_parser(IncomingMessage::kError, message, read_id,
               version >= tws::kVersionAdvancedOrderReject ? 6 : 5,
               [&] { return tws::parse_error(message, version); });
  check_parser(IncomingMessage::kNextValidId, message, read_id, 3,
               [&] { return tws::parse_next_valid_id(message); });
  check_parser(IncomingMessage::kContractData, message, read_id, contract_data_fields(version),
               [&] { return tws::parse_contract_data(message, version); });
  check_parser(IncomingMessage::kContractDataEnd, message, read_id, 3,
               [&] { return tws::parse_contract_data_end(message); });
  check_parser(IncomingMessage::kManagedAccounts, message, read_id, 3, [&] {
    Result<std::vector<std::string>> accounts = tws::parse_managed_accounts(message);
    if (accounts.ok()) {
      for (const std::string& account : *accounts) {
        if (account.empty() || contains(account, ",")) {
          broken("managedAccounts read an empty or joined account", message);
        }
      }
    }
    return accounts;
  });
  check_parser(IncomingMessage::kHeadTimestamp, message, read_id, 3, [&] {
    Result<tws::TwsHeadTimestamp> head = tws::parse_head_timestamp(message, zone);
    if (head.ok() && !ktrdr::is_supported_time(head->time)) {
      broken("headTimestamp read a time outside the supported range", message);
    }
    return head;
  });
  const bool old_bars = version < tws::kVersionSyntRealtimeBars;
  const std::size_t header_fields = old_bars ? 6 : 5;
  check_parser(IncomingMessage::kHistoricalData, message, read_id, header_fields, [&] {
    Result<tws::TwsHistoricalData> data = tws::parse_historical_data(message, version, zone);
    if (data.ok()) {
      const std::size_t per_bar = old_bars ? 9 : 8;
      if (message.size() != header_fields + data->bars.size() * per_bar) {
        broken("historicalData's bars do not account for all its fields", message);
      }
      if (std::stoll(message[header_fields - 1]) != static_cast<long long>(data->bars.size())) {
        broken("historicalData read a number of bars other than itemCount", message);
      }
      for (const tws::TwsBar& bar : data->bars) {
        if (!ktrdr::is_supported_time(bar.time)) {
          broken("historicalData read a bar time outside the supported range", message);
        }
      }
    }
    return data;
  });

  // Any field may be a time.
  for (const std::string& field : message) check_time(field, zone, message);
}

// The messages of `stream` read whole, as FrameReader must yield them however it is split; and
// the invalid length that stops it, if any.
struct Expected {
  std::vector<std::string_view> payloads;
  std::optional<std::size_t> bad_length;
  std::size_t left = 0;  // bytes of an incomplete frame at the end
};

Expected read_whole(std::string_view stream) {
  Expected expected;
  std::size_t pos = 0;
  while (stream.size() - pos >= tws::kLengthPrefixSize) {
    std::size_t length = 0;
    for (std::size_t i = 0; i < tws::kLengthPrefixSize; ++i) {
      length = (length << 8) | static_cast<unsigned char>(stream[pos + i]);
    }
    if (length == 0 || length > tws::kMaxPayloadLength) {
      expected.bad_length = length;
      break;
    }
    if (stream.size() - pos - tws::kLengthPrefixSize < length) break;
    expected.payloads.push_back(stream.substr(pos + tws::kLengthPrefixSize, length));
    pos += tws::kLengthPrefixSize + length;
  }
  expected.left = stream.size() - pos;
  return expected;
}

// split_fields(payload), checked to hold every byte but the separators: joined again, the fields
// are the payload.
Fields split_checked(std::string_view payload) {
  Fields fields = tws::split_fields(payload);
  std::string joined;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (contains(fields[i], std::string_view("\0", 1))) {
      broken("split_fields kept a NUL in a field", fields);
    }
    if (i > 0) joined += '\0';
    joined += fields[i];
  }
  if (!payload.empty() && payload.back() == '\0') joined += '\0';
  if (joined != payload)
    broken("split_fields lost bytes of \"" + escape_bytes(payload) + "\"", fields);
  return fields;
}

void check_frame_error(const Error& error, std::size_t length) {
  if (error.code != ErrorCode::kMalformedResponse ||
      error.get("length") != std::to_string(length) ||
      !contains(error.message, std::to_string(length))) {
    broken(
        "FrameReader failed without kMalformedResponse naming the length " + std::to_string(length),
        {}, &error);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < kHeaderSize) return 0;
  const int version =
      tws::kMinServerVersion + data[0] % (tws::kMaxServerVersion - tws::kMinServerVersion + 1);
  const TimeZone& zone = zone_at(data[1]);
  const std::size_t chunk_count =
      std::min<std::size_t>(data[2] % kMaxChunkSizes, size - kHeaderSize);
  std::vector<std::size_t> chunks;
  for (std::size_t i = 0; i < chunk_count; ++i) chunks.push_back(data[kHeaderSize + i] + 1u);
  const std::size_t stream_at = kHeaderSize + chunk_count;
  const std::string_view stream(reinterpret_cast<const char*>(data) + stream_at, size - stream_at);
  if (chunks.empty()) chunks.push_back(std::max<std::size_t>(stream.size(), 1));

  const Expected expected = read_whole(stream);
  std::size_t read = 0;  // messages yielded so far
  std::optional<Error> failure;
  tws::FrameReader reader;
  std::size_t fed = 0;
  for (std::size_t chunk = 0; fed < stream.size(); ++chunk) {
    const std::string_view bytes = stream.substr(fed, chunks[chunk % chunks.size()]);
    fed += bytes.size();
    const std::size_t buffered_before = reader.buffered();
    reader.feed(bytes);
    if (failure) {
      if (reader.buffered() != buffered_before) {
        broken("a failed FrameReader took more bytes", {}, &*failure);
      }
    } else if (reader.buffered() != buffered_before + bytes.size()) {
      broken("FrameReader lost bytes it was fed", {});
    }
    while (true) {
      Result<std::optional<Fields>> next = reader.next();
      if (!next.ok()) {
        if (!expected.bad_length) broken("FrameReader failed on a valid stream", {}, &next.error());
        check_frame_error(next.error(), *expected.bad_length);
        if (failure && next.error().message != failure->message) {
          broken("a failed FrameReader changed its error", {}, &next.error());
        }
        failure = next.error();
        break;
      }
      if (!next->has_value()) break;
      if (read == expected.payloads.size())
        broken("FrameReader yielded a message too many", **next);
      const Fields whole = split_checked(expected.payloads[read]);
      if (**next != whole) broken("FrameReader yielded another message than the stream's", **next);
      ++read;
      check_message(**next, version, zone);
    }
  }
  if (read != expected.payloads.size()) {
    broken("FrameReader yielded " + std::to_string(read) + " of the stream's " +
               std::to_string(expected.payloads.size()) + " messages",
           {});
  }
  if (expected.bad_length && !failure) broken("FrameReader read past an invalid length", {});
  if (failure) {
    const Result<std::optional<Fields>> again = reader.next();
    if (again.ok() || again.error().message != failure->message) {
      broken("a failed FrameReader did not fail again", {}, &*failure);
    }
  }
  if (!expected.bad_length && reader.buffered() != expected.left) {
    broken("FrameReader holds " + std::to_string(reader.buffered()) + " bytes, not the " +
               std::to_string(expected.left) + " of the incomplete frame",
           {});
  }
  return 0;
}
