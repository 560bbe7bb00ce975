// TwsClient: one connection to TWS or IB Gateway over the socket API (tws_frame, tws_requests,
// tws_responses): the handshake, startApi and readiness, then blocking requests — contract
// details, head timestamps, historical bars — each matched to its answer by request id, each
// cancellable and time-limited, with TWS's errors mapped to the data domain's (ib_error.hpp).
// Reconnects after a dropped connection, with backoff. Thread-safe: requests may run from
// several threads at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ktrdr/sdk/cancellation_token.hpp"
#include "ktrdr/sdk/json.hpp"
#include "ktrdr/sdk/result.hpp"
#include "tws/tws_contract.hpp"
#include "tws/tws_requests.hpp"
#include "tws/tws_responses.hpp"

namespace ktrdr::data::tws {

struct TwsClientOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4002;  // IB Gateway paper; 4001 Gateway live, 7497 TWS paper, 7496 live
  int client_id = 1;
  // Connect, handshake and readiness (nextValidId and managedAccounts) must complete within it.
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  // An answer (all of it) must arrive within it once a request is sent.
  std::chrono::milliseconds request_timeout = std::chrono::seconds(60);
  // After a dropped connection, reconnect attempts wait this long, doubling up to the maximum;
  // 0 disables reconnecting.
  std::chrono::milliseconds reconnect_initial_backoff = std::chrono::seconds(1);
  std::chrono::milliseconds reconnect_max_backoff = std::chrono::seconds(60);
  // " +PACEAPI"-style connect options sent after the version offer ("" for none).
  std::string connect_options;
};

// What /health and `ktrdr ib check` report.
struct TwsConnectionState {
  bool connected = false;  // ready: handshake done, nextValidId and managedAccounts received
  int server_version = 0;
  std::string connection_time;         // as TWS wrote it
  std::vector<std::string> accounts;   // managedAccounts
  std::optional<TwsError> last_error;  // the last error or notice TWS sent (any request id)
  std::string last_disconnect;         // why the last connection ended, "" if it never did
  std::uint64_t reconnects = 0;        // connections made after the first

  // {"connected", "server_version", "connection_time", "accounts", "last_error": {code, text,
  //  req_id} | null, "last_disconnect", "reconnects", "host", "port", "client_id"}.
  Json to_json(const TwsClientOptions& options) const;
};

class TwsClient {
 public:
  // Connects, sends the handshake offering kMinServerVersion..kMaxServerVersion, follows one
  // redirect, sends startApi and waits until TWS has sent nextValidId and managedAccounts.
  // Errors: kConnectionRefused naming host:port when nothing listens ("IB 502: couldn't connect
  // to TWS"); kTimeout when the server is silent past connect_timeout; kMalformedResponse for a
  // server version outside the offered range or a broken frame; kUnavailable when TWS closes
  // the socket before readiness (e.g. client id already in use: "IB 326") or redirects a second
  // time; kInvalidArgument when connect_options is not printable ASCII; kCancelled.
  [[nodiscard]] static Result<std::unique_ptr<TwsClient>> connect(TwsClientOptions options,
                                                                  const CancellationToken& token);
  // Disconnects (closes the socket: the API has no goodbye), fails pending requests cancelled
  // and waits for those calls to return; a reconnect backoff does not delay it.
  ~TwsClient();
  TwsClient(const TwsClient&) = delete;
  TwsClient& operator=(const TwsClient&) = delete;

  TwsConnectionState state() const;
  const TwsClientOptions& options() const noexcept;

  // reqContractDetails → every contractData until contractDataEnd (one per matching contract).
  [[nodiscard]] Result<std::vector<TwsContractDetails>> contract_details(
      const TwsContract& contract, const CancellationToken& token);

  // reqHeadTimestamp (formatDate 2), then cancelHeadTimestamp once answered, as IB asks.
  [[nodiscard]] Result<std::chrono::sys_seconds> head_timestamp(const TwsContract& contract,
                                                                std::string_view what_to_show,
                                                                bool use_rth,
                                                                const CancellationToken& token);

  // reqHistoricalData with a request id of the client's own (request.req_id is ignored).
  // Cancelling `token` while it is in flight sends cancelHistoricalData and returns kCancelled.
  [[nodiscard]] Result<TwsHistoricalData> historical_data(TwsHistoricalDataRequest request,
                                                          const CancellationToken& token);

  // Errors of the three requests, by TWS code: 162 "query returned no data" → IB no data;
  // 162 "pacing violation" → IB pacing violation (transient); other 162 texts and 366 → IB
  // invalid request carrying the text; 200 → IB no security definition; 321 → IB invalid
  // request; 322 (50 simultaneous historical requests) → kUnavailable (transient: retried);
  // 354, 10167, 10168 (market data not subscribed) → kForbidden with context
  // {"ib_code"}; an unknown code → kInternal carrying {"ib_code"} and TWS's text. Every mapped
  // error also carries {"tws_code"} (the code TWS sent: 366 where "ib_code" says 321), "req_id"
  // and "request". A request sent while not connected, or in flight when the connection drops or
  // TWS reports 1100 (connectivity lost), fails kUnavailable ("IB 504: not connected"), which the
  // data loader retries; after 1100, requests fail so at once until TWS reports 1101 or 1102.
  // 2104/2106/2158 and other 21xx notices, and 165, are informational: kept as last_error only,
  // also when they carry a request's id (2174). No answer within request_timeout: kTimeout (the
  // request is cancelled at TWS; TWS's 162 "query cancelled" or 366 that follows is ignored).

 private:
  class Impl;
  explicit TwsClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ktrdr::data::tws
