// Json: deep-copying wrapper over a RapidJSON document.
#include "ktrdr/sdk/json.hpp"

#include "json_number.hpp"

#include <rapidjson/encodedstream.h>
#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <type_traits>
#include <variant>

namespace ktrdr {
namespace {

constexpr double kInt64Limit = 9223372036854775808.0;  // 2^63, the first double past int64

// Builds a document from SAX events, reading number tokens itself (json_number) instead of
// RapidJSON's conversion; a number too large for a double stops the parse.
class DocumentBuilder {
 public:
  explicit DocumentBuilder(JsonDocument& document) : document_(document) {}

  bool too_large() const { return too_large_; }

  bool Null() { return document_.Null(); }
  bool Bool(bool value) { return document_.Bool(value); }
  bool Int(int value) { return document_.Int(value); }
  bool Uint(unsigned value) { return document_.Uint(value); }
  bool Int64(std::int64_t value) { return document_.Int64(value); }
  bool Uint64(std::uint64_t value) { return document_.Uint64(value); }
  bool Double(double value) { return document_.Double(value); }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool) {
    return std::visit(
        [this](auto number) {
          using Number = decltype(number);
          if constexpr (std::is_same_v<Number, json_number::TooLarge>) {
            too_large_ = true;
            return false;
          } else if constexpr (std::is_same_v<Number, double>) {
            return document_.Double(number);
          } else if constexpr (std::is_same_v<Number, std::int64_t>) {
            return document_.Int64(number);
          } else {
            return document_.Uint64(number);
          }
        },
        json_number::read({text, length}));
  }
  bool String(const char* text, rapidjson::SizeType length, bool copy) {
    return document_.String(text, length, copy);
  }
  bool Key(const char* text, rapidjson::SizeType length, bool copy) {
    return document_.Key(text, length, copy);
  }
  bool StartObject() { return document_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) { return document_.EndObject(members); }
  bool StartArray() { return document_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) { return document_.EndArray(elements); }

 private:
  JsonDocument& document_;
  bool too_large_ = false;
};

// The offset of the first '[' or '{' that opens a level deeper than `limit`, if any. Strings are
// skipped by JSON's own rule (they end at an unescaped quote), so up to the point where a parser
// would stop, this depth is the parser's depth.
std::optional<std::size_t> nesting_beyond(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return i;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return std::nullopt;
}

JsonValue make_string(std::string_view text, JsonDocument::AllocatorType& allocator) {
  return JsonValue(text.data(), static_cast<rapidjson::SizeType>(text.size()), allocator);
}

// A non-owning string value, for lookups.
JsonValue key_ref(std::string_view key) {
  return JsonValue(
      rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size())));
}

const JsonValue* find(const JsonDocument& doc, std::string_view key) {
  if (!doc.IsObject()) return nullptr;
  const auto it = doc.FindMember(key_ref(key));
  return it == doc.MemberEnd() ? nullptr : &it->value;
}

// An int64 for integers and for doubles with no fraction that fit; nullopt otherwise.
std::optional<std::int64_t> integral(const JsonValue& value) {
  if (value.IsInt64()) return value.GetInt64();
  if (value.IsDouble()) {
    const double d = value.GetDouble();
    if (std::trunc(d) == d && d >= -kInt64Limit && d < kInt64Limit) {
      return static_cast<std::int64_t>(d);
    }
  }
  return std::nullopt;
}

// JSON has no NaN or infinity; they become null.
JsonValue make_number(double value) {
  return std::isfinite(value) ? JsonValue(value) : JsonValue();
}

template <class Writer>
std::string write(const JsonDocument& doc) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  doc.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

Json::Json() = default;

Json::Json(const Json& other) { doc_.CopyFrom(other.doc_, doc_.GetAllocator()); }

Json& Json::operator=(const Json& other) {
  if (this != &other) *this = Json(other);
  return *this;
}

Json::Json(Json&& other) noexcept { doc_.Swap(other.doc_); }

Json& Json::operator=(Json&& other) noexcept {
  doc_.Swap(other.doc_);
  return *this;
}

Json Json::object() {
  Json json;
  json.doc_.SetObject();
  return json;
}

Json Json::array() {
  Json json;
  json.doc_.SetArray();
  return json;
}

Json Json::string(std::string_view value) {
  Json json;
  json.doc_.SetString(value.data(), static_cast<rapidjson::SizeType>(value.size()),
                      json.doc_.GetAllocator());
  return json;
}

Json Json::number(double value) {
  Json json;
  if (std::isfinite(value)) json.doc_.SetDouble(value);
  return json;
}

Json Json::integer(std::int64_t value) {
  Json json;
  json.doc_.SetInt64(value);
  return json;
}

Json Json::boolean(bool value) {
  Json json;
  json.doc_.SetBool(value);
  return json;
}

Json Json::string_array(const std::vector<std::string>& values) {
  Json json = array();
  auto& allocator = json.doc_.GetAllocator();
  for (const auto& value : values) json.doc_.PushBack(make_string(value, allocator), allocator);
  return json;
}

Result<Json> Json::parse(std::string_view text) {
  if (auto deep = nesting_beyond(text, kMaxDepth)) {
    const auto offset = std::to_string(*deep);
    return Error::parse("invalid JSON at offset " + offset + ": nested deeper than " +
                            std::to_string(kMaxDepth) + " levels",
                        {{"offset", offset}});
  }
  Json json;
  rapidjson::Reader reader;
  rapidjson::MemoryStream bytes(text.data(), text.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> stream(bytes);
  bool too_large = false;
  auto generate = [&](JsonDocument& document) {
    DocumentBuilder builder(document);
    const bool parsed = reader.Parse<rapidjson::kParseNumbersAsStringsFlag>(stream, builder);
    too_large = builder.too_large();
    return parsed;
  };
  json.doc_.Populate(generate);
  if (reader.HasParseError()) {
    const auto offset = std::to_string(reader.GetErrorOffset());
    // RapidJSON refuses some tokens itself before the builder sees them (1e400, and also 0e400).
    const bool number_too_big =
        too_large || reader.GetParseErrorCode() == rapidjson::kParseErrorNumberTooBig;
    const std::string reason = number_too_big
                                   ? "a number is too large for a double"
                                   : rapidjson::GetParseError_En(reader.GetParseErrorCode());
    json.doc_.SetNull();
    return Error::parse("invalid JSON at offset " + offset + ": " + reason, {{"offset", offset}});
  }
  return json;
}

Json Json::from_value(const JsonValue& value) {
  Json json;
  json.doc_.CopyFrom(value, json.doc_.GetAllocator());
  return json;
}

Json& Json::set_value(std::string_view key, JsonValue&& value) {
  if (!doc_.IsObject()) doc_.SetObject();
  auto& allocator = doc_.GetAllocator();
  if (auto it = doc_.FindMember(key_ref(key)); it != doc_.MemberEnd()) {
    it->value = value;  // RapidJSON's assignment moves
  } else {
    auto name = make_string(key, allocator);
    doc_.AddMember(name, value, allocator);
  }
  return *this;
}

Json& Json::set(std::string_view key, const Json& value) {
  return set_value(key, JsonValue(value.doc_, doc_.GetAllocator()));
}

Json& Json::set(std::string_view key, std::string_view value) {
  return set_value(key, make_string(value, doc_.GetAllocator()));
}

Json& Json::set(std::string_view key, bool value) {
  return set_value(key, JsonValue(value));
}

Json& Json::set(std::string_view key, double value) { return set_value(key, make_number(value)); }

Json& Json::set_int(std::string_view key, std::int64_t value) {
  return set_value(key, JsonValue(static_cast<int64_t>(value)));
}

Json& Json::set_uint(std::string_view key, std::uint64_t value) {
  return set_value(key, JsonValue(static_cast<uint64_t>(value)));
}

Json& Json::set(std::string_view key, const std::vector<std::string>& values) {
  return set(key, string_array(values));
}

bool Json::erase(std::string_view key) {
  if (!doc_.IsObject()) return false;
  const auto it = doc_.FindMember(key_ref(key));
  if (it == doc_.MemberEnd()) return false;
  doc_.EraseMember(it);
  return true;
}

Json& Json::merge(const Json& other) {
  if (!other.doc_.IsObject()) return *this;
  for (const auto& member : other.doc_.GetObject()) {
    set_value(std::string_view(member.name.GetString(), member.name.GetStringLength()),
              JsonValue(member.value, doc_.GetAllocator()));
  }
  return *this;
}

bool Json::has(std::string_view key) const { return find(doc_, key) != nullptr; }

Json Json::at(std::string_view key) const {
  const auto* value = find(doc_, key);
  return value ? from_value(*value) : Json();
}

std::optional<std::string> Json::get_string(std::string_view key) const {
  const auto* value = find(doc_, key);
  if (!value || !value->IsString()) return std::nullopt;
  return std::string(value->GetString(), value->GetStringLength());
}

std::optional<std::int64_t> Json::get_int(std::string_view key) const {
  const auto* value = find(doc_, key);
  return value ? integral(*value) : std::nullopt;
}

std::optional<double> Json::get_number(std::string_view key) const {
  const auto* value = find(doc_, key);
  if (!value || !value->IsNumber()) return std::nullopt;
  return value->GetDouble();
}

std::optional<bool> Json::get_bool(std::string_view key) const {
  const auto* value = find(doc_, key);
  if (!value || !value->IsBool()) return std::nullopt;
  return value->GetBool();
}

std::vector<std::string> Json::keys() const {
  std::vector<std::string> names;
  if (!doc_.IsObject()) return names;
  names.reserve(doc_.MemberCount());
  for (const auto& member : doc_.GetObject()) {
    names.emplace_back(member.name.GetString(), member.name.GetStringLength());
  }
  return names;
}

Json& Json::push_back(const Json& value) {
  if (!doc_.IsArray()) doc_.SetArray();
  auto& allocator = doc_.GetAllocator();
  doc_.PushBack(JsonValue(value.doc_, allocator), allocator);
  return *this;
}

std::size_t Json::size() const {
  if (doc_.IsObject()) return doc_.MemberCount();
  if (doc_.IsArray()) return doc_.Size();
  return 0;
}

Json Json::operator[](std::size_t index) const {
  if (!doc_.IsArray() || index >= doc_.Size()) return Json();
  return from_value(doc_[static_cast<rapidjson::SizeType>(index)]);
}

std::string Json::as_string() const {
  return doc_.IsString() ? std::string(doc_.GetString(), doc_.GetStringLength()) : std::string();
}

std::int64_t Json::as_int() const {
  if (doc_.IsInt64()) return doc_.GetInt64();
  if (doc_.IsUint64()) return std::numeric_limits<std::int64_t>::max();  // beyond int64
  if (doc_.IsDouble()) {
    const double d = doc_.GetDouble();
    if (d >= kInt64Limit) return std::numeric_limits<std::int64_t>::max();
    if (d < -kInt64Limit) return std::numeric_limits<std::int64_t>::min();
    return static_cast<std::int64_t>(d);
  }
  return 0;
}

double Json::as_number() const { return doc_.IsNumber() ? doc_.GetDouble() : 0.0; }

bool Json::as_bool() const { return doc_.IsBool() && doc_.GetBool(); }

std::vector<std::string> Json::as_string_array() const {
  std::vector<std::string> values;
  if (!doc_.IsArray()) return values;
  for (const auto& element : doc_.GetArray()) {
    if (element.IsString()) values.emplace_back(element.GetString(), element.GetStringLength());
  }
  return values;
}

std::string Json::dump() const { return write<rapidjson::Writer<rapidjson::StringBuffer>>(doc_); }

std::string Json::dump_pretty() const {
  return write<rapidjson::PrettyWriter<rapidjson::StringBuffer>>(doc_);
}

}  // namespace ktrdr
