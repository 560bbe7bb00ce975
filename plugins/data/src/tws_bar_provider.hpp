// TwsBarProvider ("tws"): bars from Interactive Brokers through TWS or IB Gateway, over the
// socket API client (tws/tws_client.hpp). Symbols become IB contracts by instrument — stocks
// STK/SMART/USD with TRADES, forex CASH/IDEALPRO with MIDPOINT, crypto CRYPTO/PAXOS/USD with
// AGGTRADES (IB's crypto trades), futures by local symbol ("ESZ5") with TRADES — resolved to a
// conId once and cached. Declares IB's pacing limits, which the loader enforces before each
// request. Connects on first use, so a service starts while the Gateway is down. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "bar_provider.hpp"
#include "tws/tws_client.hpp"

namespace ktrdr::data {

struct TwsProviderOptions {
  tws::TwsClientOptions client;
  // Regular trading hours only (IB's useRTH); false: every bar IB has, as KTRDR loads them.
  bool use_rth = false;
};

// The IB contract and the data type (whatToShow) a symbol is asked with.
struct TwsSeriesSpec {
  tws::TwsContract contract;
  std::string what_to_show;
};

// The contract and data type for `symbol` as its instrument (infer_instrument) wants them:
// AAPL → STK AAPL SMART USD, TRADES; EURUSD → CASH EUR IDEALPRO USD, MIDPOINT; BTCUSD (or
// BTCUSDT, BTC-USD) → CRYPTO BTC PAXOS USD, AGGTRADES.
TwsSeriesSpec tws_series_spec(std::string_view symbol, Instrument instrument);

// IB's bar size setting ("1 hour") and a duration string covering `span` for `timeframe`
// ("30 D"; weeks for 4h bars, years for weekly bars, as IB's step-size tables allow).
std::string tws_bar_size(Timeframe timeframe);
std::string tws_duration(Timeframe timeframe, std::chrono::seconds span);

class TwsBarProvider final : public BarProvider {
 public:
  explicit TwsBarProvider(TwsProviderOptions options);

  std::string name() const override { return "tws"; }
  // IB's (PacingLimits::interactive_brokers()).
  Result<PacingLimits> pacing_limits(const CancellationToken& token) override;
  // contractDetails of tws_series_spec(symbol): IB 200 when IB has none; the description names
  // IB's long name, conId and exchange.
  Result<ContractInfo> contract(std::string_view symbol, const CancellationToken& token) override;
  Result<std::chrono::sys_seconds> head_timestamp(std::string_view symbol, Timeframe timeframe,
                                                  const CancellationToken& token) override;
  // One reqHistoricalData ending at request.to (UTC), after the IB checks (bar_provider.hpp);
  // the bars IB returns outside [from, to) are dropped; none left is IB 162.
  Result<BarSeries> historical(const HistoricalRequest& request,
                               const CancellationToken& token) override;
  // {"ok": connected, "source": "tws", …TwsConnectionState::to_json}; tries to connect when not
  // connected yet.
  Json health() override;

 private:
  // The connected client, connecting first when there is none.
  Result<std::shared_ptr<tws::TwsClient>> client(const CancellationToken& token);
  // A symbol as IB knows it: its spec (with the conId) and contract details, and its instrument.
  struct Resolved {
    TwsSeriesSpec spec;
    tws::TwsContractDetails details;
    Instrument instrument = Instrument::kStock;
  };
  // Asks IB for the contract of tws_series_spec(symbol, infer_instrument(symbol)) — the first IB
  // returns — or, for a would-be stock IB does not know that reads like a futures local symbol
  // ("ESZ5"), for that future; once per symbol, then cached.
  Result<Resolved> resolve(std::string_view symbol, const CancellationToken& token);

  const TwsProviderOptions options_;
  std::mutex mutex_;  // guards client_ and resolved_
  std::shared_ptr<tws::TwsClient> client_;
  std::map<std::string, Resolved, std::less<>> resolved_;
};

}  // namespace ktrdr::data
