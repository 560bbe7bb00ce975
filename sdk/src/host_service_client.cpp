// HostServiceClient: the operations API over AsyncServiceAdapter.
#include "ktrdr/sdk/host_service_client.hpp"

#include <cctype>
#include <optional>
#include <utility>

namespace ktrdr {
namespace {

std::string operations_path(std::string_view suffix = {}) {
  return std::string(kOperationsApiPrefix) + "/operations" + std::string(suffix);
}

Result<OperationRecord> record_of(Result<Json> response) {
  if (!response.ok()) return std::move(response).error();
  return OperationRecord::from_json(*response);
}

// Percent-encodes a query value.
std::string encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<HostServiceClient>> HostServiceClient::create(std::string_view base_url,
                                                                     AdapterOptions options) {
  auto adapter = AsyncServiceAdapter::create(base_url, std::move(options));
  if (!adapter.ok()) return std::move(adapter).error();
  return std::make_unique<HostServiceClient>(std::move(*adapter));
}

HostServiceClient::HostServiceClient(std::unique_ptr<AsyncServiceAdapter> adapter)
    : adapter_(std::move(adapter)) {}

Result<OperationRecord> HostServiceClient::start(std::string_view kind, const Json& params,
                                                 std::string_view name,
                                                 const CancellationToken& token) {
  Json body = Json::object();
  body.set("kind", kind).set("params", params).set("name", name);
  return record_of(adapter_->post_json(operations_path(), body, token));
}

Result<OperationRecord> HostServiceClient::get(std::string_view id,
                                               const CancellationToken& token) {
  return record_of(adapter_->get_json(operations_path("/" + encode(id)), token));
}

Result<HostServiceClient::Page> HostServiceClient::list(const OperationFilter& filter,
                                                        const CancellationToken& token) {
  std::string target = operations_path("?limit=" + std::to_string(filter.limit) +
                                       "&offset=" + std::to_string(filter.offset));
  if (filter.state) target += "&status=" + std::string(to_string(*filter.state));
  if (filter.kind) target += "&kind=" + encode(*filter.kind);
  auto response = adapter_->get_json(target, token);
  if (!response.ok()) return std::move(response).error();
  Page page;
  page.total = static_cast<std::size_t>(response->get_int("total").value_or(0));
  const Json operations = response->at("operations");
  for (std::size_t i = 0; i < operations.size(); ++i) {
    auto record = OperationRecord::from_json(operations[i]);
    if (!record.ok()) return std::move(record).error();
    page.operations.push_back(std::move(*record));
  }
  return page;
}

Result<OperationRecord> HostServiceClient::cancel(std::string_view id,
                                                  const CancellationToken& token) {
  return record_of(adapter_->delete_json(operations_path("/" + encode(id)), token));
}

Result<void> HostServiceClient::watch(std::string_view id,
                                      const std::function<bool(const OperationRecord&)>& on_record,
                                      const CancellationToken& token) {
  std::optional<Error> bad_line;
  auto streamed = adapter_->stream_lines(
      operations_path("/" + encode(id) + "/events"),
      [&](std::string_view line) {
        auto json = Json::parse(line);
        if (json.ok() && !json->has("id") && json->at("error").is_object()) {
          // Not a record: the service could not stream this operation.
          bad_line = Error::from_json(json->at("error"));
          return false;
        }
        auto record = json.ok() ? OperationRecord::from_json(*json)
                                : Result<OperationRecord>(std::move(json).error());
        if (!record.ok()) {
          bad_line = Error{ErrorCode::kMalformedResponse,
                           adapter_->options().service_name + ": a bad operation event: " +
                               record.error().message,
                           {{"url", adapter_->url().to_string()}}};
          return false;
        }
        return on_record(*record) && !is_terminal(record->state);
      },
      token);
  if (bad_line) return *std::move(bad_line);
  return streamed;
}

Result<Json> HostServiceClient::health(const CancellationToken& token) {
  return adapter_->get_json(std::string(kOperationsApiPrefix) + "/health", token);
}

}  // namespace ktrdr
