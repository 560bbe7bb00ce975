// FakeTwsGateway: the accept loop and the per-connection sessions that check the client's
// framing and play the script.
#include "fake_tws_gateway.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <charconv>
#include <cstdio>
#include <deque>
#include <string_view>
#include <utility>

#include "ktrdr/sdk/time_zone.hpp"
#include "tws/tws_time.hpp"

namespace ktrdr::data::tws::testing {

namespace net = boost::asio;
using tcp = net::ip::tcp;
using std::chrono::sys_seconds;

namespace {

constexpr std::string_view kApiSign("API\0", 4);
constexpr std::string_view kBarSizeRule =
    "Error validating request.-'bK' : cause - Historical data bar size setting is invalid. Legal "
    "ones are: 1 secs, 5 secs, 10 secs, 15 secs, 30 secs, 1 min, 2 mins, 3 mins, 5 mins, 10 mins, "
    "15 mins, 20 mins, 30 mins, 1 hour, 2 hours, 3 hours, 4 hours, 8 hours, 1 day, 1W, 1M";

std::string frame(const Fields& fields) { return encode_message(fields).value_or_throw(); }

std::optional<long long> to_integer(std::string_view text) {
  long long value = 0;
  const char* last = text.data() + text.size();
  const auto [end, ec] = std::from_chars(text.data(), last, value);
  if (text.empty() || ec != std::errc{} || end != last) return std::nullopt;
  return value;
}

std::string number(double value) {
  char text[32];
  const auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return std::string(text, ec == std::errc{} ? end : text);
}

// "yyyymmdd", then " hh:mm:ss" after `separator` when `with_clock`.
std::string format_time(sys_seconds time, bool with_clock, const char* separator = " ") {
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date{day};
  const std::chrono::hh_mm_ss clock{time - day};
  char text[48];
  if (with_clock) {
    std::snprintf(text, sizeof text, "%04d%02u%02u%s%02d:%02d:%02d", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()), separator,
                  static_cast<int>(clock.hours().count()),
                  static_cast<int>(clock.minutes().count()),
                  static_cast<int>(clock.seconds().count()));
  } else {
    std::snprintf(text, sizeof text, "%04d%02u%02u", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
  }
  return text;
}

std::optional<long long> bar_seconds(std::string_view bar_size) {
  static const std::map<std::string_view, long long> kSizes{
      {"1 secs", 1},      {"5 secs", 5},      {"10 secs", 10},   {"15 secs", 15},
      {"30 secs", 30},    {"1 min", 60},      {"2 mins", 120},   {"3 mins", 180},
      {"5 mins", 300},    {"10 mins", 600},   {"15 mins", 900},  {"20 mins", 1200},
      {"30 mins", 1800},  {"1 hour", 3600},   {"2 hours", 7200}, {"3 hours", 10800},
      {"4 hours", 14400}, {"8 hours", 28800}, {"1 day", 86400},  {"1W", 604800},
      {"1M", 2592000}};
  const auto found = kSizes.find(bar_size);
  if (found == kSizes.end()) return std::nullopt;
  return found->second;
}

// "<int> <S|D|W|M|Y>" in seconds (a month as 30 days, a year as 365).
std::optional<long long> duration_seconds(std::string_view duration) {
  const std::size_t space = duration.find(' ');
  if (space == std::string_view::npos || space + 2 != duration.size()) return std::nullopt;
  const std::optional<long long> count = to_integer(duration.substr(0, space));
  if (!count || *count <= 0) return std::nullopt;
  switch (duration.back()) {
    case 'S':
      return *count;
    case 'D':
      return *count * 86400;
    case 'W':
      return *count * 604800;
    case 'M':
      return *count * 2592000;
    case 'Y':
      return *count * 31536000;
    default:
      return std::nullopt;
  }
}

}  // namespace

FakeTwsAnswer FakeTwsAnswer::error(int code, std::string text) {
  FakeTwsAnswer answer;
  answer.kind = Kind::kError;
  answer.code = code;
  answer.text = std::move(text);
  return answer;
}

FakeTwsAnswer FakeTwsAnswer::no_data() {
  return error(162,
               "Historical Market Data Service error message:HMDS query returned no data: "
               "AAPL@SMART Trades");
}

FakeTwsAnswer FakeTwsAnswer::pacing() {
  return error(162,
               "Historical Market Data Service error message:Historical data request pacing "
               "violation");
}

FakeTwsAnswer FakeTwsAnswer::of(Kind kind) {
  FakeTwsAnswer answer;
  answer.kind = kind;
  return answer;
}

// One accepted connection; lives on the server thread.
class FakeTwsGateway::Session : public std::enable_shared_from_this<Session> {
 public:
  Session(FakeTwsGateway& gateway, tcp::socket socket)
      : gateway_(gateway), script_(gateway.script_), socket_(std::move(socket)) {
    boost::system::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
  }

  void start() { do_read(); }

  void close() {
    if (closed_) return;
    closed_ = true;
    for (auto& [req_id, timer] : in_flight_) {
      if (timer) timer->cancel();
    }
    boost::system::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

 private:
  enum class Stage { kSign, kVersion, kStartApi, kServing };

  void do_read() {
    socket_.async_read_some(
        net::buffer(buffer_),
        [self = shared_from_this()](boost::system::error_code ec, std::size_t size) {
          if (ec || self->closed_) return self->close();
          self->on_bytes(std::string_view(self->buffer_.data(), size));
          if (!self->closed_) self->do_read();
        });
  }

  void on_bytes(std::string_view bytes) {
    if (stage_ == Stage::kSign) {
      const std::size_t take = std::min(bytes.size(), kApiSign.size() - sign_.size());
      sign_.append(bytes.substr(0, take));
      bytes.remove_prefix(take);
      if (sign_ != kApiSign.substr(0, sign_.size())) return close();  // not the API
      if (sign_.size() < kApiSign.size()) return;
      stage_ = Stage::kVersion;
    }
    reader_.feed(bytes);
    for (;;) {
      Result<std::optional<Fields>> next = reader_.next();
      if (!next.ok()) return close();  // a broken frame: TWS drops the client
      if (!*next) return;
      gateway_.record(**next);
      on_message(**next);
      if (closed_) return;
    }
  }

  void on_message(const Fields& message) {
    switch (stage_) {
      case Stage::kSign:
        return;
      case Stage::kVersion:
        // "v<min>..<max>[ <options>]", one field without NUL.
        if (message.size() != 1 || message[0].size() < 2 || message[0][0] != 'v') return close();
        return on_version();
      case Stage::kStartApi:
        if (message.size() < 3 || message[0] != "71" || message[1] != "2") return close();
        return on_start_api();
      case Stage::kServing:
        return serve(message);
    }
  }

  void on_version() {
    const std::string version = std::to_string(script_.server_version);
    switch (script_.handshake) {
      case FakeTwsScript::Handshake::kSilent:
        stage_ = Stage::kServing;  // records, answers nothing
        return;
      case FakeTwsScript::Handshake::kRedirect:
        return send({frame({"-" + version, script_.redirect_to})}, /*close_after=*/true);
      case FakeTwsScript::Handshake::kCloseAfterAck:
        return send({frame({version, script_.connection_time}),
                     error_frame(-1, 326,
                                 "Unable to connect as the client id is already in use. Retry "
                                 "with a unique client id.")},
                    /*close_after=*/true);
      case FakeTwsScript::Handshake::kNormal:
        stage_ = Stage::kStartApi;
        return send({frame({version, script_.connection_time})});
    }
  }

  void on_start_api() {
    stage_ = Stage::kServing;
    std::vector<std::string> frames{frame({"15", "1", script_.accounts}),
                                    frame({"9", "1", std::to_string(script_.next_valid_id)})};
    if (script_.farm_notices) {
      frames.push_back(error_frame(-1, 2104, "Market data farm connection is OK:usfarm"));
      frames.push_back(error_frame(-1, 2106, "HMDS data farm connection is OK:ushmds"));
      frames.push_back(error_frame(-1, 2158, "Sec-def data farm connection is OK:secdefil"));
    }
    send(std::move(frames));
  }

  // The requests, by their layouts at version 166 on (see tws_requests.hpp).
  void serve(const Fields& message) {
    if (script_.handshake == FakeTwsScript::Handshake::kSilent) return;
    const std::string& id = message.front();
    const std::size_t contract_fields = script_.server_version >= 176 ? 19 : 18;
    if ((id == "9" && message.size() != contract_fields) || (id == "87" && message.size() != 18) ||
        (id == "20" && message.size() != 23) || (id == "25" && message.size() != 3)) {
      // TWS answers a request it cannot parse with 320 and drops the client.
      return send({error_frame(-1, 320, "Error reading request: Unable to parse data. " + id)},
                  /*close_after=*/true);
    }
    if (id == "9") {
      const int req_id = static_cast<int>(to_integer(message[2]).value_or(0));
      // A contract asked by local symbol alone (a future) is keyed by that.
      const std::string& key = message[4].empty() ? message[13] : message[4];
      return respond(req_id, key, contract_frames(req_id, key, message[5]));
    }
    if (id == "87") {
      const int req_id = static_cast<int>(to_integer(message[1]).value_or(0));
      return respond(req_id, message[3],
                     {frame({"88", std::to_string(req_id), script_.head_timestamp})});
    }
    if (id == "20") {
      const int req_id = static_cast<int>(to_integer(message[1]).value_or(0));
      return respond(req_id, message[3].empty() ? message[12] : message[3],
                     historical_frames(req_id, message), script_.historical_answers);
    }
    if (id == "25") return on_cancel(static_cast<int>(to_integer(message[2]).value_or(0)));
    // 90 (cancelHeadTimestamp) draws nothing; other messages are ignored.
  }

  // The answer listed for `symbol` in `first`, else in the script's answers, else kData.
  void respond(int req_id, const std::string& symbol, std::vector<std::string> data,
               const std::map<std::string, FakeTwsAnswer>& first = {}) {
    FakeTwsAnswer answer;
    if (const auto listed = first.find(symbol); listed != first.end()) {
      answer = listed->second;
    } else if (const auto known = script_.answers.find(symbol); known != script_.answers.end()) {
      answer = known->second;
    }
    switch (answer.kind) {
      case FakeTwsAnswer::Kind::kData:
        return deliver(req_id, std::move(data), answer.delay);
      case FakeTwsAnswer::Kind::kError:
        return deliver(req_id, {error_frame(req_id, answer.code, answer.text)}, answer.delay);
      case FakeTwsAnswer::Kind::kSilence:
        in_flight_[req_id] = nullptr;
        return;
      case FakeTwsAnswer::Kind::kDropMidResponse: {
        std::string all;
        for (const std::string& part : data) all += part;
        all.resize(all.size() / 2);
        return send({std::move(all)}, /*close_after=*/true);
      }
      case FakeTwsAnswer::Kind::kMaxSizeFrame: {
        std::string payload("999\0", 4);
        payload.append(kMaxPayloadLength - payload.size() - 1, 'x');
        payload.push_back('\0');
        data.insert(data.begin(), frame_payload(payload).value_or_throw());
        return deliver(req_id, std::move(data), answer.delay);
      }
    }
  }

  void deliver(int req_id, std::vector<std::string> frames, std::chrono::milliseconds delay) {
    if (delay <= std::chrono::milliseconds::zero()) return send(std::move(frames));
    auto timer = std::make_shared<net::steady_timer>(socket_.get_executor(), delay);
    in_flight_[req_id] = timer;
    timer->async_wait([self = shared_from_this(), req_id,
                       frames = std::move(frames)](boost::system::error_code ec) mutable {
      if (ec || self->closed_) return;
      self->in_flight_.erase(req_id);
      self->send(std::move(frames));
    });
  }

  void on_cancel(int req_id) {
    const auto found = in_flight_.find(req_id);
    if (found == in_flight_.end()) {
      return send({error_frame(
          req_id, 366, "No historical data query found for ticker id:" + std::to_string(req_id))});
    }
    if (found->second) found->second->cancel();
    in_flight_.erase(found);
    if (script_.answer_cancel) {
      send({error_frame(req_id, 162,
                        "Historical Market Data Service error message:API historical data query "
                        "cancelled: " +
                            std::to_string(req_id))});
    }
  }

  std::string error_frame(int req_id, int code, const std::string& text) const {
    Fields fields{"4", "2", std::to_string(req_id), std::to_string(code), text};
    if (script_.server_version >= 166) fields.emplace_back();  // advancedOrderRejectJson
    return frame(fields);
  }

  // The listed contracts of `symbol` of the security type asked (any when none is).
  std::vector<std::string> contract_frames(int req_id, const std::string& symbol,
                                           const std::string& sec_type) const {
    std::vector<TwsContractDetails> matching;
    if (const auto listed = script_.contracts.find(symbol); listed != script_.contracts.end()) {
      for (const TwsContractDetails& details : listed->second) {
        if (sec_type.empty() || details.contract.sec_type == sec_type) matching.push_back(details);
      }
    }
    if (matching.empty()) {
      return {error_frame(req_id, 200, "No security definition has been found for the request")};
    }
    std::vector<std::string> frames;
    for (const TwsContractDetails& details : matching) {
      const TwsContract& c = details.contract;
      Fields fields{"10", std::to_string(req_id), c.symbol, c.sec_type,
                    c.last_trade_date_or_contract_month};
      if (script_.server_version >= 182) fields.push_back(details.last_trade_date);
      for (std::string field :
           {number(c.strike), c.right, c.exchange, c.currency, c.local_symbol, details.market_name,
            c.trading_class, std::to_string(c.con_id), number(details.min_tick), c.multiplier,
            std::string("ACTIVETIM,LMT,MKT"), std::string("SMART,NASDAQ"), std::string("1"),
            std::string("0"), details.long_name, c.primary_exchange, std::string(),
            std::string("Technology"), std::string("Computers"), std::string("Computers"),
            details.time_zone_id, details.trading_hours, details.liquid_hours,
            // evRule, evMultiplier, secIdListCount, aggGroup, underSymbol, underSecType,
            // marketRuleIds, realExpirationDate, stockType, minSize, sizeIncrement,
            // suggestedSizeIncrement
            std::string(), std::string(), std::string("0"), std::string("1"), std::string(),
            std::string(), std::string("26"), std::string(), std::string("COMMON"),
            std::string("0.0001"), std::string("0.0001"), std::string("100")}) {
        fields.push_back(std::move(field));
      }
      if (script_.server_version >= 186) fields.emplace_back("0");  // ineligibility reasons
      frames.push_back(frame(fields));
    }
    frames.push_back(frame({"52", "1", std::to_string(req_id)}));
    return frames;
  }

  // 20|reqId|conId|symbol|…|includeExpired|endDateTime|barSize|duration|useRTH|whatToShow|
  // formatDate|keepUpToDate|chartOptions|
  std::vector<std::string> historical_frames(int req_id, const Fields& request) const {
    const std::optional<long long> bar = bar_seconds(request[16]);
    if (!bar) return {error_frame(req_id, 321, std::string(kBarSizeRule))};
    const std::optional<long long> duration = duration_seconds(request[17]);
    if (!duration) {
      return {error_frame(req_id, 321,
                          "Error validating request.-'bK' : cause - Historical data query end "
                          "date/time or duration is invalid")};
    }
    sys_seconds end = script_.now;
    if (!request[15].empty()) {
      Result<sys_seconds> parsed = parse_tws_time(request[15], TimeZone::named("UTC").value());
      if (!parsed.ok()) {
        return {error_frame(req_id, 10314,
                            "End Date/Time: The date, time, or time-zone entered is invalid.")};
      }
      end = *parsed;
    }
    const std::chrono::seconds step{*bar};
    const sys_seconds start = end - std::chrono::seconds{*duration};
    // The first bar boundary at or after start.
    const long long from = start.time_since_epoch().count();
    const long long first = (from / *bar + (from % *bar != 0 ? 1 : 0)) * *bar;
    const bool daily = *bar >= 86400;
    const bool epoch = request[20] == "2";

    const auto header_time = [&](sys_seconds time) {
      if (script_.zoneless_header_offset) {
        return format_time(time + *script_.zoneless_header_offset, true, "  ");
      }
      return format_end_date_time(time);
    };
    Fields fields{"17", std::to_string(req_id), header_time(start), header_time(end), ""};
    long long count = 0;
    for (sys_seconds t{std::chrono::seconds{first}}; t < end; t += step, ++count) {
      const double open = 100.0 + static_cast<double>(count);
      fields.push_back(daily   ? format_time(t, false)
                       : epoch ? std::to_string(t.time_since_epoch().count())
                               : format_time(t, true) + " UTC");
      fields.push_back(number(open));
      fields.push_back(number(open + 2.0));
      fields.push_back(number(open - 1.0));
      fields.push_back(number(open + 1.0));
      fields.push_back(std::to_string(1000 + count));
      fields.push_back(number(open + 0.5));
      fields.push_back(std::to_string(10 + count));
    }
    fields[4] = std::to_string(count);
    return {frame(fields)};
  }

  // Queues `frames` as the script's Writes mode cuts them; closes after the last when asked.
  void send(std::vector<std::string> frames, bool close_after = false) {
    switch (script_.writes) {
      case FakeTwsScript::Writes::kFramePerWrite:
        for (std::string& part : frames) out_.push_back({std::move(part), false});
        break;
      case FakeTwsScript::Writes::kCoalesced: {
        std::string all;
        for (const std::string& part : frames) all += part;
        out_.push_back({std::move(all), false});
        break;
      }
      case FakeTwsScript::Writes::kByteByByte:
        for (const std::string& part : frames) {
          for (char byte : part) out_.push_back({std::string(1, byte), false});
        }
        break;
    }
    if (close_after) out_.push_back({std::string(), true});
    if (!writing_) write_next();
  }

  void write_next() {
    if (closed_ || out_.empty()) {
      writing_ = false;
      return;
    }
    if (out_.front().close_after) return close();
    writing_ = true;
    net::async_write(socket_, net::buffer(out_.front().bytes),
                     [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                       if (ec) return self->close();
                       self->out_.pop_front();
                       self->write_next();
                     });
  }

  struct Out {
    std::string bytes;
    bool close_after = false;
  };

  FakeTwsGateway& gateway_;
  const FakeTwsScript& script_;
  tcp::socket socket_;
  std::array<char, 64 * 1024> buffer_{};
  std::string sign_;
  FrameReader reader_;
  Stage stage_ = Stage::kSign;
  std::deque<Out> out_;
  bool writing_ = false;
  bool closed_ = false;
  // Historical requests not yet answered: silent (no timer) or delayed (their timer).
  std::map<int, std::shared_ptr<net::steady_timer>> in_flight_;
};

FakeTwsGateway::FakeTwsGateway(FakeTwsScript script, std::uint16_t port)
    : script_(std::move(script)),
      work_(net::make_work_guard(io_)),
      acceptor_(io_, tcp::endpoint(net::ip::make_address("127.0.0.1"), port),
                /*reuse_address=*/true) {
  port_ = acceptor_.local_endpoint().port();
  do_accept();
  thread_ = std::thread([this] { io_.run(); });
}

FakeTwsGateway::~FakeTwsGateway() { stop(); }

void FakeTwsGateway::stop() {
  std::call_once(stopped_, [this] {
    io_.stop();
    thread_.join();
    // The server thread has ended: its objects may be touched here.
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    for (const std::weak_ptr<Session>& weak : sessions_) {
      if (auto session = weak.lock()) session->close();
    }
  });
}

void FakeTwsGateway::do_accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) return;
    {
      std::lock_guard lock(mutex_);
      ++connections_;
    }
    auto session = std::make_shared<Session>(*this, std::move(socket));
    sessions_.push_back(session);
    session->start();
    do_accept();
  });
}

void FakeTwsGateway::record(Fields message) {
  std::lock_guard lock(mutex_);
  received_.push_back(std::move(message));
  changed_.notify_all();
}

std::size_t FakeTwsGateway::connections() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

std::vector<Fields> FakeTwsGateway::received() const {
  std::lock_guard lock(mutex_);
  return received_;
}

std::optional<Fields> FakeTwsGateway::wait_for_message(const std::string& id,
                                                       std::chrono::milliseconds timeout) const {
  std::optional<Fields> found;
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] {
    for (const Fields& message : received_) {
      if (!message.empty() && message.front() == id) {
        found = message;
        return true;
      }
    }
    return false;
  });
  return found;
}

std::size_t FakeTwsGateway::wait_for_count(const std::string& id, std::size_t count,
                                           std::chrono::milliseconds timeout) const {
  std::size_t seen = 0;
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] {
    seen = static_cast<std::size_t>(
        std::count_if(received_.begin(), received_.end(),
                      [&](const Fields& message) { return !message.empty() && message[0] == id; }));
    return seen >= count;
  });
  return seen;
}

}  // namespace ktrdr::data::tws::testing
