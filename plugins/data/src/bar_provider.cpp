#include "bar_provider.hpp"

namespace ktrdr::data {
namespace {

Error malformed(std::string_view field, std::string_view why) {
  Error error;
  error.code = ErrorCode::kMalformedResponse;
  error.message = "contract info: field \"" + std::string(field) + "\" " + std::string(why);
  error.with("field", std::string(field));
  return error;
}

}  // namespace

Result<std::optional<SourceReport>> BarProvider::source_report(std::string_view, Timeframe,
                                                               const CancellationToken&) {
  return std::optional<SourceReport>();
}

Json ContractInfo::to_json() const {
  std::vector<std::string> names;
  names.reserve(timeframes.size());
  for (const Timeframe tf : timeframes) names.emplace_back(to_string(tf));
  Json json = Json::object();
  json.set("symbol", symbol)
      .set("instrument", to_string(instrument))
      .set("description", description)
      .set("timeframes", names);
  return json;
}

Result<ContractInfo> ContractInfo::from_json(const Json& json) {
  ContractInfo info;
  auto symbol = json.get_string("symbol");
  if (!symbol) return malformed("symbol", "is missing");
  info.symbol = std::move(*symbol);
  const auto instrument = parse_instrument(json.get_string("instrument").value_or(""));
  if (!instrument) return malformed("instrument", "is not stock, forex, crypto or future");
  info.instrument = *instrument;
  info.description = json.get_string("description").value_or("");
  for (const std::string& name : json.at("timeframes").as_string_array()) {
    const auto tf = parse_timeframe(name);
    if (!tf) return malformed("timeframes", "holds an unknown timeframe \"" + name + "\"");
    info.timeframes.push_back(*tf);
  }
  return info;
}

}  // namespace ktrdr::data
