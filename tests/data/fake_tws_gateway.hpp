// FakeTwsGateway: a loopback TWS / IB Gateway for the TwsClient tests (test-only; raw
// Boost.Asio). Binds 127.0.0.1 on a free port and serves on a thread of its own. It enforces the
// framing ("API\0", then length-prefixed frames), answers the version offer, requires startApi,
// sends managedAccounts, nextValidId and the farm notices, then answers reqContractDetails,
// reqHeadTimestamp and reqHistoricalData from a script, with faults to inject; it records every
// message it receives. Answers use the layouts of server versions 166-187. stop() (also run by
// the destructor) ends everything at once. Thread-safe.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "tws/tws_frame.hpp"
#include "tws/tws_responses.hpp"

namespace ktrdr::data::tws::testing {

// How the gateway answers the requests for one symbol.
struct FakeTwsAnswer {
  enum class Kind {
    kData,             // contract details, the head timestamp or generated bars
    kError,            // error `code` with `text`, for the request's id
    kSilence,          // no answer (a cancelHistoricalData then draws 162 "query cancelled")
    kDropMidResponse,  // the first half of the answer's frame, then the connection closes
    kMaxSizeFrame,     // an unknown message of exactly kMaxPayloadLength bytes, then the data
  };
  Kind kind = Kind::kData;
  int code = 0;
  std::string text;
  std::chrono::milliseconds delay{0};  // before answering (kData and kError)

  static FakeTwsAnswer error(int code, std::string text);
  static FakeTwsAnswer no_data();  // 162 "…HMDS query returned no data: …"
  static FakeTwsAnswer pacing();   // 162 "…Historical data request pacing violation"
  static FakeTwsAnswer of(Kind kind);
};

struct FakeTwsScript {
  enum class Handshake {
    kNormal,
    kSilent,         // never answers the version offer
    kRedirect,       // answers -version|redirect_to|, then closes
    kCloseAfterAck,  // acks, sends 326 (client id in use), then closes
  };
  enum class Writes {
    kFramePerWrite,  // one write per frame
    kByteByByte,     // one write per byte
    kCoalesced,      // all frames of one answer (or of the connect script) in one write
  };

  int server_version = 187;  // sent in the ack whatever the client offered
  std::string connection_time = "20250131 16:00:00 US/Eastern";
  Handshake handshake = Handshake::kNormal;
  std::string redirect_to;  // kRedirect: "host:port"
  std::string accounts = "DU1234567,DU7654321,";
  int next_valid_id = 1;
  bool farm_notices = true;  // 2104, 2106 and 2158 after nextValidId (IB Gateway omits them)
  Writes writes = Writes::kFramePerWrite;

  // By symbol; a symbol not listed is answered kData.
  std::map<std::string, FakeTwsAnswer> answers;
  // By symbol, for reqHistoricalData only, before `answers` (e.g. slow bars, quick lookups).
  std::map<std::string, FakeTwsAnswer> historical_answers;
  // reqContractDetails, kData: each listed contract's details (req_id is replaced), then
  // contractDataEnd; a symbol not listed draws 200 "No security definition". A request with no
  // symbol (a future by local symbol) is keyed by its local symbol, here and in `answers`.
  std::map<std::string, std::vector<TwsContractDetails>> contracts;
  // reqHeadTimestamp, kData: the timestamp as written ("345479400", "20220329  08:00:00").
  std::string head_timestamp = "345479400";
  // reqHistoricalData, kData: bars generated back from endDateTime ("" means `now`) over the
  // duration, one per bar size, round-the-clock: bar i (0 = oldest) has open 100 + i,
  // high open + 2, low open - 1, close open + 1, volume 1000 + i, wap open + 0.5, count 10 + i.
  // Bars of a day or longer are dated yyyymmdd, others in epoch seconds (formatDate 2) or
  // "yyyymmdd hh:mm:ss UTC". The header's start/end are "yyyymmdd-hh:mm:ss" (UTC), or, with
  // `zoneless_header_offset`, "yyyymmdd  hh:mm:ss" at that offset from UTC and no zone.
  std::chrono::sys_seconds now =
      std::chrono::sys_days{std::chrono::year{2025} / std::chrono::January / 31} +
      std::chrono::hours{21};
  std::optional<std::chrono::seconds> zoneless_header_offset;
  // cancelHistoricalData of a request still unanswered draws 162 "API historical data query
  // cancelled: <id>"; of any other, 366.
  bool answer_cancel = true;
};

class FakeTwsGateway {
 public:
  // Listens on `port` (0: a free one; a fixed port lets a test restart "the same" gateway).
  explicit FakeTwsGateway(FakeTwsScript script = {}, std::uint16_t port = 0);
  ~FakeTwsGateway();
  FakeTwsGateway(const FakeTwsGateway&) = delete;
  FakeTwsGateway& operator=(const FakeTwsGateway&) = delete;

  // Closes the listener and every connection, joins the thread; the port is free afterwards.
  // Idempotent.
  void stop();

  std::uint16_t port() const noexcept { return port_; }
  std::size_t connections() const;  // accepted so far

  // Every message received after "API\0", in order, over all connections: the version offer as
  // {"v100..187"}, then startApi and the requests as their fields.
  std::vector<Fields> received() const;
  // The first message received whose id (first field) is `id`, once it has arrived; nullopt
  // after `timeout` (a bound against hangs, far above what a loaded machine takes).
  std::optional<Fields> wait_for_message(
      const std::string& id, std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;
  // Waits until `count` messages whose id is `id` have arrived, or `timeout`; returns how many
  // have.
  std::size_t wait_for_count(const std::string& id, std::size_t count,
                             std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

 private:
  class Session;

  void do_accept();
  void record(Fields message);  // any thread

  const FakeTwsScript script_;
  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint16_t port_ = 0;
  std::vector<std::weak_ptr<Session>> sessions_;  // server thread, then stop()

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::size_t connections_ = 0;
  std::vector<Fields> received_;

  std::thread thread_;
  std::once_flag stopped_;
};

}  // namespace ktrdr::data::tws::testing
