// TwsClient: the connection (one io_context thread per client, which owns the socket and reads,
// writes, handshakes and reconnects) and the blocking requests (callers' threads, each waiting on
// a condition variable for its answer). State shared between the two sides is under mutex_;
// link_, backoff_ and the I/O objects belong to the io thread alone.
#include "tws/tws_client.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cctype>
#include <charconv>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>
#include <utility>

#include "ib_error.hpp"
#include "ktrdr/sdk/time_zone.hpp"
#include "tws/tws_time.hpp"
#include "tws/tws_versions.hpp"

namespace ktrdr::data::tws {
namespace {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using std::chrono::milliseconds;
using std::chrono::steady_clock;
using std::chrono::sys_seconds;

// Acknowledgements of historical cancels (162/366) awaited at most; older ids are forgotten.
constexpr std::size_t kMaxCancelledIds = 1024;
// Bytes read from the socket at a time.
constexpr std::size_t kReadChunk = 64 * 1024;

enum class RequestKind { kContractDetails, kHeadTimestamp, kHistoricalData };

std::string_view request_name(RequestKind kind) noexcept {
  switch (kind) {
    case RequestKind::kContractDetails:
      return "reqContractDetails";
    case RequestKind::kHeadTimestamp:
      return "reqHeadTimestamp";
    case RequestKind::kHistoricalData:
      return "reqHistoricalData";
  }
  return "request";
}

std::optional<int> to_int(std::string_view text) {
  int value = 0;
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(text.data(), last, value);
  if (text.empty() || ec != std::errc{} || end != last) return std::nullopt;
  return value;
}

bool contains_ignoring_case(std::string_view text, std::string_view part) {
  const auto lower = [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  };
  return std::search(text.begin(), text.end(), part.begin(), part.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != text.end();
}

// Now plus `timeout`, saturated well inside steady_clock's range (milliseconds::max() is "never").
steady_clock::time_point after(milliseconds timeout) {
  constexpr milliseconds kLongest = std::chrono::hours(24 * 365 * 50);
  return steady_clock::now() + std::clamp(timeout, milliseconds::zero(), kLongest);
}

// 21xx farm notices, 165 (HMDS query message), 1101/1102 (connectivity restored): never errors.
bool is_informational(int code) noexcept {
  return (code >= 2100 && code <= 2199) || code == 165 || code == 1101 || code == 1102;
}

// The zone TWS's clock runs in, from the connection time of its ack ("20250131 16:00:00
// US/Eastern" → US/Eastern): the text after the date and the time; UTC when there is none or
// resolve_tws_zone does not know it.
Result<TimeZone> connection_zone(std::string_view connection_time) {
  std::size_t pos = connection_time.find(' ');  // after the date
  if (pos != std::string_view::npos) pos = connection_time.find_first_not_of(' ', pos);
  if (pos != std::string_view::npos) pos = connection_time.find(' ', pos);  // after the time
  if (pos != std::string_view::npos) pos = connection_time.find_first_not_of(' ', pos);
  if (pos != std::string_view::npos) {
    std::string_view name = connection_time.substr(pos);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    if (Result<TimeZone> zone = resolve_tws_zone(name); zone.ok()) return zone;
  }
  return TimeZone::named("UTC");
}

// The request id a response to a request carries, read without parsing the rest, so a message
// that fails to parse can still fail its request.
std::optional<int> response_req_id(const Fields& message, IncomingMessage id, int server_version) {
  std::size_t index = 1;
  switch (id) {
    case IncomingMessage::kContractData:
      index = server_version < kVersionSizeRules ? 2 : 1;
      break;
    case IncomingMessage::kHistoricalData:
      index = server_version < kVersionSyntRealtimeBars ? 2 : 1;
      break;
    case IncomingMessage::kContractDataEnd:
      index = 2;
      break;
    default:
      break;
  }
  if (message.size() <= index) return std::nullopt;
  return to_int(message[index]);
}

// A TWS error for one request as the data domain's Error (see the header's table).
Error map_request_error(const TwsError& error, std::string_view request, const std::string& where) {
  const std::string code = std::to_string(error.code);
  // "ib_code" is the IB kind's code (162, 200, 321) where there is a kind; "tws_code" is always
  // the code TWS sent (366 maps to invalid request, 321).
  Error::Context context{{"req_id", std::to_string(error.req_id)},
                         {"request", std::string(request)},
                         {"tws", where},
                         {"tws_code", code}};
  switch (error.code) {
    case 162:
      if (contains_ignoring_case(error.text, "pacing violation")) {
        return make_ib_error(IbErrorKind::kPacingViolation, error.text, std::move(context));
      }
      if (contains_ignoring_case(error.text, "returned no data")) {
        return make_ib_error(IbErrorKind::kNoData, error.text, std::move(context));
      }
      return make_ib_error(IbErrorKind::kInvalidRequest, error.text, std::move(context));
    case 366:
      return make_ib_error(IbErrorKind::kInvalidRequest, "IB 366: " + error.text,
                           std::move(context));
    case 200:
      return make_ib_error(IbErrorKind::kNoSecurityDefinition, error.text, std::move(context));
    case 321:
      return make_ib_error(IbErrorKind::kInvalidRequest, error.text, std::move(context));
    case 322: {  // "Only 50 simultaneous API historical data requests": retry later
      Error busy = Error::unavailable("IB error 322: " + error.text, std::move(context));
      busy.with("ib_code", code);
      return busy;
    }
    case 354:
    case 10167:
    case 10168: {
      Error forbidden =
          Error::forbidden("IB error " + code + ": " + error.text, std::move(context));
      forbidden.with("ib_code", code);
      return forbidden;
    }
    default: {
      Error internal = Error::internal("IB error " + code + " for " + std::string(request) + " " +
                                           std::to_string(error.req_id) + ": " + error.text,
                                       std::move(context));
      internal.with("ib_code", code);
      internal.with("ib_text", error.text);
      return internal;
    }
  }
}

}  // namespace

Json TwsConnectionState::to_json(const TwsClientOptions& options) const {
  Json json = Json::object();
  json.set("connected", connected);
  json.set("server_version", server_version);
  json.set("connection_time", connection_time);
  json.set("accounts", accounts);
  if (last_error) {
    Json error = Json::object();
    error.set("code", last_error->code);
    error.set("text", last_error->text);
    error.set("req_id", last_error->req_id);
    json.set("last_error", error);
  } else {
    json.set("last_error", Json());
  }
  json.set("last_disconnect", last_disconnect);
  json.set("reconnects", reconnects);
  json.set("host", options.host);
  json.set("port", options.port);
  json.set("client_id", options.client_id);
  return json;
}

class TwsClient::Impl {
 public:
  explicit Impl(TwsClientOptions options);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  // The first connection: blocks until ready or failed.
  Result<void> connect(const CancellationToken& token);

  TwsConnectionState state() const {
    std::lock_guard lock(mutex_);
    return state_;
  }
  const TwsClientOptions& options() const noexcept { return options_; }

  Result<std::vector<TwsContractDetails>> contract_details(const TwsContract& contract,
                                                           const CancellationToken& token);
  Result<sys_seconds> head_timestamp(const TwsContract& contract, std::string_view what_to_show,
                                     bool use_rth, const CancellationToken& token);
  Result<TwsHistoricalData> historical_data(TwsHistoricalDataRequest request,
                                            const CancellationToken& token);

 private:
  // One TCP connection or connection attempt; the io thread's alone.
  struct Link {
    enum class Phase { kConnecting, kAwaitingAck, kAwaitingReady, kReady, kClosed };
    explicit Link(net::io_context& io) : socket(io), resolver(io), deadline(io) {}

    std::string where() const { return host + ":" + std::to_string(port); }

    tcp::socket socket;
    tcp::resolver resolver;
    net::steady_timer deadline;  // connect_timeout, until ready
    std::string host;
    std::uint16_t port = 0;
    bool initial = false;     // the connection connect() waits for (not a reconnect)
    bool redirected = false;  // reached through a redirect (a second one is refused)
    steady_clock::time_point deadline_at{};
    Phase phase = Phase::kConnecting;
    std::array<char, kReadChunk> buffer{};
    FrameReader reader;
    std::deque<std::string> writes;  // the front one is being written while `writing`
    bool writing = false;
    // From the ack and the connect script.
    int server_version = 0;
    std::string connection_time;
    std::optional<TimeZone> zone;
    std::vector<std::string> accounts;
    bool have_accounts = false;
    bool have_next_id = false;
    std::optional<TwsError> handshake_error;  // what TWS said before readiness (e.g. 326)
    std::uint64_t generation = 0;             // set when ready
  };

  // One request in flight; guarded by mutex_.
  struct Pending {
    RequestKind kind = RequestKind::kContractDetails;
    int req_id = 0;
    bool done = false;
    std::optional<Error> error;
    std::vector<TwsContractDetails> details;
    std::optional<sys_seconds> head;
    std::optional<TwsHistoricalData> bars;
  };

  using Builder = std::function<Result<Fields>(int server_version, int req_id)>;

  std::string where() const { return options_.host + ":" + std::to_string(options_.port); }
  Error::Context where_context() const {
    return {{"host", options_.host}, {"port", std::to_string(options_.port)}};
  }

  // Caller side.
  Result<std::shared_ptr<Pending>> execute(RequestKind kind, const Builder& build,
                                           const CancellationToken& token);
  std::optional<Error> refusal_locked(RequestKind kind) const;
  void abandon_locked(Pending& pending, std::uint64_t generation, Error error);
  void fail_all_locked(const Error& error);
  void send(std::uint64_t generation, std::string bytes);

  // io thread.
  void start_attempt(std::string host, std::uint16_t port, bool initial,
                     steady_clock::time_point deadline_at, bool redirected);
  void start_read(const std::shared_ptr<Link>& link);
  void on_read(const std::shared_ptr<Link>& link, boost::system::error_code ec, std::size_t size);
  void handle_handshake(const std::shared_ptr<Link>& link, const Fields& message);
  void handle_message(const std::shared_ptr<Link>& link, const Fields& message);
  void handle_error(const std::shared_ptr<Link>& link, const TwsError& error);
  void write(const std::shared_ptr<Link>& link, std::string bytes);
  void write_next(const std::shared_ptr<Link>& link);
  void link_failed(std::shared_ptr<Link> link, Error error);
  void attempt_failed(std::shared_ptr<Link> link, Error error);
  void attempt_succeeded(const std::shared_ptr<Link>& link);
  void connection_lost(std::shared_ptr<Link> link, const std::string& reason);
  void schedule_reconnect();
  void close(Link& link);
  // Completes the request `req_id` (when one is in flight) by `complete`, which returns whether
  // the request is done.
  void update_pending(int req_id, const std::function<bool(Pending&)>& complete);

  const TwsClientOptions options_;
  std::string handshake_;  // "API\0" and the version offer

  net::io_context io_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  // io thread only.
  net::steady_timer backoff_timer_;
  milliseconds backoff_;
  std::shared_ptr<Link> link_;  // the current connection or attempt

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  TwsConnectionState state_;
  std::uint64_t generation_ = 0;    // counts ready connections; the current one's number
  bool connectivity_lost_ = false;  // TWS reported 1100, and neither 1101 nor 1102 since
  bool stopping_ = false;
  int active_calls_ = 0;
  int next_req_id_ = 1;
  std::map<int, std::shared_ptr<Pending>> pending_;
  std::set<int> cancelled_;  // cancelled at TWS: their 162 "query cancelled" / 366 is ignored
  bool connect_done_ = false;
  std::optional<Error> connect_error_;

  std::thread thread_;
};

TwsClient::Impl::Impl(TwsClientOptions options)
    : options_(std::move(options)),
      work_(net::make_work_guard(io_)),
      backoff_timer_(io_),
      backoff_(options_.reconnect_initial_backoff) {
  thread_ = std::thread([this] { io_.run(); });
}

TwsClient::Impl::~Impl() {
  {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    fail_all_locked(
        Error::cancelled("the TWS client for " + where() + " was closed", where_context()));
    changed_.wait(lock, [&] { return active_calls_ == 0; });
  }
  // Stops the io thread at once, backoff waits included; the socket closes with link_ and the
  // handlers io_ still holds.
  io_.stop();
  thread_.join();
}

Result<void> TwsClient::Impl::connect(const CancellationToken& token) {
  Result<std::string> handshake =
      encode_handshake(kMinServerVersion, kMaxServerVersion, options_.connect_options);
  if (!handshake.ok()) return std::move(handshake).error();
  handshake_ = std::move(*handshake);
  if (token.is_cancelled()) {
    return Error::cancelled("connecting to TWS at " + where() + " was cancelled", where_context());
  }
  const auto deadline_at = after(options_.connect_timeout);
  net::post(io_, [this, deadline_at] {
    start_attempt(options_.host, options_.port, /*initial=*/true, deadline_at,
                  /*redirected=*/false);
  });
  CancellationRegistration registration = token.on_cancel([this, token] {
    Error error =
        Error::cancelled("connecting to TWS at " + where() + " was cancelled", where_context());
    error.with("reason", std::string(to_string(token.reason())));
    net::post(io_, [this, error = std::move(error)] {
      if (link_ && link_->initial && link_->phase != Link::Phase::kReady) {
        attempt_failed(link_, error);
      }
    });
  });
  std::unique_lock lock(mutex_);
  // The attempt's own timer bounds this wait.
  changed_.wait(lock, [&] { return connect_done_; });
  if (connect_error_) return *connect_error_;
  return {};
}

// ---- requests (callers' threads) -------------------------------------------------------------

std::optional<Error> TwsClient::Impl::refusal_locked(RequestKind kind) const {
  const std::string name(request_name(kind));
  if (stopping_) {
    return Error::cancelled("the TWS client for " + where() + " is closing", where_context());
  }
  if (!state_.connected) {
    std::string message = "IB 504: not connected to TWS at " + where() + "; " + name + " not sent";
    if (!state_.last_disconnect.empty()) message += " (" + state_.last_disconnect + ")";
    return Error::unavailable(std::move(message), where_context());
  }
  if (connectivity_lost_) {
    return Error::unavailable("IB 504: TWS at " + where() +
                                  " has lost its connection to IB (1100); " + name + " not sent",
                              where_context());
  }
  return std::nullopt;
}

void TwsClient::Impl::fail_all_locked(const Error& error) {
  for (auto& [req_id, pending] : pending_) {
    pending->done = true;
    pending->error = error;
    pending->error->with("req_id", std::to_string(req_id));
  }
  pending_.clear();
  changed_.notify_all();
}

void TwsClient::Impl::send(std::uint64_t generation, std::string bytes) {
  net::post(io_, [this, generation, bytes = std::move(bytes)]() mutable {
    if (link_ && link_->phase == Link::Phase::kReady && link_->generation == generation) {
      write(link_, std::move(bytes));
    }
  });
}

void TwsClient::Impl::abandon_locked(Pending& pending, std::uint64_t generation, Error error) {
  if (pending.done) return;
  pending.done = true;
  pending.error = std::move(error);
  pending_.erase(pending.req_id);
  std::optional<Fields> cancel;
  if (pending.kind == RequestKind::kHistoricalData) {
    cancel = cancel_historical_data(pending.req_id);
  } else if (pending.kind == RequestKind::kHeadTimestamp) {
    if (Result<Fields> fields = cancel_head_timestamp(state_.server_version, pending.req_id);
        fields.ok()) {
      cancel = std::move(*fields);
    }
  }
  if (cancel && state_.connected) {
    if (Result<std::string> bytes = encode_message(*cancel); bytes.ok()) {
      if (cancelled_.size() >= kMaxCancelledIds) cancelled_.erase(cancelled_.begin());
      cancelled_.insert(pending.req_id);
      send(generation, std::move(*bytes));
    }
  }
  changed_.notify_all();
}

Result<std::shared_ptr<TwsClient::Impl::Pending>> TwsClient::Impl::execute(
    RequestKind kind, const Builder& build, const CancellationToken& token) {
  const std::string name(request_name(kind));
  if (token.is_cancelled()) {
    return Error::cancelled(name + " to TWS at " + where() + " was cancelled before it was sent",
                            where_context());
  }
  auto pending = std::make_shared<Pending>();
  pending->kind = kind;
  std::uint64_t generation = 0;
  std::string bytes;
  {
    std::lock_guard lock(mutex_);
    if (std::optional<Error> refused = refusal_locked(kind)) return *std::move(refused);
    pending->req_id = next_req_id_++;
    Result<Fields> fields = build(state_.server_version, pending->req_id);
    if (!fields.ok()) return std::move(fields).error();
    Result<std::string> encoded = encode_message(*fields);
    if (!encoded.ok()) return std::move(encoded).error();
    bytes = std::move(*encoded);
    generation = generation_;
    pending_.emplace(pending->req_id, pending);
    ++active_calls_;
  }
  // Declared first, so destroyed last: the destructor waits for active_calls_ to reach 0.
  struct CallGuard {
    Impl& impl;
    ~CallGuard() {
      std::lock_guard lock(impl.mutex_);
      --impl.active_calls_;
      impl.changed_.notify_all();
    }
  } guard{*this};
  send(generation, std::move(bytes));

  const auto deadline = after(options_.request_timeout);
  const int req_id = pending->req_id;
  CancellationRegistration registration = token.on_cancel([this, pending, generation, token] {
    std::lock_guard lock(mutex_);
    Error error = Error::cancelled(std::string(request_name(pending->kind)) + " " +
                                       std::to_string(pending->req_id) + " to TWS at " + where() +
                                       " was cancelled",
                                   where_context());
    error.with("req_id", std::to_string(pending->req_id));
    error.with("reason", std::string(to_string(token.reason())));
    abandon_locked(*pending, generation, std::move(error));
  });
  // Unlocked before `registration` is destroyed (its callback takes the lock).
  std::unique_lock lock(mutex_);
  if (!changed_.wait_until(lock, deadline, [&] { return pending->done; })) {
    Error error = Error::timeout("TWS at " + where() + " did not answer " + name + " " +
                                     std::to_string(req_id) + " within " +
                                     std::to_string(options_.request_timeout.count()) +
                                     " ms; the request was cancelled",
                                 where_context());
    error.with("req_id", std::to_string(req_id));
    abandon_locked(*pending, generation, std::move(error));
  }
  lock.unlock();
  if (pending->error) return *pending->error;
  return pending;
}

Result<std::vector<TwsContractDetails>> TwsClient::Impl::contract_details(
    const TwsContract& contract, const CancellationToken& token) {
  Result<std::shared_ptr<Pending>> done = execute(
      RequestKind::kContractDetails,
      [&](int server_version, int req_id) -> Result<Fields> {
        return req_contract_details(server_version, req_id, contract);
      },
      token);
  if (!done.ok()) return std::move(done).error();
  return std::move((*done)->details);
}

Result<sys_seconds> TwsClient::Impl::head_timestamp(const TwsContract& contract,
                                                    std::string_view what_to_show, bool use_rth,
                                                    const CancellationToken& token) {
  Result<std::shared_ptr<Pending>> done = execute(
      RequestKind::kHeadTimestamp,
      [&](int server_version, int req_id) {
        return req_head_timestamp(server_version, req_id, contract, what_to_show, use_rth,
                                  /*format_date=*/2);
      },
      token);
  if (!done.ok()) return std::move(done).error();
  return *(*done)->head;
}

Result<TwsHistoricalData> TwsClient::Impl::historical_data(TwsHistoricalDataRequest request,
                                                           const CancellationToken& token) {
  Result<std::shared_ptr<Pending>> done = execute(
      RequestKind::kHistoricalData,
      [&](int server_version, int req_id) -> Result<Fields> {
        request.req_id = req_id;
        return req_historical_data(server_version, request);
      },
      token);
  if (!done.ok()) return std::move(done).error();
  return std::move(*(*done)->bars);
}

// ---- the connection (io thread) --------------------------------------------------------------

void TwsClient::Impl::close(Link& link) {
  link.phase = Link::Phase::kClosed;
  boost::system::error_code ignored;
  link.socket.shutdown(tcp::socket::shutdown_both, ignored);
  link.socket.close(ignored);
  link.resolver.cancel();
  link.deadline.cancel();
}

void TwsClient::Impl::start_attempt(std::string host, std::uint16_t port, bool initial,
                                    steady_clock::time_point deadline_at, bool redirected) {
  auto link = std::make_shared<Link>(io_);
  link->host = std::move(host);
  link->port = port;
  link->initial = initial;
  link->redirected = redirected;
  link->deadline_at = deadline_at;
  link_ = link;
  link->deadline.expires_at(deadline_at);
  link->deadline.async_wait([this, link](boost::system::error_code ec) {
    if (ec || link_ != link || link->phase == Link::Phase::kReady) return;
    const std::string step = link->phase == Link::Phase::kConnecting    ? "accept the connection"
                             : link->phase == Link::Phase::kAwaitingAck ? "answer the handshake"
                                                                        : "become ready";
    Error error =
        Error::timeout("IB 502: TWS at " + link->where() + " did not " + step + " within " +
                           std::to_string(options_.connect_timeout.count()) + " ms",
                       where_context());
    if (link->redirected) error.with("redirected_to", link->where());
    attempt_failed(link, std::move(error));
  });
  link->resolver.async_resolve(
      link->host, std::to_string(link->port),
      [this, link](boost::system::error_code ec, const tcp::resolver::results_type& endpoints) {
        if (link_ != link || link->phase == Link::Phase::kClosed) return;
        if (ec) {
          Error error{ErrorCode::kConnectionRefused,
                      "IB 502: couldn't connect to TWS at " + link->where() +
                          ": cannot resolve the host (" + ec.message() + ")",
                      where_context()};
          return attempt_failed(link, std::move(error));
        }
        net::async_connect(
            link->socket, endpoints,
            [this, link](boost::system::error_code connect_ec, const tcp::endpoint&) {
              if (link_ != link || link->phase == Link::Phase::kClosed) return;
              if (connect_ec) {
                Error error{ErrorCode::kConnectionRefused,
                            "IB 502: couldn't connect to TWS at " + link->where() + " (" +
                                connect_ec.message() + ")",
                            where_context()};
                return attempt_failed(link, std::move(error));
              }
              boost::system::error_code ignored;
              link->socket.set_option(tcp::no_delay(true), ignored);
              link->phase = Link::Phase::kAwaitingAck;
              write(link, handshake_);
              start_read(link);
            });
      });
}

void TwsClient::Impl::start_read(const std::shared_ptr<Link>& link) {
  link->socket.async_read_some(
      net::buffer(link->buffer),
      [this, link](boost::system::error_code ec, std::size_t size) { on_read(link, ec, size); });
}

void TwsClient::Impl::on_read(const std::shared_ptr<Link>& link, boost::system::error_code ec,
                              std::size_t size) {
  if (link_ != link || link->phase == Link::Phase::kClosed) return;
  if (ec) {
    const std::string why = ec == net::error::eof ? std::string("closed by TWS") : ec.message();
    if (link->phase == Link::Phase::kReady) {
      return connection_lost(
          link, "the connection to TWS at " + link->where() + " was lost (" + why + ")");
    }
    std::string message = "TWS at " + link->where() + " closed the connection before it was ready";
    if (link->handshake_error) {
      message += ": IB " + std::to_string(link->handshake_error->code) + ": " +
                 link->handshake_error->text;
    } else if (link->phase == Link::Phase::kAwaitingReady) {
      message +=
          " (IB 326: is client id " + std::to_string(options_.client_id) + " already in use?)";
    }
    message += " (" + why + ")";
    Error error = Error::unavailable(std::move(message), where_context());
    error.with("client_id", std::to_string(options_.client_id));
    return attempt_failed(link, std::move(error));
  }
  link->reader.feed(std::string_view(link->buffer.data(), size));
  for (;;) {
    Result<std::optional<Fields>> next = link->reader.next();
    if (!next.ok()) {
      Error error = std::move(next).error();
      error.message = "TWS at " + link->where() + ": " + error.message;
      return link_failed(link, std::move(error));
    }
    if (!*next) break;
    if (link->phase == Link::Phase::kReady) {
      handle_message(link, **next);
    } else {
      handle_handshake(link, **next);
    }
    if (link_ != link || link->phase == Link::Phase::kClosed) return;
  }
  start_read(link);
}

void TwsClient::Impl::handle_handshake(const std::shared_ptr<Link>& link, const Fields& message) {
  if (link->phase == Link::Phase::kAwaitingAck) {
    Result<std::optional<TwsConnectAck>> ack = parse_connect_ack(message);
    if (!ack.ok()) {
      Error error = std::move(ack).error();
      error.message = "TWS at " + link->where() + ": " + error.message;
      return attempt_failed(link, std::move(error));
    }
    if (!*ack) return;  // something before the ack: keep reading
    if (!(*ack)->redirect.empty()) {
      const std::string& target = (*ack)->redirect;
      if (link->redirected) {
        return attempt_failed(
            link, Error::unavailable("TWS at " + link->where() + " redirected again, to " + target +
                                         "; only one redirect is followed",
                                     where_context()));
      }
      std::string host = target;
      std::uint16_t port = link->port;
      if (const std::size_t colon = target.rfind(':'); colon != std::string::npos) {
        host = target.substr(0, colon);
        const std::optional<int> parsed = to_int(std::string_view(target).substr(colon + 1));
        if (!parsed || *parsed <= 0 || *parsed > 65535) {
          return attempt_failed(link, Error{ErrorCode::kMalformedResponse,
                                            "TWS at " + link->where() + " redirected to \"" +
                                                target + "\", which is not host:port",
                                            where_context()});
        }
        port = static_cast<std::uint16_t>(*parsed);
      }
      close(*link);
      return start_attempt(std::move(host), port, link->initial, link->deadline_at,
                           /*redirected=*/true);
    }
    link->server_version = (*ack)->server_version;
    link->connection_time = (*ack)->connection_time;
    Result<TimeZone> zone = connection_zone(link->connection_time);
    if (!zone.ok()) return attempt_failed(link, std::move(zone).error());
    link->zone = *zone;
    Result<std::string> start = encode_message(start_api(link->server_version, options_.client_id));
    if (!start.ok()) return attempt_failed(link, std::move(start).error());
    link->phase = Link::Phase::kAwaitingReady;
    write(link, std::move(*start));
    return;
  }
  // Awaiting nextValidId and managedAccounts.
  Result<int> id = message_id(message);
  if (!id.ok()) return;
  switch (static_cast<IncomingMessage>(*id)) {
    case IncomingMessage::kManagedAccounts: {
      Result<std::vector<std::string>> accounts = parse_managed_accounts(message);
      if (!accounts.ok()) return attempt_failed(link, std::move(accounts).error());
      link->accounts = std::move(*accounts);
      link->have_accounts = true;
      break;
    }
    case IncomingMessage::kNextValidId: {
      Result<std::int64_t> next = parse_next_valid_id(message);
      if (!next.ok()) return attempt_failed(link, std::move(next).error());
      link->have_next_id = true;
      break;
    }
    case IncomingMessage::kError: {
      Result<TwsError> error = parse_error(message, link->server_version);
      if (!error.ok()) return;
      if (!is_informational(error->code)) link->handshake_error = *error;
      std::lock_guard lock(mutex_);
      state_.last_error = *error;
      break;
    }
    default:
      break;
  }
  if (link->have_accounts && link->have_next_id) attempt_succeeded(link);
}

void TwsClient::Impl::handle_message(const std::shared_ptr<Link>& link, const Fields& message) {
  Result<int> id_read = message_id(message);
  if (!id_read.ok()) return;
  const auto id = static_cast<IncomingMessage>(*id_read);
  const int version = link->server_version;
  // A response that does not parse fails its request, when its id can be read.
  const auto fail_request = [&](Error error) {
    if (const std::optional<int> req_id = response_req_id(message, id, version)) {
      error.with("tws", link->where());
      update_pending(*req_id, [&](Pending& pending) {
        pending.error = std::move(error);
        return true;
      });
    }
  };
  switch (id) {
    case IncomingMessage::kError: {
      Result<TwsError> error = parse_error(message, version);
      if (error.ok()) handle_error(link, *error);
      return;
    }
    case IncomingMessage::kContractData: {
      Result<TwsContractDetails> details = parse_contract_data(message, version);
      if (!details.ok()) return fail_request(std::move(details).error());
      update_pending(details->req_id, [&](Pending& pending) {
        if (pending.kind == RequestKind::kContractDetails) {
          pending.details.push_back(std::move(*details));
        }
        return false;
      });
      return;
    }
    case IncomingMessage::kContractDataEnd: {
      Result<int> req_id = parse_contract_data_end(message);
      if (!req_id.ok()) return fail_request(std::move(req_id).error());
      update_pending(
          *req_id, [](Pending& pending) { return pending.kind == RequestKind::kContractDetails; });
      return;
    }
    case IncomingMessage::kHeadTimestamp: {
      Result<TwsHeadTimestamp> head = parse_head_timestamp(message, *link->zone);
      if (!head.ok()) return fail_request(std::move(head).error());
      update_pending(head->req_id, [&](Pending& pending) {
        if (pending.kind != RequestKind::kHeadTimestamp) return false;
        pending.head = head->time;
        return true;
      });
      // Answered: cancel it at TWS, where it otherwise stays open (IB asks for this).
      if (Result<Fields> cancel = cancel_head_timestamp(version, head->req_id); cancel.ok()) {
        if (Result<std::string> bytes = encode_message(*cancel); bytes.ok()) {
          write(link, std::move(*bytes));
        }
      }
      return;
    }
    case IncomingMessage::kHistoricalData: {
      Result<TwsHistoricalData> data = parse_historical_data(message, version, *link->zone);
      if (!data.ok()) return fail_request(std::move(data).error());
      update_pending(data->req_id, [&](Pending& pending) {
        if (pending.kind != RequestKind::kHistoricalData) return false;
        pending.bars = std::move(*data);
        return true;
      });
      return;
    }
    case IncomingMessage::kManagedAccounts: {
      Result<std::vector<std::string>> accounts = parse_managed_accounts(message);
      if (!accounts.ok()) return;
      std::lock_guard lock(mutex_);
      state_.accounts = std::move(*accounts);
      return;
    }
    default:
      return;  // nextValidId again, and every message this client does not use
  }
}

void TwsClient::Impl::update_pending(int req_id, const std::function<bool(Pending&)>& complete) {
  std::lock_guard lock(mutex_);
  const auto found = pending_.find(req_id);
  if (found == pending_.end()) return;  // finished, cancelled or timed out already
  const std::shared_ptr<Pending> pending = found->second;
  if (!complete(*pending)) return;
  pending->done = true;
  pending_.erase(found);
  changed_.notify_all();
}

void TwsClient::Impl::handle_error(const std::shared_ptr<Link>& link, const TwsError& error) {
  std::lock_guard lock(mutex_);
  if ((error.code == 162 || error.code == 366) && cancelled_.erase(error.req_id) > 0) {
    return;  // TWS acknowledging a cancel of ours
  }
  state_.last_error = error;
  if (error.code == 1100) {
    connectivity_lost_ = true;
    fail_all_locked(Error::unavailable(
        "IB 504: TWS at " + link->where() + " lost its connection to IB (1100: " + error.text + ")",
        where_context()));
    return;
  }
  if (error.code == 1101 || error.code == 1102) connectivity_lost_ = false;
  if (is_informational(error.code) || error.req_id < 0) return;
  const auto found = pending_.find(error.req_id);
  if (found == pending_.end()) return;
  const std::shared_ptr<Pending> pending = found->second;
  pending->error = map_request_error(error, request_name(pending->kind), link->where());
  pending->done = true;
  pending_.erase(found);
  changed_.notify_all();
}

void TwsClient::Impl::write(const std::shared_ptr<Link>& link, std::string bytes) {
  link->writes.push_back(std::move(bytes));
  if (!link->writing) write_next(link);
}

void TwsClient::Impl::write_next(const std::shared_ptr<Link>& link) {
  link->writing = true;
  net::async_write(link->socket, net::buffer(link->writes.front()),
                   [this, link](boost::system::error_code ec, std::size_t) {
                     if (link_ != link || link->phase == Link::Phase::kClosed) return;
                     link->writes.pop_front();
                     link->writing = false;
                     if (ec) {
                       return link_failed(link,
                                          Error::unavailable("writing to TWS at " + link->where() +
                                                                 " failed: " + ec.message(),
                                                             where_context()));
                     }
                     if (!link->writes.empty()) write_next(link);
                   });
}

void TwsClient::Impl::link_failed(std::shared_ptr<Link> link, Error error) {
  if (link->phase == Link::Phase::kReady) return connection_lost(link, error.message);
  attempt_failed(link, std::move(error));
}

void TwsClient::Impl::attempt_failed(std::shared_ptr<Link> link, Error error) {
  close(*link);
  if (link_ == link) link_.reset();
  if (link->initial) {
    std::lock_guard lock(mutex_);
    connect_done_ = true;
    connect_error_ = std::move(error);
    changed_.notify_all();
    return;
  }
  schedule_reconnect();
}

void TwsClient::Impl::attempt_succeeded(const std::shared_ptr<Link>& link) {
  link->phase = Link::Phase::kReady;
  link->deadline.cancel();
  backoff_ = options_.reconnect_initial_backoff;
  std::lock_guard lock(mutex_);
  link->generation = ++generation_;
  state_.connected = true;
  state_.server_version = link->server_version;
  state_.connection_time = link->connection_time;
  state_.accounts = link->accounts;
  if (!link->initial) ++state_.reconnects;
  connectivity_lost_ = false;
  cancelled_.clear();
  if (link->initial) connect_done_ = true;
  changed_.notify_all();
}

void TwsClient::Impl::connection_lost(std::shared_ptr<Link> link, const std::string& reason) {
  close(*link);
  if (link_ == link) link_.reset();
  {
    std::lock_guard lock(mutex_);
    state_.connected = false;
    state_.last_disconnect = reason;
    fail_all_locked(Error::unavailable("IB 504: not connected: " + reason, where_context()));
    cancelled_.clear();
    if (stopping_) return;
  }
  schedule_reconnect();
}

void TwsClient::Impl::schedule_reconnect() {
  if (options_.reconnect_initial_backoff <= milliseconds::zero()) return;
  backoff_timer_.expires_after(backoff_);
  backoff_ = std::min(backoff_ * 2,
                      std::max(options_.reconnect_max_backoff, options_.reconnect_initial_backoff));
  backoff_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    start_attempt(options_.host, options_.port, /*initial=*/false, after(options_.connect_timeout),
                  /*redirected=*/false);
  });
}

// ---- TwsClient -------------------------------------------------------------------------------

Result<std::unique_ptr<TwsClient>> TwsClient::connect(TwsClientOptions options,
                                                      const CancellationToken& token) {
  auto impl = std::make_unique<Impl>(std::move(options));
  Result<void> connected = impl->connect(token);
  if (!connected.ok()) return std::move(connected).error();
  return std::unique_ptr<TwsClient>(new TwsClient(std::move(impl)));
}

TwsClient::TwsClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TwsClient::~TwsClient() = default;

TwsConnectionState TwsClient::state() const { return impl_->state(); }

const TwsClientOptions& TwsClient::options() const noexcept { return impl_->options(); }

Result<std::vector<TwsContractDetails>> TwsClient::contract_details(
    const TwsContract& contract, const CancellationToken& token) {
  return impl_->contract_details(contract, token);
}

Result<sys_seconds> TwsClient::head_timestamp(const TwsContract& contract,
                                              std::string_view what_to_show, bool use_rth,
                                              const CancellationToken& token) {
  return impl_->head_timestamp(contract, what_to_show, use_rth, token);
}

Result<TwsHistoricalData> TwsClient::historical_data(TwsHistoricalDataRequest request,
                                                     const CancellationToken& token) {
  return impl_->historical_data(std::move(request), token);
}

}  // namespace ktrdr::data::tws
