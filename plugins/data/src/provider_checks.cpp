#include "provider_checks.hpp"

#include <string>

#include "ib_error.hpp"
#include "ktrdr/sdk/time_format.hpp"

namespace ktrdr::data {
namespace {

std::string describe(const HistoricalRequest& request) {
  return request.symbol + " " + std::string(to_string(request.timeframe)) + " [" +
         to_iso8601(request.from) + ", " + to_iso8601(request.to) + ")";
}

Error::Context request_context(const HistoricalRequest& request) {
  return {{"symbol", request.symbol},
          {"timeframe", std::string(to_string(request.timeframe))},
          {"from", to_iso8601(request.from)},
          {"to", to_iso8601(request.to)}};
}

}  // namespace

Result<void> check_historical_request(const HistoricalRequest& request) {
  if (auto valid = validate_symbol(request.symbol); !valid) return std::move(valid).error();
  if (request.from >= request.to) {
    return make_ib_error(IbErrorKind::kInvalidRequest,
                         "empty range " + describe(request) + ": from must be before to",
                         request_context(request));
  }
  const std::chrono::days limit = ib_max_request_duration(request.timeframe);
  if (request.to - request.from > limit) {
    Error::Context context = request_context(request);
    context.emplace_back("max_days", std::to_string(limit.count()));
    return make_ib_error(IbErrorKind::kInvalidRequest,
                         "range " + describe(request) + " is longer than the " +
                             std::to_string(limit.count()) + " days IB serves per " +
                             std::string(to_string(request.timeframe)) + " request",
                         std::move(context));
  }
  return {};
}

Error no_bars_in_range(const HistoricalRequest& request, std::string_view source) {
  Error::Context context = request_context(request);
  context.emplace_back("source", std::string(source));
  return make_ib_error(IbErrorKind::kNoData,
                       "no bars for " + describe(request) + " in " + std::string(source),
                       std::move(context));
}

Error provider_cancelled(std::string_view provider, std::string_view what,
                         const CancellationToken& token) {
  return Error::cancelled(std::string(provider) + ": " + std::string(what) + " cancelled",
                          {{"provider", std::string(provider)}, {"reason", token.reason_text()}});
}

}  // namespace ktrdr::data
