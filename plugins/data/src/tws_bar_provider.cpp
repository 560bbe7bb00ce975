#include "tws_bar_provider.hpp"

#include <algorithm>
#include <regex>
#include <utility>

#include "ib_error.hpp"
#include "provider_checks.hpp"
#include "tws/tws_time.hpp"

namespace ktrdr::data {
namespace {

using std::chrono::days;
using std::chrono::seconds;

// Whole units of `unit` covering `span`, at least one.
long long units(seconds span, seconds unit) {
  return std::max<long long>(1, (span.count() + unit.count() - 1) / unit.count());
}

// An IB futures local symbol: a root of 1-4 letters, a month code and a one- or two-digit year
// ("ESZ5", "NQH26", "CLF6").
bool looks_like_future(std::string_view symbol) {
  static const std::regex kLocalSymbol("[A-Z]{1,4}[FGHJKMNQUVXZ][0-9]{1,2}");
  return std::regex_match(symbol.begin(), symbol.end(), kLocalSymbol);
}

}  // namespace

TwsSeriesSpec tws_series_spec(std::string_view symbol, Instrument instrument) {
  TwsSeriesSpec spec;
  tws::TwsContract& c = spec.contract;
  switch (instrument) {
    case Instrument::kStock:
      c = {
          .symbol = std::string(symbol), .sec_type = "STK", .exchange = "SMART", .currency = "USD"};
      spec.what_to_show = "TRADES";
      break;
    case Instrument::kForex:
      c = {.symbol = std::string(symbol.substr(0, 3)),
           .sec_type = "CASH",
           .exchange = "IDEALPRO",
           .currency = std::string(symbol.substr(3, 3))};
      spec.what_to_show = "MIDPOINT";
      break;
    case Instrument::kCrypto:
      c = {.symbol = crypto_base(symbol),
           .sec_type = "CRYPTO",
           .exchange = "PAXOS",
           .currency = "USD"};
      spec.what_to_show = "AGGTRADES";
      break;
    case Instrument::kFuture:
      c = {.sec_type = "FUT", .local_symbol = std::string(symbol)};
      spec.what_to_show = "TRADES";
      break;
  }
  return spec;
}

std::string tws_bar_size(Timeframe timeframe) {
  switch (timeframe) {
    case Timeframe::k1m:
      return "1 min";
    case Timeframe::k5m:
      return "5 mins";
    case Timeframe::k15m:
      return "15 mins";
    case Timeframe::k30m:
      return "30 mins";
    case Timeframe::k1h:
      return "1 hour";
    case Timeframe::k4h:
      return "4 hours";
    case Timeframe::k1d:
      return "1 day";
    case Timeframe::k1w:
      return "1 week";
  }
  return "1 hour";
}

std::string tws_duration(Timeframe timeframe, seconds span) {
  switch (timeframe) {
    case Timeframe::k4h:
      return std::to_string(units(span, std::chrono::weeks(1))) + " W";
    case Timeframe::k1w:
      return std::to_string(units(span, days(365))) + " Y";
    default:
      return std::to_string(units(span, days(1))) + " D";
  }
}

TwsBarProvider::TwsBarProvider(TwsProviderOptions options) : options_(std::move(options)) {}

Result<PacingLimits> TwsBarProvider::pacing_limits(const CancellationToken&) {
  return PacingLimits::interactive_brokers();
}

Result<std::shared_ptr<tws::TwsClient>> TwsBarProvider::client(const CancellationToken& token) {
  std::lock_guard lock(mutex_);
  if (!client_) {
    auto made = tws::TwsClient::connect(options_.client, token);
    if (!made) return std::move(made).error();
    client_ = std::move(made).value();
  }
  return client_;
}

Result<TwsBarProvider::Resolved> TwsBarProvider::resolve(std::string_view symbol,
                                                         const CancellationToken& token) {
  if (auto valid = validate_symbol(symbol); !valid) return std::move(valid).error();
  {
    std::lock_guard lock(mutex_);
    if (const auto found = resolved_.find(symbol); found != resolved_.end()) return found->second;
  }
  auto connected = client(token);
  if (!connected) return std::move(connected).error();
  const auto look_up = [&](Instrument instrument) -> Result<Resolved> {
    TwsSeriesSpec spec = tws_series_spec(symbol, instrument);
    auto found = (*connected)->contract_details(spec.contract, token);
    if (!found) return std::move(found).error();
    if (found->empty()) {
      return make_ib_error(
          IbErrorKind::kNoSecurityDefinition,
          "IB has no " + spec.contract.sec_type + " contract for " + std::string(symbol),
          {{"symbol", std::string(symbol)}});
    }
    spec.contract.con_id = found->front().contract.con_id;
    return Resolved{std::move(spec), found->front(), instrument};
  };
  const Instrument inferred = infer_instrument(symbol);
  auto made = look_up(inferred);
  if (!made && inferred == Instrument::kStock && looks_like_future(symbol) &&
      ib_error_kind(made.error()) == IbErrorKind::kNoSecurityDefinition) {
    made = look_up(Instrument::kFuture);
  }
  if (!made) return std::move(made).error();
  std::lock_guard lock(mutex_);
  return resolved_.emplace(std::string(symbol), std::move(made).value()).first->second;
}

Result<ContractInfo> TwsBarProvider::contract(std::string_view symbol,
                                              const CancellationToken& token) {
  auto found = resolve(symbol, token);
  if (!found) return std::move(found).error();
  const tws::TwsContractDetails& details = found->details;
  return ContractInfo{
      .symbol = std::string(symbol),
      .instrument = found->instrument,
      .description = details.long_name + " (IB conId " + std::to_string(details.contract.con_id) +
                     ", " + details.contract.exchange + ")",
      .timeframes = std::vector<Timeframe>(kAllTimeframes.begin(), kAllTimeframes.end())};
}

Result<std::chrono::sys_seconds> TwsBarProvider::head_timestamp(std::string_view symbol, Timeframe,
                                                                const CancellationToken& token) {
  auto found = resolve(symbol, token);
  if (!found) return std::move(found).error();
  auto connected = client(token);
  if (!connected) return std::move(connected).error();
  return (*connected)
      ->head_timestamp(found->spec.contract, found->spec.what_to_show, options_.use_rth, token);
}

Result<BarSeries> TwsBarProvider::historical(const HistoricalRequest& request,
                                             const CancellationToken& token) {
  if (auto valid = check_historical_request(request); !valid) return std::move(valid).error();
  auto found = resolve(request.symbol, token);
  if (!found) return std::move(found).error();
  const TwsSeriesSpec* spec = &found->spec;
  auto connected = client(token);
  if (!connected) return std::move(connected).error();
  auto answer =
      (*connected)
          ->historical_data({.contract = spec->contract,
                             .end_date_time = tws::format_end_date_time(request.to),
                             .bar_size = tws_bar_size(request.timeframe),
                             .duration = tws_duration(request.timeframe, request.to - request.from),
                             .use_rth = options_.use_rth,
                             .what_to_show = spec->what_to_show},
                            token);
  if (!answer) return std::move(answer).error();
  BarSeries bars(request.symbol, request.timeframe);
  for (const tws::TwsBar& bar : answer->bars) {
    if (bar.time < request.from || bar.time >= request.to) continue;
    bars.append({bar.time, bar.open, bar.high, bar.low, bar.close, std::max(bar.volume, 0.0)});
  }
  if (bars.empty()) return no_bars_in_range(request, "IB (" + spec->what_to_show + ")");
  return bars;
}

Json TwsBarProvider::health() {
  const CancellationToken never;
  Json json = Json::object();
  auto connected = client(never);
  tws::TwsConnectionState state;
  if (connected) state = (*connected)->state();
  if (!connected) state.last_disconnect = connected.error().message;
  json.set("ok", state.connected);
  json.set("source", "tws");
  const Json details = state.to_json(options_.client);
  for (const std::string& key : details.keys()) json.set(key, details.at(key));
  return json;
}

}  // namespace ktrdr::data
