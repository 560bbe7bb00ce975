#include "provider_check.hpp"

#include <chrono>
#include <string>

#include "data_config.hpp"
#include "ktrdr/sdk/time_format.hpp"
#include "load_request.hpp"

namespace ktrdr::data {

ParamSchema ProviderCheck::schema(const DataConfig& config) {
  ParamSchema schema;
  schema.add({.name = "provider",
              .default_value = Json::string(config.provider),
              .description = "the provider to check",
              .choices = DataConfig::provider_names()});
  schema.add({.name = "symbol",
              .default_value = Json::string("AAPL"),
              .description = "a symbol to look up (contract and head timestamp)",
              .pattern = kSymbolPattern,
              .pattern_description = kSymbolDescription});
  schema.add({.name = "timeframe",
              .default_value = Json::string("1h"),
              .description = "the bar size of the head timestamp",
              .choices = timeframe_names()});
  return schema;
}

Json ProviderCheck::run(OperationContext& context, const DataConfig& config) {
  const Json& params = context.params();
  const std::string name = params.get_string("provider").value_or(config.provider);
  const std::string symbol = params.get_string("symbol").value_or("AAPL");
  const Timeframe timeframe =
      parse_timeframe(params.get_string("timeframe").value_or("1h")).value_or_throw();
  const CancellationToken& token = context.token();
  const auto fail_with = [&](Error error, const Json& found) -> Json {
    context.set_partial_result(found);
    throw ErrorException(std::move(error));
  };

  auto provider = config.make_provider(name).value_or_throw();
  Json result = Json::object();
  result.set("provider", name);
  result.set("symbol", symbol);
  result.set("timeframe", std::string(to_string(timeframe)));
  const Json health = provider->health();
  result.set("health", health);
  if (!health.get_bool("ok").value_or(false)) {
    std::string why = health.get_string("last_disconnect").value_or("");
    if (health.at("last_error").is_object()) {
      why += (why.empty() ? "" : "; ") + std::string("last error ") +
             health.at("last_error").at("code").dump() + " " +
             health.at("last_error").get_string("text").value_or("");
    }
    return fail_with(Error::unavailable(
                         "provider " + name + " is not reachable" + (why.empty() ? "" : ": " + why),
                         {{"provider", name}}),
                     result);
  }
  auto contract = provider->contract(symbol, token);
  if (!contract) return fail_with(std::move(contract).error(), result);
  result.set("contract", contract->to_json());
  auto head = provider->head_timestamp(symbol, timeframe, token);
  if (!head) return fail_with(std::move(head).error(), result);
  result.set("head_timestamp", to_iso8601(*head));
  return result;
}

}  // namespace ktrdr::data
