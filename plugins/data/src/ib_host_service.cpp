#include "ib_host_service.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "historical_wire.hpp"
#include "ib_error.hpp"
#include "ib_pacer.hpp"
#include "provider_checks.hpp"

namespace ktrdr::data {
namespace {

std::optional<std::string> query_value(const ServerRequest& request, const std::string& name) {
  const auto it = request.query.find(name);
  if (it == request.query.end()) return std::nullopt;
  return it->second;
}

// The request's body as JSON, or IB 321 naming the body.
Result<Json> json_body(const ServerRequest& request) {
  auto body = request.json();
  if (body) return body;
  return make_ib_error(IbErrorKind::kInvalidRequest, body.error().message, {{"field", "body"}});
}

// The series a GET names with `?symbol=…&timeframe=…`, or IB 321 naming the bad field.
Result<std::pair<std::string, Timeframe>> series_query(const ServerRequest& request) {
  auto symbol = decode_symbol(query_value(request, "symbol"));
  if (!symbol) return std::move(symbol).error();
  const auto timeframe = decode_timeframe(query_value(request, "timeframe"));
  if (!timeframe) return timeframe.error();
  return std::pair{std::move(*symbol), *timeframe};
}

Json max_duration_days() {
  Json json = Json::object();
  for (const Timeframe timeframe : kAllTimeframes) {
    json.set(to_string(timeframe), ib_max_request_duration(timeframe).count());
  }
  return json;
}

// The token a provider call for one HTTP request runs under: cancelled when the service shuts
// down (`shutdown`) or the client of the request goes away (`client`), so a load cancelled at
// the client stops its request upstream too (e.g. IB's cancelHistoricalData).
class CallToken {
 public:
  CallToken(const CancellationToken& shutdown, const CancellationToken& client)
      : source_(CancellationSource::linked_to(shutdown)),
        client_gone_(client.on_cancel([source = source_] {
          source.cancel(CancelReason::kUser, "the client of the request went away");
        })) {}

  CancellationToken token() const { return source_.token(); }

 private:
  const CancellationSource source_;
  const CancellationRegistration client_gone_;
};

}  // namespace

struct IbHostService::State {
  State(std::shared_ptr<BarProvider> provider_in, std::unique_ptr<PacingClock> clock_in)
      : provider(std::move(provider_in)), clock(std::move(clock_in)) {}

  const std::shared_ptr<BarProvider> provider;
  const CancellationSource shutdown;

  std::mutex pacer_mutex;
  std::unique_ptr<PacingClock> clock;  // GUARDED_BY(pacer_mutex); moved into the pacer
  std::unique_ptr<IbPacer> pacer;      // GUARDED_BY(pacer_mutex)

  mutable std::mutex stats_mutex;
  std::uint64_t requests = 0;                   // GUARDED_BY(stats_mutex)
  std::uint64_t bars_served = 0;                // GUARDED_BY(stats_mutex)
  std::uint64_t pacing_violations = 0;          // GUARDED_BY(stats_mutex)
  std::map<std::string, std::uint64_t> errors;  // GUARDED_BY(stats_mutex)

  CancellationToken token() const { return shutdown.token(); }

  // The pacer of the provider's limits, made on first use.
  Result<IbPacer*> get_pacer() {
    std::lock_guard lock(pacer_mutex);
    if (!pacer) {
      auto limits = provider->pacing_limits(token());
      if (!limits) return std::move(limits).error();
      pacer = std::make_unique<IbPacer>(*limits, std::move(clock));
    }
    return pacer.get();
  }

  // Counts the error and answers it: IB errors with their status, others by their code.
  ServerResponse fail(const Error& error) {
    const auto kind = ib_error_kind(error);
    {
      std::lock_guard lock(stats_mutex);
      ++errors[std::string(kind ? to_string(*kind) : to_string(error.code))];
      if (kind == IbErrorKind::kPacingViolation) ++pacing_violations;
    }
    return kind ? ServerResponse::error(error, http_status(*kind)) : ServerResponse::error(error);
  }

  // Grants the request under the pacing limits, or refuses it at once with IB 162.
  Result<void> pace(const HistoricalRequest& request) {
    auto paced = get_pacer();
    if (!paced) return std::move(paced).error();
    IbPacer& limiter = **paced;
    const PacingKey key{request.symbol, request.timeframe, request.from, request.to};
    const auto earliest = limiter.try_acquire(key);
    if (!earliest) return {};
    const auto wait =
        std::chrono::ceil<std::chrono::milliseconds>(*earliest - limiter.clock().now());
    const std::string retry_after = std::to_string(std::max<std::int64_t>(wait.count(), 0));
    return make_ib_error(
        IbErrorKind::kPacingViolation,
        "a request for " + request.symbol + " " + std::string(to_string(request.timeframe)) +
            " now would break the provider's pacing limits; retry after " + retry_after + " ms",
        {{"retry_after_ms", retry_after}});
  }

  ServerResponse historical(const ServerRequest& http) {
    {
      std::lock_guard lock(stats_mutex);
      ++requests;
    }
    auto body = json_body(http);
    if (!body) return fail(body.error());
    auto request = decode_historical_request(*body);
    if (!request) return fail(request.error());
    if (auto valid = check_historical_request(*request); !valid) return fail(valid.error());
    if (auto paced = pace(*request); !paced) return fail(paced.error());
    const CallToken call(token(), http.cancelled);
    auto bars = provider->historical(*request, call.token());
    if (!bars) return fail(bars.error());
    {
      std::lock_guard lock(stats_mutex);
      bars_served += bars->size();
    }
    ServerResponse response;
    response.body = encode_historical_response(*request, *bars);
    return response;
  }

  ServerResponse validate(const ServerRequest& http) {
    auto body = json_body(http);
    if (!body) return fail(body.error());
    auto symbol = decode_symbol(body->get_string("symbol"));
    if (!symbol) return fail(symbol.error());
    std::optional<std::vector<Timeframe>> asked;
    if (body->has("timeframes")) {
      const Json names = body->at("timeframes");
      if (!names.is_array()) {
        return fail(make_ib_error(IbErrorKind::kInvalidRequest,
                                  "field \"timeframes\" is not an array",
                                  {{"field", "timeframes"}}));
      }
      asked.emplace();
      for (std::size_t i = 0; i < names.size(); ++i) {
        const Json name = names[i];
        auto timeframe = decode_timeframe(
            name.is_string() ? std::optional(name.as_string()) : std::nullopt, "timeframes");
        if (!timeframe) return fail(timeframe.error());
        asked->push_back(*timeframe);
      }
    }
    const CallToken call(token(), http.cancelled);
    auto contract = provider->contract(*symbol, call.token());
    if (!contract) return fail(contract.error());
    Json heads = Json::object();
    for (const Timeframe timeframe : asked ? *asked : contract->timeframes) {
      auto head = provider->head_timestamp(*symbol, timeframe, call.token());
      if (head) {
        heads.set(to_string(timeframe), format_wire_time(*head));
      } else if (ib_error_kind(head.error()) == IbErrorKind::kNoData) {
        heads.set(to_string(timeframe), Json());
      } else {
        return fail(head.error());
      }
    }
    Json response = Json::object();
    response.set("symbol", *symbol)
        .set("contract", contract->to_json())
        .set("head_timestamps", heads)
        .set("valid", true);
    return ServerResponse::json(response);
  }

  ServerResponse head_timestamp(const ServerRequest& http) {
    auto series = series_query(http);
    if (!series) return fail(series.error());
    const auto& [symbol, timeframe] = *series;
    const CallToken call(token(), http.cancelled);
    auto head = provider->head_timestamp(symbol, timeframe, call.token());
    if (!head) return fail(head.error());
    Json response = Json::object();
    response.set("symbol", symbol)
        .set("timeframe", to_string(timeframe))
        .set("head_timestamp", format_wire_time(*head));
    return ServerResponse::json(response);
  }

  ServerResponse source_report(const ServerRequest& http) {
    auto series = series_query(http);
    if (!series) return fail(series.error());
    const auto& [symbol, timeframe] = *series;
    const CallToken call(token(), http.cancelled);
    auto report = provider->source_report(symbol, timeframe, call.token());
    if (!report) return fail(report.error());
    Json response = Json::object();
    response.set("symbol", symbol)
        .set("timeframe", to_string(timeframe))
        .set("report", *report ? (*report)->to_json() : Json());
    return ServerResponse::json(response);
  }

  ServerResponse pacing() {
    auto paced = get_pacer();
    if (!paced) return fail(paced.error());
    Json response = Json::object();
    response.set("provider", provider->name())
        .set("pacing", pacing_limits_to_json((*paced)->limits()))
        .set("max_duration_days", max_duration_days());
    return ServerResponse::json(response);
  }

  Json stats() const {
    std::lock_guard lock(stats_mutex);
    Json by_reason = Json::object();
    for (const auto& [reason, count] : errors) by_reason.set(reason, count);
    Json json = Json::object();
    json.set("requests", requests)
        .set("bars_served", bars_served)
        .set("pacing_violations", pacing_violations)
        .set("errors", by_reason);
    return json;
  }

  std::uint64_t violations() const {
    std::lock_guard lock(stats_mutex);
    return pacing_violations;
  }
};

IbHostService::IbHostService(std::shared_ptr<BarProvider> provider,
                             std::unique_ptr<PacingClock> clock)
    : state_(std::make_shared<State>(std::move(provider), std::move(clock))) {}

IbHostService::~IbHostService() {
  state_->shutdown.cancel(CancelReason::kShutdown, "the IB host service is shutting down");
}

std::vector<RouteSpec> IbHostService::routes() const {
  const std::shared_ptr<State> state = state_;
  return {
      RouteSpec{.method = HttpMethod::kPost,
                .pattern = "/data/historical",
                .handler = [state](const ServerRequest& r) { return state->historical(r); }},
      RouteSpec{.method = HttpMethod::kPost,
                .pattern = "/data/validate",
                .handler = [state](const ServerRequest& r) { return state->validate(r); }},
      RouteSpec{.method = HttpMethod::kGet,
                .pattern = "/data/head-timestamp",
                .handler = [state](const ServerRequest& r) { return state->head_timestamp(r); }},
      RouteSpec{.method = HttpMethod::kGet,
                .pattern = "/data/source-report",
                .handler = [state](const ServerRequest& r) { return state->source_report(r); }},
      RouteSpec{.method = HttpMethod::kGet,
                .pattern = "/data/pacing",
                .handler = [state](const ServerRequest&) { return state->pacing(); }},
      RouteSpec{
          .method = HttpMethod::kGet,
          .pattern = "/data/stats",
          .handler = [state](const ServerRequest&) { return ServerResponse::json(state->stats()); },
          .quick = true},
  };
}

Json IbHostService::health() const {
  const Json provider_health = state_->provider->health();
  Json json = Json::object();
  json.set("ok", provider_health.get_bool("ok").value_or(false))
      .set("provider", state_->provider->name())
      .set("provider_health", provider_health)
      .set("pacing_violations", state_->violations());
  return json;
}

Json IbHostService::stats() const { return state_->stats(); }

}  // namespace ktrdr::data
