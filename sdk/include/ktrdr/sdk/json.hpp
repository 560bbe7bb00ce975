// Json: a copyable JSON value on top of RapidJSON, for progress context, params, results and
// records. Copies are deep. Thread-compatible (const access from many threads is safe).
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "ktrdr/sdk/result.hpp"

namespace ktrdr {

// RapidJSON with malloc-backed values: a small Json costs what it holds, not the 64 KiB chunk
// of RapidJSON's default pool allocator (records and progress states hold several Json each).
using JsonDocument = rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::CrtAllocator>;
using JsonValue = JsonDocument::ValueType;

class Json {
 public:
  Json();  // null
  static Json object();
  static Json array();
  static Json string(std::string_view value);
  static Json number(double value);
  static Json integer(std::int64_t value);
  static Json boolean(bool value);
  static Json string_array(const std::vector<std::string>& values);
  // Parses text; the error names the byte offset and RapidJSON's reason. Text nested deeper than
  // kMaxDepth arrays/objects is refused before parsing (parsing, copying and freeing a value all
  // recurse, so unbounded nesting from a peer would overflow the stack).
  static constexpr std::size_t kMaxDepth = 256;
  static Result<Json> parse(std::string_view text);

  Json(const Json& other);
  Json& operator=(const Json& other);
  // Moves leave `other` a usable Json (null, or this one's old value), unlike a moved-from
  // JsonDocument, which has no allocator.
  Json(Json&& other) noexcept;
  Json& operator=(Json&& other) noexcept;
  ~Json() = default;

  bool is_null() const { return doc_.IsNull(); }
  bool is_object() const { return doc_.IsObject(); }
  bool is_array() const { return doc_.IsArray(); }
  bool is_string() const { return doc_.IsString(); }
  bool is_number() const { return doc_.IsNumber(); }
  bool is_integer() const { return doc_.IsInt64() || doc_.IsUint64(); }
  bool is_bool() const { return doc_.IsBool(); }

  // Object members. set() turns a null value into an object first.
  Json& set(std::string_view key, const Json& value);
  Json& set(std::string_view key, std::string_view value);
  Json& set(std::string_view key, const char* value) { return set(key, std::string_view(value)); }
  Json& set(std::string_view key, const std::string& value) {
    return set(key, std::string_view(value));
  }
  Json& set(std::string_view key, bool value);
  Json& set(std::string_view key, double value);
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  Json& set(std::string_view key, T value) {
    if constexpr (std::is_signed_v<T>) {
      return set_int(key, static_cast<std::int64_t>(value));
    } else {
      return set_uint(key, static_cast<std::uint64_t>(value));
    }
  }
  Json& set(std::string_view key, const std::vector<std::string>& values);
  bool erase(std::string_view key);
  // Copies every member of `other` (an object) into this object, replacing existing keys.
  Json& merge(const Json& other);

  bool has(std::string_view key) const;
  Json at(std::string_view key) const;  // null when absent
  std::optional<std::string> get_string(std::string_view key) const;
  std::optional<std::int64_t> get_int(std::string_view key) const;
  std::optional<double> get_number(std::string_view key) const;
  std::optional<bool> get_bool(std::string_view key) const;
  std::vector<std::string> keys() const;

  // Arrays.
  Json& push_back(const Json& value);
  std::size_t size() const;  // members of an object, elements of an array, else 0
  Json operator[](std::size_t index) const;

  // Scalars.
  std::string as_string() const;  // "" unless a string
  std::int64_t as_int() const;    // 0 unless an integer (doubles are truncated)
  double as_number() const;       // 0 unless a number
  bool as_bool() const;           // false unless a bool
  std::vector<std::string> as_string_array() const;  // the string elements of an array

  std::string dump() const;         // compact
  std::string dump_pretty() const;  // indented, for people

  bool operator==(const Json& other) const { return doc_ == other.doc_; }

  // Full RapidJSON access for code that needs it (allocator for in-place building, fast reads).
  JsonDocument& doc() { return doc_; }
  const JsonDocument& doc() const { return doc_; }
  static Json from_value(const JsonValue& value);

 private:
  Json& set_int(std::string_view key, std::int64_t value);
  Json& set_uint(std::string_view key, std::uint64_t value);
  Json& set_value(std::string_view key, JsonValue&& value);

  JsonDocument doc_;
};

}  // namespace ktrdr
